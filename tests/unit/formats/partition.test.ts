/**
 * Caller ARNs are pinned to the stack's partition: `arn:aws-cn:` in a commercial stack and a
 * made-up `arn:awsevil:` are no callers, whatever rule would match their account and name.
 * The region-to-partition table agrees with the SDK's own endpoint rules (@aws-sdk/core).
 */
import { partition as sdkPartition } from '@aws-sdk/core/client';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { authorizeCaller } from '../../../handlers/aws/authorize-caller';
import type { CallerRule } from '../../../handlers/config/caller-rules';
import { readCaller } from '../../../handlers/formats/caller';
import { parseRunOrigin } from '../../../handlers/formats/origin';
import { partitionOf } from '../../../handlers/formats/partition';

const RULES: CallerRule[] = [
  { account: '111111111111', principal: 'role/ops', actions: ['start', 'stop', 'status'] },
];
const event = (userArn: string) =>
  ({
    pathParameters: { action: 'stop' },
    requestContext: { authorizer: { iam: { userArn } } },
  }) as unknown as APIGatewayProxyEventV2WithIAMAuthorizer;

describe('Partition of the stack', () => {
  it.each([
    'eu-west-1',
    'us-east-1',
    'ap-southeast-7',
    'mx-central-1',
    'cn-north-1',
    'us-gov-west-1',
    'us-iso-east-1',
    'us-isob-east-1',
    'eu-isoe-west-1',
    'us-isof-south-1',
    'eusc-de-east-1',
  ])('%s: the same partition as the SDK’s endpoint rules', (region) => {
    expect(partitionOf(region)).toBe(sdkPartition(region).name);
  });

  it('a region of no partition has none', () => {
    expect(partitionOf('moon-base-1')).toBeUndefined();
  });
});

describe('Caller ARNs of another partition', () => {
  it.each([
    ['aws-cn in a commercial stack', 'arn:aws-cn:sts::111111111111:assumed-role/ops/alice', 'aws'],
    ['a made-up partition', 'arn:awsevil:sts::111111111111:assumed-role/ops/alice', 'aws'],
    ['aws in a China stack', 'arn:aws:sts::111111111111:assumed-role/ops/alice', 'aws-cn'],
  ])('refuses %s with 403, although a rule names the account and role', (_case, userArn, own) => {
    // Act
    const check = authorizeCaller(event(userArn), RULES, own);

    // Assess
    expect(check.ok).toBe(false);
    expect(check.ok ? undefined : check.response).toMatchObject({ statusCode: 403 });
  });

  it('accepts the same caller in the stack’s own partition', () => {
    expect(
      authorizeCaller(event('arn:aws-cn:sts::111111111111:assumed-role/ops/alice'), RULES, 'aws-cn')
        .ok,
    ).toBe(true);
  });

  it('reads no caller and no engine origin of a partition that does not exist', () => {
    // Act
    const caller = readCaller({ userArn: 'arn:awsevil:iam::111111111111:user/alice' });
    const origin = parseRunOrigin({
      kind: 'http',
      callerArn: 'arn:awsevil:sts::111111111111:assumed-role/ops/alice',
    });

    // Assess
    expect(caller).toBeUndefined();
    expect(origin.ok).toBe(false);
  });
});

describe('The http function pins its own partition (eu-west-1: aws)', () => {
  it('answers 403 to a caller ARN of aws-cn, before any AWS call', async () => {
    // Prepare
    const { handler } = await import('../../../handlers/http');
    const { anHttpEvent } = await import('../../helpers/http-event');
    const { aContext } = await import('../../helpers/context');
    const forged = anHttpEvent('stop', '{}');
    forged.requestContext.authorizer.iam.userArn =
      'arn:aws-cn:sts::111111111111:assumed-role/operators/alice';

    // Act
    const response = (await handler(forged, aContext())) as { statusCode: number; body: string };

    // Assess
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body).message).toContain('an IAM user of this partition');
  });
});
