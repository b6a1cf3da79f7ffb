/**
 * The RDS task end to end on this machine, as a user runs it: the function (and the packaged
 * Step Functions engine) against the local endpoint's RDS seed world over real HTTP, the target
 * roles rendered from resources/target-account-role.yml deciding each call. RDS's rules come from
 * the RDS API reference (StopDBInstance, StopDBCluster) and the RDS User Guide
 * (USER_StopInstance, USER_StartInstance); handlers/tasks/rds/README.md lists them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitPlan } from '../../handlers/engine/wait-plan';
import { rdsTask } from '../../handlers/tasks/rds/task';
import type { SeedInput } from '../../scripts/local-aws';
import { runEngineLocally } from '../../scripts/local-aws/local-engine';
import { packagedEngineDefinition } from '../../scripts/shared/stack/packaged-definition';
import { ACCOUNT_222, instanceOf, targetOf, useHarness } from './harness';

const CONTROL_TAG = { 'xacct-ec2:managed': 'local' };
const DETAIL = (events: Array<{ detailType: string; detail: unknown }>, type: string) =>
  events.filter((e) => e.detailType === type).map((e) => e.detail as Record<string, unknown>);

describe('integration: the RDS task in one invocation', () => {
  const harness = useHarness({ resetBeforeEach: ['calls', 'events'] });

  it('reports the status of every RDS resource of the targets, Neptune and DocumentDB set aside', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({ task: 'rds', action: 'status' });

    // Assess
    const eu = targetOf(result, ACCOUNT_222, 'eu-west-1');
    expect(eu.status).toBe('ok');
    expect(
      Object.fromEntries(eu.resources.map((r) => [r.id, `${r.type} ${r.currentState}`])),
    ).toMatchObject({
      'app-postgres': 'rds:db available',
      'aurora-pg': 'rds:cluster available',
    });
    expect(eu.resources.map((r) => r.id)).not.toContain('reports-mysql');
    expect(result.task).toBe('rds');
    expect(
      harness.calls({ action: 'StopDBInstance' }) + harness.calls({ action: 'StopDBCluster' }),
    ).toBe(0);
  });

  it('stops the tagged DB instance and Aurora cluster, skips what RDS cannot stop, each with its reason', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({ task: 'rds', action: 'stop' });

    // Assess
    const eu = targetOf(result, ACCOUNT_222, 'eu-west-1');
    const byId = Object.fromEntries(eu.resources.map((r) => [r.id, r]));
    expect(byId['app-postgres']).toMatchObject({
      type: 'rds:db',
      outcome: 'changed',
      currentState: 'stopping',
    });
    expect(byId['aurora-pg']).toMatchObject({
      type: 'rds:cluster',
      outcome: 'changed',
      currentState: 'stopping',
    });
    expect(byId['legacy-sqlserver']).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/Multi-AZ RDS for SQL Server/),
    });
    expect(byId['orders-replica']).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/read replica of "orders-source"/),
    });
    expect(byId['orders-source']).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/has read replicas/),
    });
    expect(byId['aurora-pg-writer']).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/member of Aurora cluster "aurora-pg"/),
    });
    expect(byId['aurora-sls']).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/Aurora Serverless v1/),
    });
    expect(byId['reports-mysql']).toBeUndefined();
    const east = targetOf(result, ACCOUNT_222, 'us-east-1');
    expect(east.resources.find((r) => r.id === 'orders-east')).toMatchObject({
      type: 'rds:cluster',
      outcome: 'skipped',
      reason: expect.stringMatching(/member of Aurora global database "orders-global"/),
    });
    expect(east.resources.filter((r) => r.outcome === 'changed')).toEqual([]);
    expect(harness.calls({ action: 'StopDBInstance', outcome: 'OK' })).toBe(1);
    expect(harness.calls({ action: 'StopDBCluster', outcome: 'OK' })).toBe(1);
    expect(
      harness.endpoint.aws.world.rds.findCluster(ACCOUNT_222, 'eu-west-1', 'aurora-pg')?.status,
    ).toBe('stopping');
    const outcomes = DETAIL(harness.endpoint.aws.events.list(), 'Resource Outcome');
    expect(outcomes.map((d) => `${d.resourceType} ${d.resourceId} ${d.outcome}`).sort()).toEqual([
      'rds:cluster aurora-pg changed',
      'rds:db app-postgres changed',
    ]);
    expect(DETAIL(harness.endpoint.aws.events.list(), 'Run Summary')).toHaveLength(1);
  });

  it('reports an untagged DB instance named by identifier as skipped with the tag to add, and calls no start', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({
      task: 'rds',
      action: 'start',
      dbInstanceIdentifiers: ['reports-mysql'],
    });

    // Assess
    expect(instanceOf(result, 'reports-mysql')).toMatchObject({
      type: 'rds:db',
      outcome: 'skipped',
      reason: expect.stringContaining('xacct-ec2:managed'),
    });
    expect(harness.calls({ action: 'StartDBInstance' })).toBe(0);
  });

  it('refuses task rds over HTTP to a caller whose rule lists no tasks (ec2 only), and lets a rule naming rds through', async () => {
    // Prepare: the local stage's rule for role/ops has no `tasks` (serverless.yml params.local)
    const asPackaged = await harness.loadFunction();
    const startedBefore = asPackaged.startedRuns().length;

    // Act
    const refused = await asPackaged.http('status', { task: 'rds' });
    const withRds = await harness.loadFunction({
      editConfig: (config) => ({
        ...config,
        callers: config.callers.map((rule) => ({ ...rule, tasks: ['ec2', 'rds'] })),
      }),
    });
    const allowed = await withRds.http('status', { task: 'rds' });

    // Assess
    expect(typeof refused === 'object' && refused.statusCode).toBe(403);
    expect(JSON.stringify(refused)).toContain('rds');
    expect(typeof allowed === 'object' && allowed.statusCode).toBe(202);
    expect(
      withRds
        .startedRuns()
        .slice(startedBefore)
        .map((r) => r.input.request),
    ).toEqual([expect.objectContaining({ task: 'rds', action: 'status' })]);
  });

  it('refuses a wait for an RDS start it cannot finish before any AWS call, naming the engine', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const refused = fn.invoke({ task: 'rds', action: 'start', wait: true, tags: CONTROL_TAG });

    // Assess
    await expect(refused).rejects.toThrow(
      /wait: a start of task "rds" usually takes 600 s, more than the 240 s/,
    );
    await expect(refused).rejects.toThrow(/run the request through the engine/);
    expect(harness.calls()).toBe(0);
  });
});

/** RDS's times scaled down: reports-mysql's 75-minute start takes 9 s here. */
const TIME_FACTOR = 0.002;
/** serverless.yml custom.engine: the shortest Wait and the rounds at most. */
const ENGINE_SETTINGS = { waitSeconds: 30, maxChecks: 20 };
/** The seed with reports-mysql (75-minute start, stopped) carrying the control tag. */
function seedWithReportsTagged(): SeedInput {
  const seed = JSON.parse(
    readFileSync(join(__dirname, '../../scripts/local-aws/seed.json'), 'utf8'),
  ) as {
    accounts: Array<{
      regions: Record<
        string,
        { dbInstances?: Array<{ id: string; tags?: Record<string, string> }> }
      >;
    }>;
  };
  for (const account of seed.accounts)
    for (const region of Object.values(account.regions))
      for (const db of region.dbInstances ?? [])
        if (db.id === 'reports-mysql') db.tags = { ...db.tags, ...CONTROL_TAG };
  return seed as unknown as SeedInput;
}

