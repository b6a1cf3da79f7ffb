/**
 * Only a schedule the stage configures may carry a schedule's identity (SourceIdentity
 * `schedule.<name>` in each target's CloudTrail): a direct invoker who writes another name into
 * the event, or into an engine run's origin, is refused before any AWS call.
 */

import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { InvalidRequestError } from '../../handlers/contract/errors';
import { handler as engineStart } from '../../handlers/engine/start';
import { handler as work } from '../../handlers/engine/work';
import { handler as instances } from '../../handlers/instances';
import { aContext } from '../helpers/context';
import { mockHandlerClients } from '../helpers/handler-clients';
import { describePage } from '../helpers/instances';

const TARGETS = { accounts: ['333333333333'] };
const FORGED = 'ops-approved-maintenance';

describe('Schedule identity: configured schedules only', () => {
  const { ec2, sfn } = mockHandlerClients();

  beforeEach(() => {
    ec2.on(DescribeInstancesCommand).resolves(describePage([]));
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: 'arn:aws:states:x', startDate: new Date() });
  });

  it('a direct invoke of instances wrapped as an unconfigured schedule is refused, naming the configured ones', async () => {
    // Act
    const run = instances(
      { schedule: { name: FORGED }, request: { action: 'stop', targets: TARGETS } },
      aContext(),
    );

    // Assess
    await expect(run).rejects.toThrow(InvalidRequestError);
    await expect(run).rejects.toThrow(
      `schedule.name: "${FORGED}" is not a schedule of this stage (configured: weekday-evening-stop)`,
    );
    expect(ec2.calls()).toHaveLength(0);
  });

  it('the configured schedule runs, with its identity', async () => {
    // Act
    const result = await instances(
      {
        schedule: { name: 'weekday-evening-stop' },
        request: { action: 'status', targets: TARGETS },
      },
      aContext(),
    );

    // Assess
    expect(result.summary.targets).toBe(1);
  });

  it('the engine starter starts no run for an unconfigured schedule', async () => {
    // Act
    const start = engineStart({
      schedule: FORGED,
      scheduledTime: '2026-12-01T18:00:00Z',
      request: { action: 'stop', targets: TARGETS },
    });

    // Assess
    await expect(start).rejects.toThrow(InvalidRequestError);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('an engine run started by hand with a forged schedule origin: its work items refuse it', async () => {
    // Act
    const act = work(
      {
        item: { batch: 0, approvedChanges: 1 },
        request: { action: 'stop', targets: TARGETS },
        origin: { kind: 'schedule', schedule: FORGED },
      },
      aContext(),
    );

    // Assess
    await expect(act).rejects.toThrow(InvalidRequestError);
    expect(ec2.calls()).toHaveLength(0);
  });
});
