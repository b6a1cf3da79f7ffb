import { DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { streamRequest } from '../../../handlers/core/run';
import type { Ec2Request } from '../../../handlers/tasks';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import { aDeps } from '../../helpers/deps';
import { anInstance, describePage, stoppingEach } from '../../helpers/instances';

const TARGETS = [
  { accountId: '222222222222', region: 'eu-west-1' },
  { accountId: '333333333333', region: 'eu-central-1' },
];

function aRequest(): Ec2Request {
  return { action: 'stop', targets: TARGETS, dryRun: false, hibernate: false, wait: false };
}

describe('Function: streamRequest, a sink whose promise rejects', () => {
  const ec2Mock = mockClient(EC2Client);

  beforeEach(() => {
    ec2Mock.reset();
  });

  it('hands each target to the sink once and counts it once', async () => {
    // Prepare: one running instance per target; the sink's first promise rejects
    const { deps, targetOf } = aDeps();
    ec2Mock
      .on(DescribeInstancesCommand)
      .callsFake((_input, getClient) =>
        describePage([anInstance({ id: `i-${targetOf(getClient).region}` })]),
      );
    ec2Mock.on(StopInstancesCommand).callsFake(stoppingEach);
    const handed: number[] = [];
    let first = true;

    // Act
    const outline = await streamRequest(ec2Task, aRequest(), deps, (_run, index) => {
      handed.push(index);
      if (first) {
        first = false;
        return Promise.reject(new Error('events not on their way'));
      }
      return undefined;
    });

    // Assess
    expect([...handed].sort()).toEqual([0, 1]);
    expect(outline.summary).toMatchObject({ targets: 2, changed: 2 });
  });
});
