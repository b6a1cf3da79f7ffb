/**
 * Child process: the AWS Knowledge Center article's code ("Configure a Lambda function to assume
 * an IAM role in another AWS account"), ported to TypeScript and SDK v3 and applied to every
 * target in turn, as a straightforward port would: per target a new STS client, AssumeRole, a new
 * EC2 client with the returned keys, a describe and the action. No reuse, no concurrency.
 */
import {
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { serve } from './rpc';

export interface NaiveTarget {
  roleArn: string;
  region: string;
}

export interface NaiveParams {
  homeRegion: string;
  targets: NaiveTarget[];
  tag: { key: string; value: string };
}

async function stopTarget(params: NaiveParams, target: NaiveTarget): Promise<number> {
  const sts = new STSClient({ region: params.homeRegion });
  const assumed = await sts.send(
    new AssumeRoleCommand({ RoleArn: target.roleArn, RoleSessionName: 'cross_acct_lambda' }),
  );
  const keys = assumed.Credentials;
  if (!keys?.AccessKeyId || !keys.SecretAccessKey) throw new Error('AssumeRole gave no keys');
  const ec2 = new EC2Client({
    region: target.region,
    credentials: {
      accessKeyId: keys.AccessKeyId,
      secretAccessKey: keys.SecretAccessKey,
      ...(keys.SessionToken ? { sessionToken: keys.SessionToken } : {}),
    },
  });
  const described = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: `tag:${params.tag.key}`, Values: [params.tag.value] },
        { Name: 'instance-state-name', Values: ['running'] },
      ],
    }),
  );
  const ids = (described.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .map((i: Instance) => i.InstanceId)
    .filter((id): id is string => id !== undefined);
  if (ids.length > 0) await ec2.send(new StopInstancesCommand({ InstanceIds: ids }));
  return ids.length;
}

serve({
  async run(params: NaiveParams): Promise<{ wallMs: number; stopped: number }> {
    const started = performance.now();
    let stopped = 0;
    for (const target of params.targets) stopped += await stopTarget(params, target);
    return { wallMs: performance.now() - started, stopped };
  },
});
process.on('disconnect', () => process.exit(0));
