/**
 * The signals of an engine run, through its handlers: a worker sends only its resources'
 * outcomes (under the execution name), a re-check sends nothing, and the summary step sends the
 * run's one Run Summary and run metrics when it stops waiting, plus each newly found fall-back.
 */
import {
  DescribeInstancesCommand,
  EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { EngineRun } from '../../../handlers/engine/plan';
import type { BatchReport, EngineReport, RecheckReport } from '../../../handlers/engine/report';
import type { SummariseInput } from '../../../handlers/engine/summarise';
import { aContext } from '../../helpers/context';
import { acceptingEventBridge } from '../../helpers/event-bridge';
import { anInstance, describePage, stateChange } from '../../helpers/instances';
import { pauseSwitch } from '../../helpers/pause-switch';

type Emf = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> };
};

const EXECUTION = 'weekday-evening-stop-20261201T180000Z';
const ORIGIN = {
  kind: 'schedule' as const,
  schedule: 'weekday-evening-stop',
  scheduledTime: '2026-12-01T18:00:00Z',
};
const RUN: EngineRun = {
  id: EXECUTION,
  task: 'ec2',
  resourceType: 'ec2:instance',
  startedAt: '2026-12-01T18:00:01.000Z',
  dryRun: false,
  origin: ORIGIN,
  targets: 3,
  batches: 2,
};
const TARGETS = { accounts: ['222222222222'], regions: ['eu-west-1'] };
const SUMMARY = {
  targets: 3,
  targetsFailed: 0,
  targetsNotProcessed: 0,
  resources: 4,
  changed: 4,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  notProcessed: 0,
};
const batch = (n: number, over: Partial<BatchReport> = {}): BatchReport => ({
  batch: n,
  summary: { ...SUMMARY },
  inTransit: 0,
  failures: [],
  failuresTotal: 0,
  ...over,
});
const FELL_BACK = {
  accountId: '222222222222',
  region: 'eu-west-1',
  type: 'ec2:instance',
  id: 'i-0222a00000000000a',
  state: 'stopped',
  code: 'StartFellBack',
};