interface FinishedRun {
  action: string;
  checks: number;
  summary: Record<string, number>;
}

describe('integration: the RDS task through the Step Functions engine', () => {
  const harness = useHarness({
    seed: seedWithReportsTagged(),
    settings: { timeFactor: TIME_FACTOR },
    resetBeforeEach: ['calls', 'events'],
  });

  const runWithWait = async (action: 'start' | 'stop') => {
    const handlers = await harness.loadEngine();
    // The engine stretches its Wait to RDS's transitions (handlers/engine/wait-plan.ts).
    const plan = waitPlan(rdsTask.transitions, action, ENGINE_SETTINGS);
    const started = Date.now();
    const run = await runEngineLocally(
      packagedEngineDefinition(harness.packaged.template),
      handlers,
      { request: { task: 'rds', action, wait: true, dbInstanceIdentifiers: ['reports-mysql'] } },
      { executionName: `rds-${action}`, waitMs: plan.waitSeconds * 1000 * TIME_FACTOR },
    );
    const realMs = Date.now() - started;
    return {
      run,
      plan,
      output: run.output as FinishedRun,
      worldSeconds: realMs / 1000 / TIME_FACTOR,
    };
  };
  const reportsMysql = () =>
    harness.endpoint.aws.world.rds.findInstance(ACCOUNT_222, 'eu-west-1', 'reports-mysql');

  it('starts the 75-minute DB instance and waits for it in Wait rounds stretched to RDS start times', async () => {
    // Prepare
    expect(reportsMysql()?.status).toBe('stopped');

    // Act
    const { run, plan, output, worldSeconds } = await runWithWait('start');

    // Assess: 720 s Waits (4 h stuck limit / 20 rounds); EC2's 30 s would need 150 rounds, over 20
    expect(plan).toEqual({ waitSeconds: 720, maxChecks: 20 });
    expect(reportsMysql()?.status).toBe('available');
    expect(output.summary).toMatchObject({ changed: 1, failed: 0 });
    // Each round waits at least 720 s of world time (more on a busy machine): never more rounds
    // than the Waits alone need, and far fewer than maxChecks.
    expect(output.checks).toBeGreaterThanOrEqual(1);
    expect(output.checks).toBeLessThanOrEqual(Math.ceil(4500 / 720));
    // One summary per round of re-checks.
    expect(run.taskCalls.SummariseRecheck).toBe(output.checks);
    const events = harness.endpoint.aws.events.list();
    expect(DETAIL(events, 'Run Summary')).toEqual([expect.objectContaining({ task: 'rds' })]);
    expect(DETAIL(events, 'Resource Outcome')).toEqual([
      expect.objectContaining({
        resourceType: 'rds:db',
        resourceId: 'reports-mysql',
        outcome: 'changed',
      }),
    ]);
    expect(harness.calls({ action: 'StartDBInstance', outcome: 'OK' })).toBe(1);
    console.log(
      `RDS start with wait: ${output.checks} rounds, ${Math.round(worldSeconds)} s world time`,
    );
  }, 60_000);

  it('stops it and waits in shorter rounds, as RDS stops take minutes', async () => {
    // Act
    const { run, plan, output, worldSeconds } = await runWithWait('stop');

    // Assess: 90 s Waits (30 min stuck limit / 20 rounds), at most 4 for the 5-minute stop
    expect(plan).toEqual({ waitSeconds: 90, maxChecks: 20 });
    expect(reportsMysql()?.status).toBe('stopped');
    expect(output.summary).toMatchObject({ changed: 1, failed: 0 });
    // Each round waits at least 90 s of world time (more on a busy machine): never more rounds
    // than the Waits alone need, and far fewer than maxChecks.
    expect(output.checks).toBeGreaterThanOrEqual(1);
    expect(output.checks).toBeLessThanOrEqual(Math.ceil(300 / 90));
    // One summary per round of re-checks.
    expect(run.taskCalls.SummariseRecheck).toBe(output.checks);
    expect(DETAIL(harness.endpoint.aws.events.list(), 'Resource Outcome')).toEqual([
      expect.objectContaining({
        resourceType: 'rds:db',
        resourceId: 'reports-mysql',
        outcome: 'changed',
      }),
    ]);
    console.log(
      `RDS stop with wait: ${output.checks} rounds, ${Math.round(worldSeconds)} s world time`,
    );
  }, 60_000);
});
