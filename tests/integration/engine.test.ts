/**
 * The Step Functions engine end to end on this machine: the state machine definition taken from
 * the packaged CloudFormation (not a copy) runs with aws-local-stepfunctions, its Task states
 * calling the engine's handlers against the local endpoint, whose instances take EC2's real
 * times scaled down (a stop 60 s, a hibernation 120 s, times 0.005). The Wait state is scaled the
 * same way. Proven here: the flow, the batching, the wait loop and the summary. Only on AWS:
 * Distributed Map specifics (Express children, MaxConcurrency at scale, tolerated failures).
 */

import { type AdjustableClock, realEc2Timings } from '../../scripts/local-aws';
import { type EngineHandlers, runEngineLocally } from '../../scripts/local-aws/local-engine';
import { worldSnapshot } from '../../scripts/local-aws/world-snapshot';
import { packagedEngineDefinition } from '../../scripts/shared/stack/packaged-definition';
import { aContext } from '../helpers/context';
import {
  ACCOUNT_222,
  ACCOUNT_333,
  ACCOUNT_444,
  ACCOUNT_555,
  type Harness,
  startHarness,
} from './harness';

const TIME_FACTOR = 0.005;
const REAL_EC2_TIMES = realEc2Timings(TIME_FACTOR);
/** serverless.yml params.default.engineWaitSeconds, scaled like the instances. */
const WAIT_MS = 30_000 * TIME_FACTOR;
const WEB_1 = 'i-0222a000000000001';
/** Stopped, its volumes' KMS key not in the role's KmsKeyArns: a start falls back to stopped. */
const KMS_DENIED = 'i-0222a00000000000a';
/**
 * scripts/local-aws/seed.json: the control-tagged (`local`) instances of 222222222222 and
 * 333333333333 outside an Auto Scaling group that are running, or pending and so running by then.
 */
const MANAGED_RUNNING_222_333 = [
  'i-0222a000000000001',
  'i-0222a000000000002',
  'i-0222a000000000006',
  'i-0222a000000000008',
  'i-0222b000000000001',
  'i-0333c000000000001',
];
/** The local stage's nightly stop (serverless.yml params.local.schedules). */
const NIGHTLY_STOP = { action: 'stop', hibernate: true, wait: true };

interface FinishedRun {
  execution: string;
  action: string;
  origin: Record<string, string>;
  targets: number;
  batches: number;
  checks: number;
  summary: Record<string, number>;
  failures: Array<{ accountId: string; region: string; id?: string; code: string }>;
  failuresTotal: number;
  failedItems: number[];
  blastRadius: { verdict: string; resources?: number; limit?: number; reason?: string };
  refusedItems: Array<{ batch: number; approved: number; resources: number }>;
}

