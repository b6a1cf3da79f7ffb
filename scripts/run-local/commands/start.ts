/**
 * npm start: the whole cross-account flow on this machine, with the real policies enforced.
 *
 *   1. packages the `local` stage (the real `sls package`, no AWS credentials, temp directory);
 *   2. starts the local STS + EC2 endpoint (scripts/local-aws) with the policy authorizer, which
 *      evaluates the packaged execution role and the target-role template rendered per account;
 *   3. runs the real `sls invoke local -f instances --stage local` for status, a dry run, stop
 *      (hibernating where configured) and start, each waiting for the final states, with the home
 *      session's credentials and the endpoint URLs set in that child process only;
 *   4. prints a table per account, region and instance;
 *   5. runs the nightly stop through the Step Functions engine, then moves the world clock to the
 *      stage's next scheduled time: the local Scheduler assumes the schedule's role and invokes
 *      its target, whose run reports its summary.
 *
 * Exit 0 when the flow ran as the seed world designs it (the refused targets and the KMS
 * fall-back are part of it), 1 when something else happened, 2 when the flow could not run.
 *
 *   --endpoint <url>   use another endpoint (e.g. LocalStack) instead of starting the local one;
 *                      credentials come from your environment, and only status and the dry run
 *                      run unless --with-changes is given
 *   --stage <name>     stage to invoke (default: local)
 *   --with-changes     with --endpoint: also stop and start
 */
import { parseArgs } from 'node:util';
import type { RunResult } from '../../../handlers/core/results';
import { executionName } from '../../../handlers/engine/execution-name';
import { credentialsOf } from '../../local-aws';
import { UsageError } from '../../shared/usage-error';
import {
  callerAwsEnvironment,
  colourFor,
  type Env,
  expectationsFor,
  FAST_WAITER,
  type InvokeLocalRun,
  invokeLocal,
  type LocalEndpoint,
  type LocalEndpointReady,
  packagedStageConfig,
  painter,
  renderRunResult,
  startLocalEndpoint,
  summaryLine,
  surprisesIn,
  wrap,
} from '..';
import { runEngineChild } from '../engine/engine-child-run';
import { signalsReport } from '../signals-report';

/** The engine's Wait state here: the endpoint's instances settle in about a second. */
const ENGINE_WAIT_MS = 1_000;

interface Step {
  title: string;
  explain: string;
  event: Record<string, unknown>;
  /** Print target verdicts only. */
  compact?: boolean;
  /** Changes instances: not run against a foreign endpoint unless asked. */
  changes?: boolean;
  /** What the local endpoint's world shows afterwards that the result alone does not say. */
  observe?: (endpoint: LocalEndpoint, result: RunResult) => string[];
}

/** Changed instances of a run whose state reason in the endpoint's world is `code`. */
function changedWithReason(endpoint: LocalEndpoint, result: RunResult, code: string): string[] {
  return result.targets.flatMap((t) =>
    t.resources
      .filter((i) => i.outcome === 'changed' || i.outcome === 'failed')
      .filter((i) => endpoint.aws.world.instance(i.id)?.stateReason?.code === code)
      .map((i) => `${i.id}${i.name ? ` (${i.name})` : ''}`),
  );
}

/** Read-only steps first: they run side by side, and are reported by their place in this list. */
const STEPS: Step[] = [
  {
    title: 'status',
    explain: 'What each target holds now: one AssumeRole per account, then DescribeInstances.',
    event: { action: 'status' },
  },
  {
    title: 'dry run of stop',
    explain:
      "EC2's DryRun asks whether the target role may stop each selected instance; nothing changes.",
    event: { action: 'stop', dryRun: true, hibernate: true },
    compact: true,
  },
  {
    title: 'RDS status',
    explain:
      'The same targets through the RDS task: DB instances and Aurora clusters carrying the control tag, one DescribeDBInstances and DescribeDBClusters per target; Neptune and DocumentDB, listed by the same API, are reported skipped.',
    event: { task: 'rds', action: 'status' },
  },
  {
    title: 'stop, hibernating where configured, and wait',
    explain:
      'As the weekday-evening-stop schedule sends it: hibernate where the instance was configured for it at launch, stop the others normally, leave Auto Scaling members alone, then wait until stopped.',
    // The schedule's wrapper (handlers/signals/schedule-input.ts): its heartbeat metric counts this run.
    event: {
      schedule: { name: 'weekday-evening-stop' },
      request: { action: 'stop', hibernate: true, wait: true },
    },
    changes: true,
    observe: (endpoint, result) => {
      const hibernated = changedWithReason(endpoint, result, 'Client.UserInitiatedHibernate');
      return hibernated.length > 0
        ? [
            `Hibernated (state reason Client.UserInitiatedHibernate in the endpoint): ${hibernated.join(', ')}`,
          ]
        : [];
    },
  },
  {
    title: 'start and wait',
    explain:
      'A start can be accepted and still fall back to stopped (a volume key the role may not use): only waiting tells.',
    event: { action: 'start', wait: true },
    changes: true,
    observe: (endpoint, result) => {
      const fellBack = changedWithReason(endpoint, result, 'Client.InternalError');
      return fellBack.length > 0
        ? [
            `Back to stopped with state reason Client.InternalError in the endpoint: ${fellBack.join(', ')}`,
          ]
        : [];
    },
  },
  {
    title: 'RDS stop',
    explain:
      'Stops what RDS can stop and skips, with the reason and what to do instead, what it refuses: Aurora member instances (stop the cluster), read replicas and their sources, Multi-AZ SQL Server, Aurora Serverless v1, global database members. No wait: an RDS stop takes minutes, longer than one invocation waits; the engine waits for it (handlers/tasks/rds/README.md).',
    event: { task: 'rds', action: 'stop' },
    changes: true,
  },
];

