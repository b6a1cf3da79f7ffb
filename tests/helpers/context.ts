import type { Context } from 'aws-lambda';

/** A Lambda context with a controllable remaining time. */
export function aContext(
  options: { requestId?: string; remainingMillis?: () => number } = {},
): Context {
  const requestId = options.requestId ?? 'c6af9ac6-7b61-11e6-9a41-93e812345678';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'xacct-ec2-test-instances',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:xacct-ec2-test-instances',
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/xacct-ec2-test-instances',
    logStreamName: '2026/01/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: options.remainingMillis ?? (() => 300_000),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