describe('integration: the packaged state machine runs the nightly stop', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ settings: REAL_EC2_TIMES });
  }, 180_000);
  afterAll(async () => harness?.stop());

  const allInstances = () => {
    const world = harness.endpoint.aws.world;
    return world
      .allAccounts()
      .flatMap((account) =>
        account.regions.flatMap((region) => world.instancesIn(account.accountId, region)),
      );
  };
  const managedRunningIn = (accountIds: string[]) =>
    allInstances()
      .filter((i) => accountIds.includes(i.accountId))
      .filter((i) => i.tags.some((t) => t.key === 'xacct-ec2:managed' && t.value === 'local'))
      .filter((i) => !i.tags.some((t) => t.key === 'aws:autoscaling:groupName'));

  const changeCalls = () =>
    harness.calls({ action: 'StopInstances' }) + harness.calls({ action: 'StartInstances' });

  it('refuses a run over the limit across several items before any Start/Stop call', async () => {
    // Prepare: three items of up to two targets, each within a limit of 3, the run over it
    const handlers = await harness.loadEngine({ ENGINE_MAX_TARGETS_PER_BATCH: '2' }, (config) => ({
      ...config,
      maxResourcesPerRequest: 3,
    }));
    const definition = packagedEngineDefinition(harness.packaged.template);
    const running = managedRunningIn([ACCOUNT_222, ACCOUNT_333]).filter(
      (i) => i.state === 'running',
    );
    const callsBefore = changeCalls();

    // Act
    const run = await runEngineLocally(
      definition,
      handlers,
      { request: NIGHTLY_STOP },
      { executionName: 'over-the-limit', waitMs: WAIT_MS },
    );
    const output = run.output as FinishedRun;

    // Assess: nothing was sent that could change an instance, and the refusal says why
    expect(running.map((i) => i.instanceId).sort()).toEqual(MANAGED_RUNNING_222_333);
    expect(changeCalls() - callsBefore).toBe(0);
    expect(run.taskCalls).toMatchObject({ SurveyBatch: 3, AssessSurvey: 1 });
    expect(run.taskCalls.Work).toBeUndefined();
    expect(output.blastRadius).toMatchObject({
      verdict: 'refused',
      resources: running.length,
      limit: 3,
      reason: expect.stringContaining(`"confirmCount": ${running.length}`),
    });
    expect(output).toMatchObject({ targets: 5, batches: 3, checks: 0, refusedItems: [] });
    expect(output.summary).toMatchObject({ targets: 0, changed: 0 });
    const states = new Map(allInstances().map((i) => [i.instanceId, i.state]));
    expect(running.map((i) => states.get(i.instanceId))).toEqual(running.map(() => 'running'));
  }, 60_000);

  it('does not survey a dry run or a status run; a dry run still gets the whole-run guard verdict from its items', async () => {
    // Prepare: a limit the whole run is over, which a dry run only reports
    const handlers = await harness.loadEngine({ ENGINE_MAX_TARGETS_PER_BATCH: '2' }, (config) => ({
      ...config,
      maxResourcesPerRequest: 3,
    }));
    const definition = packagedEngineDefinition(harness.packaged.template);
    const running = managedRunningIn([ACCOUNT_222, ACCOUNT_333]).filter(
      (i) => i.state === 'running',
    );

    // Act
    const runs = [];
    for (const request of [{ action: 'stop', dryRun: true }, { action: 'status' }]) {
      runs.push(
        await runEngineLocally(
          definition,
          handlers,
          { request },
          { executionName: `not-surveyed-${runs.length}`, waitMs: WAIT_MS },
        ),
      );
    }

    // Assess: the dry run's three items add up past the limit, as the real stop would; nothing stopped
    for (const run of runs) {
      expect(run.taskCalls.SurveyBatch).toBeUndefined();
      expect(run.taskCalls.Work).toBe(3);
    }
    const [dryRun, status] = runs.map((run) => run.output as FinishedRun);
    expect(running.length).toBeGreaterThan(3);
    expect(dryRun?.blastRadius).toMatchObject({
      verdict: 'refused',
      resources: running.length,
      limit: 3,
      reason: expect.stringContaining(`"confirmCount": ${running.length}`),
    });
    expect(status?.blastRadius.verdict).toBe('not-checked');
    const states = new Map(allInstances().map((i) => [i.instanceId, i.state]));
    expect(running.map((i) => states.get(i.instanceId))).toEqual(running.map(() => 'running'));
  }, 60_000);

  it('changes nothing on a work item that finds more than its survey counted, and reports it refused', async () => {
    // Prepare: the selection of item 0 grew after its survey counted none
    const handlers = await harness.loadEngine({ ENGINE_MAX_TARGETS_PER_BATCH: '2' });
    const callsBefore = changeCalls();

    // Act
    const report = await handlers.work(
      { item: { batch: 0, approvedChanges: 0 }, request: NIGHTLY_STOP } as never,
      aContext(),
    );

    // Assess
    expect(changeCalls() - callsBefore).toBe(0);
    expect(report).toMatchObject({
      batch: 0,
      summary: { targets: 2, targetsNotProcessed: 2, changed: 0 },
      refused: { approved: 0, resources: expect.any(Number) },
    });
    // Batch 0 holds 222222222222's two regions: its managed running instances.
    expect((report as { refused: { resources: number } }).refused.resources).toBe(
      MANAGED_RUNNING_222_333.filter((id) => id.startsWith('i-0222')).length,
    );
  }, 60_000);

  it('stops every managed instance, waits through Wait states, and summarises', async () => {
    // Prepare: two targets per work item, so the five targets make three items
    const handlers = await harness.loadEngine({ ENGINE_MAX_TARGETS_PER_BATCH: '2' });
    const definition = packagedEngineDefinition(harness.packaged.template);
    const before = managedRunningIn([ACCOUNT_222, ACCOUNT_333]).filter(
      (i) => i.state === 'running',
    );
    harness.endpoint.aws.events.reset();

    // Act
    const run = await runEngineLocally(
      definition,
      handlers,
      {
        request: NIGHTLY_STOP,
        origin: {
          kind: 'schedule',
          schedule: 'weekday-evening-stop',
          scheduledTime: '2026-12-01T18:00:00Z',
        },
      },
      {
        executionName: 'weekday-evening-stop-20261201T1800Z',
        waitMs: WAIT_MS,
      },
    );
    const output = run.output as FinishedRun;

    // Assess: every instance the run stopped is stopped now, none left in transit
    const states = new Map(allInstances().map((i) => [i.instanceId, i.state]));
    expect(before.map((i) => i.instanceId).sort()).toEqual(MANAGED_RUNNING_222_333);
    expect(before.map((i) => [i.instanceId, states.get(i.instanceId)])).toEqual(
      before.map((i) => [i.instanceId, 'stopped']),
    );
    expect(output).toMatchObject({
      execution: 'weekday-evening-stop-20261201T1800Z',
      action: 'stop',
      origin: { kind: 'schedule', schedule: 'weekday-evening-stop' },
      targets: 5,
      batches: 3,
      failedItems: [],
    });
    // Waited until nothing was in transit, not for every allowed round (the refused targets
    // cannot be read, and are not waited for). How many rounds that takes is not fixed: the
    // stops run on the world clock while the workers run on the machine's, so a loaded machine
    // needs more rounds; what each round re-checks is bounded below.
    expect(output.checks).toBeGreaterThanOrEqual(1);
    expect(output.checks).toBeLessThan(20);
    expect(output.summary).toMatchObject({
      changed: before.length,
      inTransit: 0,
      failed: 0,
      targetsFailed: 2,
    });
    expect(run.taskCalls.Work).toBe(3);
    // Surveyed first (three describe-only items), within the stage's limit of 500: acted as before.
    expect(run.taskCalls.SurveyBatch).toBe(3);
    expect(output.blastRadius).toMatchObject({
      verdict: 'within-limit',
      resources: before.length,
      limit: 500,
    });
    expect(output.refusedItems).toEqual([]);
    // The waiting happened in Wait states with describe-only re-checks, not in a sleeping worker.
    // Two of the three items hold instances to re-check (the third holds only refused targets):
    // the first round re-checks both, and each later round only the items still in transit.
    expect(run.taskCalls.RecheckBatch).toBeGreaterThanOrEqual(output.checks + 1);
    expect(run.taskCalls.RecheckBatch).toBeLessThanOrEqual(2 * output.checks);
    expect(run.taskCalls.SummariseRecheck).toBe(output.checks);
    // The refused targets are listed with their codes, not lost.
    expect(output.failures.map((f) => f.accountId).sort()).toEqual([ACCOUNT_444, ACCOUNT_555]);
    expect(output.failuresTotal).toBe(2);
    // Every worker attributed its calls to the schedule, in the target's CloudTrail.
    const sessions = (
      worldSnapshot(harness.endpoint.aws.world) as {
        sessions: Array<{ sessionArn: string; sourceIdentity: string | null }>;
      }
    ).sessions.filter((session) => session.sessionArn.includes(`::${ACCOUNT_222}:assumed-role/`));
    expect(sessions.map((session) => session.sourceIdentity)).toContain(
      'schedule.weekday-evening-stop',
    );
    // One run, one Run Summary (the summary step's); the re-checks sent nothing, the workers
    // one Resource Outcome per instance they stopped, all under the execution name.
    const events = harness.endpoint.aws.events.list();
    const summaries = events.filter((e) => e.detailType === 'Run Summary');
    expect(summaries.map((e) => e.detail)).toEqual([
      expect.objectContaining({
        runId: 'weekday-evening-stop-20261201T1800Z',
        requestedAction: 'stop',
        outcome: 'failed',
        origin: expect.objectContaining({ kind: 'schedule', schedule: 'weekday-evening-stop' }),
        counts: expect.objectContaining({ targets: 5, targetsFailed: 2, changed: before.length }),
        engine: expect.objectContaining({ batches: 3, checks: output.checks, itemsFailed: 0 }),
      }),
    ]);
    const outcomes = events.filter((e) => e.detailType === 'Resource Outcome');
    expect(outcomes.map((e) => (e.detail as { resourceId: string }).resourceId).sort()).toEqual(
      before.map((i) => i.instanceId).sort(),
    );
    expect(new Set(events.map((e) => (e.detail as { runId: string }).runId))).toEqual(
      new Set(['weekday-evening-stop-20261201T1800Z']),
    );
  }, 60_000);

  it('lets an earlier stop finish: a start run skips the instance still stopping, starts the rest, reports the fallback', async () => {
    // Prepare: an earlier run's stop still under way on WEB_1 (60 s at real speed)
    const handlers = await harness.loadEngine({ ENGINE_MAX_TARGETS_PER_BATCH: '2' });
    const definition = packagedEngineDefinition(harness.packaged.template);
    const { world, clock } = harness.endpoint.aws;
    world.beginStart(WEB_1, false);
    (clock as AdjustableClock).advance(30_000 * TIME_FACTOR);
    world.updateSettings({ timeFactor: 1 });
    world.beginStop(WEB_1, { hibernate: false, force: false });
    world.updateSettings({ timeFactor: TIME_FACTOR });
    const toStart = managedRunningIn([ACCOUNT_222, ACCOUNT_333]).filter(
      (i) => i.state === 'stopped' && i.instanceId !== KMS_DENIED,
    );
    harness.endpoint.aws.events.reset();

    // Act
    const run = await runEngineLocally(
      definition,
      handlers,
      { request: { action: 'start', wait: true } },
      {
        executionName: 'weekday-morning-start-20261202T060000Z',
        waitMs: WAIT_MS,
      },
    );
    const output = run.output as FinishedRun;
    const stillStopping = world.instance(WEB_1)?.state;
    (clock as AdjustableClock).advance(60_000);

    // Assess: the earlier transition was left alone and then finished; the rest started
    expect(stillStopping).toBe('stopping');
    expect(world.instance(WEB_1)?.state).toBe('stopped');
    const states = toStart.map((i) => [i.instanceId, world.instance(i.instanceId)?.state]);
    expect(states).toEqual(toStart.map((i) => [i.instanceId, 'running']));
    expect(harness.nonOkOutcomes()).not.toHaveProperty('IncorrectInstanceState');
    // The start that fell back (a KMS key the role may not use) is the one failed instance.
    expect(output.summary).toMatchObject({ changed: toStart.length, failed: 1, inTransit: 0 });
    expect(output.summary.skipped).toBeGreaterThanOrEqual(1);
    expect(output.failures).toContainEqual({
      accountId: ACCOUNT_222,
      region: 'eu-west-1',
      type: 'ec2:instance',
      id: KMS_DENIED,
      state: 'stopped',
      code: 'StartFellBack',
    });
    // The fall-back the re-checks found is one failed Resource Outcome, however many rounds saw
    // it, and the one Run Summary counts it failed.
    const events = harness.endpoint.aws.events.list();
    const fellBack = events.filter(
      (e) =>
        e.detailType === 'Resource Outcome' &&
        (e.detail as { code?: string }).code === 'StartFellBack',
    );
    expect(fellBack.map((e) => e.detail)).toEqual([
      expect.objectContaining({
        task: 'ec2',
        resourceType: 'ec2:instance',
        resourceId: KMS_DENIED,
        currentState: 'stopped',
        outcome: 'failed',
        requestedAction: 'start',
      }),
    ]);
    const summaries = events.filter((e) => e.detailType === 'Run Summary');
    expect(summaries.map((e) => e.detail)).toEqual([
      expect.objectContaining({
        runId: 'weekday-morning-start-20261202T060000Z',
        outcome: 'failed',
        counts: expect.objectContaining({ failed: 1, changed: toStart.length }),
      }),
    ]);
  }, 60_000);
  it('acts on every item when the whole-run confirmCount matches the survey', async () => {
    // Prepare: the instances the start above left running, over a limit of 3
    const handlers = await harness.loadEngine({ ENGINE_MAX_TARGETS_PER_BATCH: '2' }, (config) => ({
      ...config,
      maxResourcesPerRequest: 3,
    }));
    const definition = packagedEngineDefinition(harness.packaged.template);
    const running = managedRunningIn([ACCOUNT_222, ACCOUNT_333]).filter(
      (i) => i.state === 'running',
    );

    // Act
    const run = await runEngineLocally(
      definition,
      handlers,
      { request: { action: 'stop', wait: true, confirmCount: running.length } },
      { executionName: 'confirmed-stop', waitMs: WAIT_MS },
    );
    const output = run.output as FinishedRun;

    // Assess: each item compared its own count with its survey, and every item acted
    // The seed's 13 control-tagged instances of 222222222222 and 333333333333 outside an Auto
    // Scaling group, less KMS_DENIED (fell back to stopped) and WEB_1 (left stopping).
    expect(running).toHaveLength(11);
    expect(output.blastRadius).toMatchObject({
      verdict: 'confirmed',
      resources: running.length,
      confirmCount: running.length,
    });
    expect(run.taskCalls.Work).toBe(3);
    expect(output.refusedItems).toEqual([]);
    expect(output.summary).toMatchObject({ changed: running.length, itemsRefused: 0 });
    const states = new Map(allInstances().map((i) => [i.instanceId, i.state]));
    expect(running.map((i) => states.get(i.instanceId))).toEqual(running.map(() => 'stopped'));
  }, 60_000);
  it('refuses only the item whose selection grew between survey and act, and lists it', async () => {
    // Prepare: WEB_1 still stopping (a start skips it) when the run is surveyed, stopped by the act
    const loaded = await harness.loadEngine({ ENGINE_MAX_TARGETS_PER_BATCH: '2' });
    const { world, clock } = harness.endpoint.aws;
    world.beginStart(WEB_1, false);
    (clock as AdjustableClock).advance(30_000 * TIME_FACTOR);
    world.updateSettings({ timeFactor: 1 });
    world.beginStop(WEB_1, { hibernate: false, force: false });
    world.updateSettings({ timeFactor: TIME_FACTOR });
    const handlers: EngineHandlers = {
      ...loaded,
      summarise: async (event, context) => {
        const out = await loaded.summarise(event, context);
        // Between AssessSurvey and Act: the earlier stop finishes, so WEB_1 becomes startable.
        if ((event as { phase?: string }).phase === 'survey') {
          (clock as AdjustableClock).advance(60_000);
        }
        return out;
      },
    };
    const startsBefore = harness.calls({ action: 'StartInstances' });
    const web1Target = () =>
      world.instancesIn(ACCOUNT_222, 'eu-west-1').map((i) => [i.instanceId, i.state]);
    const web1TargetBefore = web1Target();

    // Act
    const run = await runEngineLocally(
      packagedEngineDefinition(harness.packaged.template),
      handlers,
      { request: { action: 'start' } },
      { executionName: 'grown-between-survey-and-act', waitMs: WAIT_MS },
    );
    const output = run.output as FinishedRun;

    // Assess: WEB_1's item changed nothing and says so; the other items started theirs
    expect(output.blastRadius.verdict).toBe('within-limit');
    expect(output.refusedItems).toHaveLength(1);
    const [refused] = output.refusedItems;
    expect(refused?.resources).toBe((refused?.approved ?? 0) + 1);
    expect(output.summary).toMatchObject({ itemsRefused: 1, failed: 0 });
    // Only 333333333333's item acts (444 and 555 refuse the role): its two stopped instances.
    expect(output.summary.changed).toBe(2);
    expect(harness.calls({ action: 'StartInstances' }) - startsBefore).toBe(1);
    // Nothing was started in WEB_1's target; only the earlier stop finished there.
    expect(web1Target()).toEqual(
      web1TargetBefore.map(([id, state]) => [id, id === WEB_1 ? 'stopped' : state]),
    );
    expect(world.instance(WEB_1)?.state).toBe('stopped');
  }, 60_000);
});