interface Options {
  endpoint?: string;
  stage?: string;
  withChanges: boolean;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      endpoint: { type: 'string' },
      stage: { type: 'string' },
      'with-changes': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'npm start [-- --endpoint <url> [--stage <name>] [--with-changes]]\n\nWithout options: package the local stage, start the local AWS endpoint and run the flow against it.',
    );
    process.exit(0);
  }
  if (values.endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(values.endpoint)) {
    throw new UsageError(`--endpoint must be an http(s) URL, not ${values.endpoint}`);
  }
  if (values.stage !== undefined && values.endpoint === undefined && values.stage !== 'local') {
    throw new UsageError(
      '--stage only applies with --endpoint: the local endpoint serves the local stage (scripts/local-aws/seed.json)',
    );
  }
  return {
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    ...(values.stage ? { stage: values.stage } : {}),
    withChanges: values['with-changes'] ?? false,
  };
}

const color = colourFor(process.stdout);
const paint = painter(color);
const width = process.stdout.isTTY
  ? Math.max(80, Math.min(process.stdout.columns ?? 120, 160))
  : 120;

/** Refusals already explained in full: later steps point back to them. */
const shownErrors = new Set<string>();

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function printStep(
  index: number,
  total: number,
  step: Step,
  invocation: InvokeLocalRun,
  endpoint: LocalEndpoint | undefined,
): void {
  const heading = `━━ ${index + 1}/${total}  ${step.title} `;
  console.log(
    `\n${paint(heading + '━'.repeat(Math.max(3, width - heading.length)), 'bold', 'cyan')}`,
  );
  for (const line of wrap(step.explain, width - 2)) console.log(paint(`  ${line}`, 'dim'));
  console.log(paint(`  $ ${invocation.command}   (${seconds(invocation.run.durationMs)})`, 'dim'));
  if (!invocation.result) return;
  console.log(
    renderRunResult(invocation.result, {
      color,
      width,
      compact: step.compact ?? false,
      shownErrors,
    }),
  );
  console.log(`  ${summaryLine(invocation.result, { color })}`);
  if (endpoint && step.observe) {
    for (const note of step.observe(endpoint, invocation.result)) {
      for (const [n, line] of wrap(note, width - 2).entries())
        console.log(`${n === 0 ? '  ' : '    '}${line}`);
    }
  }
}

/** Why an invocation produced no result, with the end of its output. */
function brokenInvocation(invocation: InvokeLocalRun): string {
  const how = invocation.run.timedOut
    ? 'timed out'
    : `exited ${invocation.run.code ?? invocation.run.signal}`;
  const tail = `${invocation.run.stdout}\n${invocation.run.stderr}`.trim().split('\n').slice(-30);
  return [`${invocation.command} ${how}: ${invocation.error?.message ?? ''}`, ...tail].join('\n');
}

function describeWorld(endpoint: LocalEndpoint, ready: LocalEndpointReady): string[] {
  const { seed, aws } = endpoint;
  const { packaging, loaded } = ready;
  const statements = loaded.stage.executionRole.policies.reduce(
    (n, p) => n + (Array.isArray(p.policy.Statement) ? p.policy.Statement.length : 1),
    0,
  );
  return [
    `  endpoint   ${aws.url}  (STS and EC2; every request's SigV4 signature checked)`,
    `  home       account ${seed.home.accountId} ${seed.home.region}, function ${seed.home.functionName}, role ${seed.home.executionRoleName}`,
    `  packaged   sls package --stage ${endpoint.stage}: ${packaging.packagedNow ? `built in ${seconds(packaging.durationMs)}` : 'reused'}; execution role with ${statements} statement(s) from the generated CloudFormation`,
    `  targets    ${loaded.targetRoles.length} target role(s) rendered from resources/target-account-role.yml with each account's parameters`,
  ];
}