describe('Signals of an engine run', () => {
  const ec2Mock = mockClient(EC2Client);
  const eventBridge = acceptingEventBridge();
  const stageSwitch = pauseSwitch();
  let work: typeof import('../../../handlers/engine/work')['handler'];
  let recheck: typeof import('../../../handlers/engine/recheck')['handler'];
  /** The summary step, in its summarising phases (not the survey's, which returns a plan). */
  let summarise: (event: SummariseInput) => Promise<EngineReport>;
  let printed: string[];

  beforeAll(async () => {
    // setup-env sets POWERTOOLS_DEV, which silences metrics unless told otherwise.
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    work = (await import('../../../handlers/engine/work')).handler;
    recheck = (await import('../../../handlers/engine/recheck')).handler;
    const step = (await import('../../../handlers/engine/summarise')).handler;
    summarise = (event) => step(event) as Promise<EngineReport>;
  });

  afterAll(() => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
  });

  beforeEach(() => {
    ec2Mock.reset();
    eventBridge.reset();
    stageSwitch.reset();
    jest.restoreAllMocks();
    printed = [];
    // In dev mode Powertools prints EMF with the global console.
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      printed.push(String(line));
    });
  });

  const emfLines = (): Emf[] =>
    printed.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Emf);
  const sentEntries = () =>
    eventBridge.events
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((entry) => ({ ...entry, detail: JSON.parse(entry.Detail ?? '{}') }));
  const metricNames = () =>
    emfLines().flatMap((l) => Object.keys(l).filter((k) => /^[A-Z]/.test(k)));

  it('a worker sends its resources’ outcomes under the execution name, and no run summary or run count', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(describePage([anInstance({ id: 'i-0000000a', state: 'running' })]));
    ec2Mock
      .on(StopInstancesCommand)
      .resolves({ StoppingInstances: [stateChange('i-0000000a', 'running', 'stopping')] });
    const event = {
      item: { batch: 0, approvedChanges: 1 },
      request: { action: 'stop', targets: TARGETS },
      origin: ORIGIN,
      runId: EXECUTION,
    };

    // Act
    const report = (await work(event, aContext({ requestId: 'req-worker' }))) as BatchReport;

    // Assess
    expect(report.summary.changed).toBe(1);
    expect(sentEntries().map((e) => [e.DetailType, e.detail.runId, e.detail.outcome])).toEqual([
      ['Resource Outcome', EXECUTION, 'changed'],
    ]);
    expect(metricNames().sort()).toEqual(['EventsFailed', 'EventsSent']);
    expect(emfLines()[0]).toMatchObject({ action: 'stop', EventsSent: 1, runId: EXECUTION });
  });

  it('a re-check sends nothing of its own, even when it finds a start that fell back', async () => {
    // Prepare
    ec2Mock.on(DescribeInstancesCommand).resolves(
      describePage([
        anInstance({
          id: 'i-0222a00000000000a',
          state: 'stopped',
          stateReason: { code: 'Client.InternalError', message: 'Client.InternalError: KMS' },
        }),
      ]),
    );
    const event = { batch: 0, request: { action: 'start', targets: TARGETS }, origin: ORIGIN };

    // Act
    const report = await recheck(event, aContext());

    // Assess
    expect(report).toMatchObject({ fellBackTotal: 1, inTransit: 0 });
    expect(eventBridge.events.calls()).toHaveLength(0);
    expect(emfLines()).toEqual([]);
    expect(ec2Mock.commandCalls(StartInstancesCommand)).toHaveLength(0);
  });

  it('the summary step sends nothing while the run still waits', async () => {
    // Prepare
    const event: SummariseInput = {
      phase: 'act',
      action: 'stop',
      maxChecks: 3,
      results: [batch(0, { inTransit: 2 })],
      run: RUN,
    };

    // Act
    const report = await summarise(event);

    // Assess
    expect(report.waitMore).toBe(true);
    expect(eventBridge.events.calls()).toHaveLength(0);
    expect(emfLines()).toEqual([]);
  });

  it('sends one Run Summary and one set of run metrics for the whole run when it finishes, with the heartbeat once', async () => {
    // Prepare
    const event: SummariseInput = {
      phase: 'act',
      action: 'stop',
      maxChecks: 0,
      results: [
        batch(0, {
          summary: { ...SUMMARY, targets: 2, targetsFailed: 1, changed: 3, failed: 1 },
          failures: [
            { accountId: '333333333333', region: 'eu-central-1', code: 'AccessDenied' },
            { ...FELL_BACK, code: 'IncorrectInstanceState' },
          ],
          failuresTotal: 2,
        }),
        { batch: 1, failedItem: { error: 'States.Timeout' } },
      ],
      run: RUN,
    };

    // Act
    await summarise(event);

    // Assess
    const entries = sentEntries();
    expect(entries.map((e) => e.DetailType)).toEqual(['Run Summary']);
    expect(entries[0]?.detail).toMatchObject({
      schemaVersion: '2',
      runId: EXECUTION,
      task: 'ec2',
      requestedAction: 'stop',
      outcome: 'failed',
      origin: ORIGIN,
      startedAt: RUN.startedAt,
      counts: { targets: 3, targetsFailed: 1, changed: 3, failed: 1 },
      failedTargets: [{ account: '333333333333', status: 'failed', code: 'AccessDenied' }],
      failedTargetsOmitted: 0,
      failedResources: [
        { resourceType: 'ec2:instance', resourceId: FELL_BACK.id, code: 'IncorrectInstanceState' },
      ],
      failedResourcesOmitted: 0,
      engine: { batches: 2, checks: 0, itemsFailed: 1, inTransit: 0 },
    });
    expect(entries[0]?.detail.counts).not.toHaveProperty('inTransit');
    const [run, heartbeat, ...others] = emfLines();
    expect(others).toEqual([]);
    expect(run?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'stage', 'action']]);
    expect(run).toMatchObject({
      action: 'stop',
      RunsCompleted: 1,
      ResourcesChanged: 3,
      ResourcesFailed: 1,
      TargetsFailed: 1,
      EventsSent: 1,
      runId: EXECUTION,
      task: 'ec2',
      outcome: 'failed',
      origin: 'schedule:weekday-evening-stop',
    });
    expect(typeof run?.RunDuration).toBe('number');
    expect(heartbeat).toMatchObject({
      schedule: 'weekday-evening-stop',
      ScheduledRunsCompleted: 1,
    });
  });

  it('a summary step retried after it sent its Run Summary sends the same eventId again, the one consumers deduplicate on', async () => {
    // Prepare: Step Functions retries the step on a Lambda error raised after PutEvents was accepted
    const event: SummariseInput = {
      phase: 'act',
      action: 'stop',
      maxChecks: 0,
      results: [batch(0)],
      run: RUN,
    };

    // Act
    await summarise(event);
    await summarise(event);

    // Assess: two deliveries, one fact
    const summaries = sentEntries().filter((e) => e.DetailType === 'Run Summary');
    expect(summaries.map((e) => e.detail.eventId)).toEqual([
      `${EXECUTION}/run-summary/succeeded`,
      `${EXECUTION}/run-summary/succeeded`,
    ]);
  });

  it('counts a Map result element of null or {Error, Cause} as failed items, every batch of the group at its place, and fails the run', async () => {
    // Prepare: what a Distributed Map holds for children that failed at the execution level; each
    // child ran a group of batches (state-machine.ts, BATCHES_PER_CHILD)
    const event: SummariseInput = {
      phase: 'act',
      action: 'stop',
      maxChecks: 0,
      results: [[batch(0)], null, { Error: 'States.Timeout', Cause: 'execution timed out' }],
      items: [[{ batch: 0 }], [{ batch: 1 }, { batch: 2 }], [{ batch: 3 }]],
      run: RUN,
    };

    // Act
    const report = await summarise(event);

    // Assess
    expect(report.failedItems).toEqual([1, 2, 3]);
    expect(report.summary).toMatchObject({ itemsFailed: 3, changed: 4 });
    expect(sentEntries()[0]?.detail).toMatchObject({
      outcome: 'failed',
      engine: { itemsFailed: 3 },
    });
  });

  it("counts every item once whatever the Map's output leaves out or misplaces: a child with no element at all, a failure placed where a report stands", async () => {
    // Prepare: the second child's group (batches 1, 2) has no element; the error element sits at
    // the third place, whose group (batch 3) reported, so it says nothing of batch 3
    const event: SummariseInput = {
      phase: 'act',
      action: 'stop',
      maxChecks: 0,
      results: [[batch(0)], [batch(3)], { Error: 'States.Timeout', Cause: 'execution timed out' }],
      items: [[{ batch: 0 }], [{ batch: 1 }, { batch: 2 }], [{ batch: 3 }]],
      run: RUN,
    };

    // Act
    const report = await summarise(event);

    // Assess: 0 and 3 count what they report (4 changed each); 1 and 2 are failed items, each once
    expect(report.failedItems).toEqual([1, 2]);
    expect(report.summary).toMatchObject({ itemsFailed: 2, changed: 8 });
  });

  it('ends a run whose phase failed with its Run Summary marked failed, what failed, its run metrics and heartbeat', async () => {
    // Prepare: the Act Map failing as a whole (state-machine.ts, ActFailed -> SummariseFailure)
    const event: SummariseInput = {
      phase: 'failed',
      action: 'stop',
      failedAt: 'Act',
      failure: {
        Error: 'States.ExceedToleratedFailureThreshold',
        Cause: 'The specified tolerated failure threshold was exceeded',
      },
      run: RUN,
    };

    // Act
    const report = await summarise(event);

    // Assess
    expect(report).toMatchObject({ waitMore: false, failure: { failedAt: 'Act' } });
    expect(sentEntries().map((e) => [e.DetailType, e.detail.outcome])).toEqual([
      ['Run Summary', 'failed'],
    ]);
    expect(sentEntries()[0]?.detail.engine).toMatchObject({
      failure: {
        failedAt: 'Act',
        error: 'States.ExceedToleratedFailureThreshold',
        cause: 'The specified tolerated failure threshold was exceeded',
      },
    });
    const [run, heartbeat] = emfLines();
    expect(run).toMatchObject({ RunsCompleted: 1, outcome: 'failed' });
    expect(heartbeat).toMatchObject({ ScheduledRunsCompleted: 1 });
  });

  it('turns a fall-back a re-check found into one failed Resource Outcome, counted in the run metrics, once', async () => {
    // Prepare: the act changed 4; round 1 finds one start fallen back, round 2 sees it again
    const acted = await summarise({
      phase: 'act',
      action: 'start',
      maxChecks: 2,
      results: [batch(0, { inTransit: 2 })],
      run: RUN,
    });
    const look = (inTransit: number): RecheckReport => ({
      batch: 0,
      inTransit,
      fellBack: [FELL_BACK],
      fellBackTotal: 1,
      targetsUnreadable: 0,
    });

    // Act
    const round1 = await summarise({
      phase: 'recheck',
      maxChecks: 2,
      previous: acted,
      results: [look(1)],
      run: RUN,
    });
    const afterRound1 = sentEntries();
    const round2: EngineReport = await summarise({
      phase: 'recheck',
      maxChecks: 2,
      previous: round1,
      results: [look(0)],
      run: RUN,
    });

    // Assess
    expect(afterRound1.map((e) => [e.DetailType, e.detail.resourceId, e.detail.code])).toEqual([
      ['Resource Outcome', FELL_BACK.id, 'StartFellBack'],
    ]);
    expect(afterRound1[0]?.detail).toMatchObject({
      eventId: `${EXECUTION}/222222222222/eu-west-1/ec2:instance/${FELL_BACK.id}/fell-back`,
      task: 'ec2',
      resourceType: 'ec2:instance',
      runId: EXECUTION,
      requestedAction: 'start',
      outcome: 'failed',
      currentState: 'stopped',
      origin: ORIGIN,
    });
    expect(round2.waitMore).toBe(false);
    const entries = sentEntries();
    expect(entries.map((e) => e.DetailType)).toEqual(['Resource Outcome', 'Run Summary']);
    expect(entries[1]?.detail).toMatchObject({
      outcome: 'failed',
      counts: { changed: 3, failed: 1 },
      engine: { checks: 2 },
    });
    const runLine = emfLines().find((l) => 'RunsCompleted' in l);
    expect(runLine).toMatchObject({ action: 'start', ResourcesFailed: 1, ResourcesChanged: 3 });
    expect(emfLines().filter((l) => 'RunsCompleted' in l)).toHaveLength(1);
  });

  it('reports a run refused as a whole: outcome refused with the reason, RunsRefused, no run count, no heartbeat', async () => {
    // Prepare
    const refused = {
      reason:
        "this stop would change 900 ec2:instance resource(s) in 40 target(s), more than this stage's maxResourcesPerRequest (500)",
      resources: 900,
      limit: 500,
    };

    // Act
    const report = await summarise({ phase: 'refused', action: 'stop', refused, run: RUN });

    // Assess
    expect(report).toMatchObject({ waitMore: false, refused });
    const [entry, ...others] = sentEntries();
    expect(others).toEqual([]);
    expect(entry?.detail).toMatchObject({
      runId: EXECUTION,
      outcome: 'refused',
      refused,
      counts: { targets: 3, changed: 0 },
    });
    expect(emfLines()).toHaveLength(1);
    expect(emfLines()[0]).toMatchObject({ action: 'stop', RunsRefused: 1, outcome: 'refused' });
    expect(metricNames()).not.toContain('RunsCompleted');
    expect(metricNames()).not.toContain('ScheduledRunsCompleted');
  });
});
