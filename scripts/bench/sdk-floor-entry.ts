/**
 * Only the AWS SDK calls the function makes, and nothing else: built with the project's own
 * esbuild options, it is the smallest artifact this SDK version allows for the job, i.e. the
 * floor under the bundle figures.
 */
import {
  EC2Client,
  paginateDescribeInstances,
  StartInstancesCommand,
  StopInstancesCommand,
  waitUntilInstanceStopped,
} from '@aws-sdk/client-ec2';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';

export async function handler(event: { roleArn: string; region: string; ids: string[] }) {
  const client = new EC2Client({
    region: event.region,
    credentials: fromTemporaryCredentials({ params: { RoleArn: event.roleArn } }),
  });
  for await (const page of paginateDescribeInstances({ client }, {})) void page;
  await client.send(new StartInstancesCommand({ InstanceIds: event.ids }));
  await client.send(new StopInstancesCommand({ InstanceIds: event.ids }));
  await waitUntilInstanceStopped({ client, maxWaitTime: 60 }, { InstanceIds: event.ids });
}
