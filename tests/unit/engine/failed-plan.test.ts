import { failedPlanRun } from '../../../handlers/engine/failed-plan';

const SCHEDULE = {
  kind: 'schedule',
  schedule: 'weekday-evening-stop',
  scheduledTime: '2026-12-01T18:00:00Z',
};
const CONTEXT = { executionName: 'run-1', startedAt: '2026-12-01T18:00:01.000Z' };

describe('Engine: the run of a failed plan, from its execution input', () => {
  it('names what was asked and who asked, with no targets or batches planned', () => {
    // Act
    const planned = failedPlanRun({
      ...CONTEXT,
      execution: { request: { action: 'stop', task: 'rds', dryRun: true }, origin: SCHEDULE },
    });

    // Assess
    expect(planned).toEqual({
      action: 'stop',
      run: {
        id: 'run-1',
        task: 'rds',
        resourceType: 'rds:db',
        startedAt: '2026-12-01T18:00:01.000Z',
        dryRun: true,
        origin: SCHEDULE,
        targets: 0,
        batches: 0,
      },
    });
  });

  it('reports an unknown task under the default one, and an absent origin as a direct start', () => {
    // Act
    const planned = failedPlanRun({
      ...CONTEXT,
      execution: { request: { action: 'start', task: 'no-such-task' } },
    });

    // Assess
    expect(planned?.run).toMatchObject({ task: 'ec2', dryRun: false, origin: { kind: 'invoke' } });
  });

  it.each([
    ['no request', { execution: {} }],
    ['an unknown action', { execution: { request: { action: 'reboot' } } }],
    [
      'a malformed origin (attribution cannot be guessed)',
      { execution: { request: { action: 'stop' }, origin: { kind: 'http', callerArn: 'me' } } },
    ],
  ])('gives no run for %s', (_case, input) => {
    // Act / Assess
    expect(failedPlanRun({ ...CONTEXT, ...input })).toBeUndefined();
  });

  it('gives no run without the execution name it would be reported under', () => {
    // Act / Assess
    expect(
      failedPlanRun({ execution: { request: { action: 'stop' } }, startedAt: CONTEXT.startedAt }),
    ).toBeUndefined();
  });
});
