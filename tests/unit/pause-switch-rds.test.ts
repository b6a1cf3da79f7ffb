/**
 * The kill switch holds for the RDS task as for EC2: a paused stage makes no RDS call on any path,
 * for a plain RDS stop and for the keep-stopped companion's request (`onlyRestartedByAws`), whose
 * firing every few hours would otherwise be the first to act after a pause.
 */
import { RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { StagePausedError } from '../../handlers/aws/pause-gate';
import { handler as engineStart } from '../../handlers/engine/start';
import { handler as work } from '../../handlers/engine/work';
import { handler as instances } from '../../handlers/instances';
import { aContext } from '../helpers/context';
import { mockHandlerClients } from '../helpers/handler-clients';

const TARGETS = { accounts: ['333333333333'] };
const RDS_STOP = {
  task: 'rds',
  action: 'stop',
  targets: TARGETS,
  dbInstanceIdentifiers: ['orders-db'],
};
const KEEP_STOPPED = { task: 'rds', action: 'stop', targets: TARGETS, onlyRestartedByAws: true };

describe('Stage pause switch, RDS task', () => {
  const { stage } = mockHandlerClients();
  const rds = mockClient(RDSClient);

  beforeEach(() => {
    rds.reset();
    stage.pause();
  });

  it.each([
    ['an RDS stop by identifier', RDS_STOP],
    ["the keep-stopped companion's request", KEEP_STOPPED],
  ])('a direct invoke of %s is refused before any RDS call', async (_name, request) => {
    // Act
    const run = instances(request, aContext());

    // Assess
    await expect(run).rejects.toThrow(StagePausedError);
    expect(rds.calls()).toHaveLength(0);
  });

  it("the keep-stopped companion's request, fired through the engine starter, starts no execution", async () => {
    // Prepare
    const delivery = {
      schedule: 'weekday-evening-stop',
      scheduledTime: '2026-12-01T18:00:00Z',
      request: KEEP_STOPPED,
    };

    // Act
    const run = engineStart(delivery);

    // Assess
    await expect(run).rejects.toThrow(StagePausedError);
    expect(rds.calls()).toHaveLength(0);
  });

  it('work items of an RDS run planned before the pause refuse to survey or act', async () => {
    // Prepare
    const item = {
      item: { batch: 0, approvedChanges: 1 },
      request: KEEP_STOPPED,
      origin: { kind: 'invoke' },
      runId: 'by-hand-rds-1',
    };

    // Act
    const act = work(item, aContext());
    const survey = work({ ...item, phase: 'survey' }, aContext());

    // Assess
    await expect(act).rejects.toThrow(StagePausedError);
    await expect(survey).rejects.toThrow(StagePausedError);
    expect(rds.calls()).toHaveLength(0);
  });
});