function callSummary(endpoint: LocalEndpoint): string[] {
  const byAction = new Map<string, Record<string, number>>();
  for (const entry of endpoint.aws.calls.list()) {
    const key = `${entry.service.toUpperCase()} ${entry.action}`;
    const outcomes = byAction.get(key) ?? {};
    for (const [outcome, count] of Object.entries(entry.outcomes)) {
      outcomes[outcome] = (outcomes[outcome] ?? 0) + count;
    }
    byAction.set(key, outcomes);
  }
  return [...byAction.entries()].map(([action, outcomes]) => {
    const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
    const detail = Object.entries(outcomes)
      .map(([outcome, count]) => `${count} ${outcome}`)
      .join(', ');
    return `  ${action.padEnd(26)} ${String(total).padStart(4)}  (${detail})`;
  });
}

/**
 * Moves the world clock to the stage's next scheduled time and lets the local Scheduler fire:
 * it assumes the schedule's role as scheduler.amazonaws.com (the packaged trust decides), invokes
 * the target asynchronously (here: the real `sls invoke local` of that function, with fresh
 * credentials, as Lambda hands each invocation), and the run reports its summary.
 */
async function fireNextSchedule(
  endpoint: LocalEndpoint,
  stage: string,
  env: Env,
  signal: AbortSignal,
): Promise<boolean> {
  const { aws } = endpoint;
  console.log(`\n${paint('then: the schedule fires (EventBridge Scheduler, local)', 'bold')}`);
  const next = aws.firing.nextFiring();
  if (!next) {
    console.log(paint('  The stage has no enabled schedule.', 'dim'));
    return true;
  }
  const packaging = (await endpoint.ready).packaging;
  const { packaged } = packaging;
  // What each delivery became: the function's own run, or the engine run the starter starts.
  const outcomes = new Map<string, Promise<() => string[] | undefined>>();
  for (const { schedule } of aws.schedules.all()) {
    const arn = String(schedule.Target.Arn);
    // `<service>-<stage>-<key>`: the function of serverless.yml the schedule targets.
    const functionName = arn.split(':function:')[1]?.replace(`${packaged.service}-${stage}-`, '');
    aws.functions.register(arn, async (event) => {
      const delivered = event as { schedule: string; scheduledTime: string; request: unknown };
      const outcome =
        functionName === 'engineStart'
          ? // The starter starts one engine run named after the schedule and its time: run here
            // by the same child as the engine step above.
            runEngineChild({
              endpoint,
              packaging,
              request: JSON.stringify(delivered.request),
              waitMs: ENGINE_WAIT_MS,
              executionName: executionName(delivered.schedule, delivered.scheduledTime),
              origin: {
                kind: 'schedule',
                schedule: delivered.schedule,
                scheduledTime: delivered.scheduledTime,
              },
              indent: '  ',
              compact: true,
              env: freshHomeCredentials(endpoint),
            }).then((run) => () => (run.code === 0 ? [] : undefined))
          : invokeLocal({
              stage,
              event: event as Record<string, unknown>,
              ...(functionName ? { functionName } : {}),
              env: { ...env, ...freshHomeCredentials(endpoint) },
              signal,
            }).then((run) => () => (run.result ? [summaryLine(run.result, { color })] : undefined));
      outcomes.set(arn, outcome);
      return outcome;
    });
  }
  const [firing] = await aws.advanceClock(Math.max(0, next.at.getTime() - aws.clock.now()));
  if (!firing) return true;
  const schedule = aws.schedules.all().find((s) => s.schedule.Arn === firing.scheduleArn);
  const zone = schedule?.schedule.ScheduleExpressionTimezone ?? 'UTC';
  const local = new Date(firing.scheduledTime).toLocaleString('en-GB', {
    timeZone: zone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  const lines = [
    `clock      moved to ${firing.scheduledTime} (${local} ${zone}): ${firing.scheduleName} is due (${schedule?.schedule.ScheduleExpression ?? ''})`,
    `role       ${firing.roleSessionArn ? `assumed as scheduler.amazonaws.com with aws:SourceArn = the group's ARN: ${firing.roleSessionArn}` : `not assumed: ${firing.attempts.at(-1)?.detail ?? ''}`}`,
    `delivered  ${firing.outcome === 'delivered' ? `${firing.targetArn}, asynchronously (attempt ${firing.attempts.length})` : `no: ${firing.outcome}${firing.lostBecause ? ` (${firing.lostBecause})` : ''}`}`,
  ];
  for (const line of lines) for (const part of wrap(line, width - 2)) console.log(`  ${part}`);
  if (firing.outcome !== 'delivered') return false;
  await firing.invocation?.done;
  const shown = (await outcomes.get(firing.targetArn))?.();
  if (!shown) {
    console.error(`\n${paint('The scheduled run broke.', 'red', 'bold')}`);
    return false;
  }
  for (const line of shown) console.log(`  run        ${line}`);
  const summary = aws.events
    .list()
    .filter((e) => e.detailType === 'Run Summary')
    .find(
      (e) =>
        (e.detail as { origin?: { scheduledTime?: string } }).origin?.scheduledTime ===
        firing.scheduledTime,
    );
  console.log(
    `  summary    ${summary ? `Run Summary event on ${summary.eventBusArn}: ${JSON.stringify((summary.detail as { outcome?: unknown }).outcome)}, origin ${JSON.stringify((summary.detail as { origin?: unknown }).origin)}` : 'no Run Summary event on the local bus'}`,
  );
  return true;
}

/** A new session of the execution role, as Lambda hands each invocation (the clock moved on). */
function freshHomeCredentials(endpoint: LocalEndpoint): Env {
  const fresh = credentialsOf(endpoint.aws.world.createHomeSession());
  return {
    AWS_ACCESS_KEY_ID: fresh.accessKeyId,
    AWS_SECRET_ACCESS_KEY: fresh.secretAccessKey,
    AWS_SESSION_TOKEN: fresh.sessionToken,
  };
}

async function main(): Promise<number> {
  const started = Date.now();
  const options = parseOptions();
  const abort = new AbortController();
  let endpoint: LocalEndpoint | undefined;
  const inFlight = new Set<Promise<unknown>>();
  const onSignal = () => {
    // End the sls children, let their service directories be removed, then stop the endpoint.
    abort.abort();
    void Promise.allSettled(inFlight)
      .then(() => endpoint?.stop())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let stage: string;
  let childEnv: Env;
  let home: string | undefined;
  let steps = STEPS;
  if (options.endpoint) {
    stage = options.stage ?? 'local';
    // Your own AWS setup (e.g. LocalStack's test keys), sent to the endpoint you named.
    childEnv = {
      ...callerAwsEnvironment(),
      AWS_ENDPOINT_URL_STS: options.endpoint,
      AWS_ENDPOINT_URL_EC2: options.endpoint,
      AWS_ENDPOINT_URL_RDS: options.endpoint,
      ...FAST_WAITER,
    };
    home = process.env.HOME;
    if (!options.withChanges) steps = STEPS.filter((s) => !s.changes);
    console.log(
      paint(`xacct-ec2 against ${options.endpoint}, stage ${stage}`, 'bold') +
        (options.withChanges
          ? ''
          : paint('  (read-only: add --with-changes to stop and start)', 'dim')),
    );
  } else {
    console.log(
      paint('xacct-ec2: the cross-account flow on this machine', 'bold') +
        paint('  (no AWS account, no network; the real policies decide)', 'dim'),
    );
    console.log('\nPackaging the local stage and starting the local AWS endpoint ...');
    endpoint = await startLocalEndpoint();
    stage = endpoint.stage;
    childEnv = { ...endpoint.clientEnv(), ...FAST_WAITER };
  }

  const invoke = (step: Step) => {
    const running = invokeLocal({
      stage,
      event: step.event,
      env: childEnv,
      ...(home ? { home } : {}),
      signal: abort.signal,
    });
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running)).catch(() => undefined);
    return running;
  };

  try {
    // Status and the dry run change nothing, so they run side by side (and beside packaging).
    const readOnly = steps.filter((s) => !s.changes);
    const [ready, ...firstRuns] = await Promise.all([
      endpoint?.ready,
      ...readOnly.map((step) => invoke(step)),
    ]);
    if (endpoint && ready) for (const line of describeWorld(endpoint, ready)) console.log(line);
    const runs: InvokeLocalRun[] = [...firstRuns];
    const report = (index: number) => {
      const step = steps[index];
      const run = runs[index];
      if (step && run) printStep(index, steps.length, step, run, endpoint);
      return run?.result;
    };
    const results: Array<{ step: Step; result: RunResult | undefined; run: InvokeLocalRun }> = [];
    readOnly.forEach((step, index) => {
      const run = runs[index];
      if (run) results.push({ step, result: report(index), run });
    });
    for (const step of steps.filter((s) => s.changes)) {
      if (results.some((r) => !r.result)) break;
      const run = await invoke(step);
      runs.push(run);
      results.push({ step, result: report(runs.length - 1), run });
    }

    const broken = results.filter((r) => !r.result);
    if (broken.length > 0) {
      for (const { run } of broken)
        console.error(`\n${paint('The flow broke:', 'red', 'bold')} ${brokenInvocation(run)}`);
      return 2;
    }
    if (!endpoint) {
      console.log(`\nDone in ${seconds(Date.now() - started)}.`);
      return 0;
    }

    // The same nightly stop as the schedule's, through the packaged Step Functions engine.
    const { packaging: packaged } = await endpoint.ready;
    console.log(`\n${paint('then: the nightly stop through the Step Functions engine', 'bold')}`);
    for (const line of wrap(
      'The packaged state machine (handlers/engine/README.md) runs here with aws-local-stepfunctions: the plan cuts the targets into work items, a survey counts what the stop would change so the blast-radius guard sees the whole run, the workers act without waiting, and Wait states with describe-only re-checks follow the stops to their end.',
      width - 2,
    ))
      console.log(paint(`  ${line}`, 'dim'));
    const engineRun = await runEngineChild({
      endpoint,
      packaging: packaged,
      request: JSON.stringify({ action: 'stop', hibernate: true, wait: true }),
      waitMs: ENGINE_WAIT_MS,
      executionName: executionName('weekday-evening-stop', new Date().toISOString()),
      origin: { kind: 'schedule', schedule: 'weekday-evening-stop' },
      indent: '  ',
      compact: true,
    });
    if (engineRun.code !== 0) {
      console.error(`\n${paint('The engine run broke:', 'red', 'bold')} exit ${engineRun.code}`);
      return 2;
    }

    // The schedule itself: the local Scheduler fires it through its role into its target.
    const fired = await fireNextSchedule(endpoint, stage, childEnv, abort.signal);
    if (!fired) return 2;

    console.log(`\n${paint('Calls the endpoint answered', 'bold')}`);
    for (const line of callSummary(endpoint)) console.log(line);

    const { packaging } = await endpoint.ready;
    // Signals: metrics, events, and the packaged alarms they would set off (resources/home-stack/signals).
    const signals = signalsReport({
      runs: [
        ...results.map(({ step, run }) => ({ title: step.title, stdout: run.run.stdout })),
        { title: 'engine: the nightly stop', stdout: engineRun.metricLines },
      ],
      events: endpoint.aws.events.list(),
      template: packaging.packaged.template,
      from: started,
      to: Date.now(),
    });
    console.log(`\n${paint('Signals of the runs', 'bold')}`);
    for (const line of signals) console.log(line);

    const expected = expectationsFor(endpoint.seed, packagedStageConfig(packaging.packaged));
    const surprises = results.flatMap(({ step, result }) =>
      result ? surprisesIn(result, expected).map((s) => `${step.title}: ${s}`) : [],
    );
    const elapsed = seconds(Date.now() - started);
    if (surprises.length > 0) {
      console.log(`\n${paint('Not as the seed world designs it:', 'red', 'bold')}`);
      for (const surprise of surprises) console.log(`  - ${surprise}`);
      console.log(`(${elapsed})`);
      return 1;
    }
    const refused = [...expected.refusedAccounts]
      .map(([account, why]) => `${account} (${why})`)
      .join('; ');
    const fallBacks = [...expected.startFallsBack.keys()].join(', ');
    console.log(`\n${paint('As designed', 'green', 'bold')} in ${elapsed}:`);
    for (const line of [
      `refused by AssumeRole, with the checks to make: ${refused || 'none'};`,
      `start fell back to stopped (Client.InternalError), reported failed: ${fallBacks || 'none'};`,
      'every other target and instance behaved as its policies allow.',
    ]) {
      for (const [n, part] of wrap(line, width - 4).entries())
        console.log(`${n === 0 ? '  - ' : '    '}${part}`);
    }
    return 0;
  } finally {
    // Ends any sls child still running (after an error; otherwise there is none).
    abort.abort();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await endpoint?.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof UsageError;
    console.error(
      `npm start: ${known ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    // Bad flags and a flow that could not run alike: 2.
    process.exitCode = 2;
  },
);
