/**
 * Package-time bridge between serverless.yml `params` and the function.
 *
 * osls calls these exports through `${file(resources/home-stack/stage-config.cjs):<name>}`, and only a
 * CommonJS file fits there, so this stays a thin bridge: it resolves the stage's params (and its
 * targets file, `params.targetsFile`), validates them with the schema the function uses at cold
 * start (handlers/config/stage-config.ts) and hands them to the typed builders (loaded through
 * tsx): the bundled copy of the config, the execution role's sts:AssumeRole statement
 * (scripts/lib/execution-policy/), the schedules (their expressions, names and logical IDs
 * checked there too) and the scheduler's role (resources/home-stack/schedules/),
 * and the signals' resources (scripts/lib/signals/). A bad configuration stops `sls package`
 * with a message that names the field. Nothing here calls AWS, so packaging needs no credentials.
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { require: tsxRequire } = require('tsx/cjs/api');

const load = (file) => tsxRequire(file, __filename);
const { parseStageConfig, toRuntimeConfig } = load('../../handlers/config/stage-config.ts');
const { resolveTargetsFile } = load('../../handlers/config/targets-file.ts');
const { bundleBanner: bannerFor } = load('../../handlers/config/bundled-config.ts');
const { StageConfigError } = load('./schedules/stage-config-error.ts');
const { scheduleResources: scheduleResourcesOf, scheduleGroupName } = load(
  './schedules/schedule-resources.ts',
);
const { scheduleProblems } = load('./schedules/schedule-checks.ts');
const { withKeepStoppedSchedules } = load('./schedules/keep-stopped.ts');
const { withHolidayDates } = load('./schedules/holiday-dates.ts');
const { schedulePaths } = load('./schedules/schedule-paths.ts');
const { assumeStatement, AssumeStatementTooLargeError, ASSUMING_FUNCTIONS } = load(
  './roles/assume-statement.ts',
);
const signals = load('./signals/resources.ts');
const { ENGINE_STATE_MACHINE_ID } = load('./engine/state-machine.ts');

/** Every function of serverless.yml: each gets an Errors and a Throttles alarm. */
const SIGNALLED_FUNCTIONS = [
  'instances',
  'http',
  'enginePlan',
  'engineWork',
  'engineRecheck',
  'engineStart',
  'engineSummarise',
];
const names = load('../../handlers/formats/names.ts');

const PARAM_KEYS = [
  'targetRoleName',
  'controlTagKey',
  'controlTagValue',
  'targets',
  'concurrency',
  'sessionDurationSeconds',
  'reserveMillis',
  'waitTimeoutSeconds',
  'maxResourcesPerRequest',
  'schedules',
  'callers',
  'sourceIdentity',
];

/** Settings a stage may leave out (serverless.yml need not mention them at all). */
const OPTIONAL_PARAM_KEYS = [
  'scheduledRuns',
  'targetsFile',
  'assumeScope',
  'organizationId',
  'organizationalUnitPaths',
];

/** Validated configs per stage; only successes are kept (osls retries a function whose
 * variables are not resolvable yet, and a cached failure would break that retry). */
const cache = new Map();

/**
 * Reads `params.targetsFile` (relative to the service directory, or absolute) into the target
 * list; it takes the place of `params.targets`, which a stage would otherwise inherit from
 * `default`. Returns the problems instead when the file is missing or invalid.
 */
function targetsFromFile(file) {
  const absolute = path.resolve(process.cwd(), file);
  let raw;
  try {
    raw = JSON.parse(readFileSync(absolute, 'utf8'));
  } catch (err) {
    return {
      problems: [
        {
          field: 'params.targetsFile',
          message: `cannot read ${file} as JSON (${err.message}); write it by hand or with \`npm run targets\``,
        },
      ],
    };
  }
  const resolved = resolveTargetsFile(raw, file);
  return resolved.ok ? { value: resolved.value } : { problems: resolved.problems };
}

async function loadStageConfig({ resolveVariable }) {
  const stage = await resolveVariable('sls:stage');
  const cached = cache.get(stage);
  if (cached) return cached;
  const raw = {};
  for (const key of PARAM_KEYS) raw[key] = await resolveVariable(`param:${key}`);
  for (const key of OPTIONAL_PARAM_KEYS) {
    const value = await resolveVariable(`param:${key}, null`);
    if (value !== undefined && value !== null) raw[key] = value;
  }
  const { targetsFile, ...params } = raw;
  let fromFile;
  if (targetsFile !== undefined) {
    if (typeof targetsFile !== 'string' || targetsFile.trim() === '') {
      throw new StageConfigError(stage, [
        { field: 'params.targetsFile', message: 'must be the path of a JSON targets file' },
      ]);
    }
    const read = targetsFromFile(targetsFile);
    if (read.problems) throw new StageConfigError(stage, read.problems);
    fromFile = read.value;
    params.targets = fromFile.targets;
  }
  const parsed = parseStageConfig(params, 'params');
  if (!parsed.ok) throw new StageConfigError(stage, parsed.problems);
  const expanded = withKeepStoppedSchedules(parsed.value);
  if (!expanded.ok) throw new StageConfigError(stage, expanded.problems);
  const config = expanded.value;
  const service = await resolveVariable('self:service');
  const scheduleIssues = scheduleProblems(config, { service, stage });
  if (scheduleIssues.length > 0) throw new StageConfigError(stage, scheduleIssues);
  if (
    fromFile?.organizationId &&
    config.organizationId &&
    fromFile.organizationId !== config.organizationId
  ) {
    throw new StageConfigError(stage, [
      {
        field: 'params.organizationId',
        message: `is ${config.organizationId}, but ${targetsFile} lists accounts of ${fromFile.organizationId}; the execution role could not reach them`,
      },
    ]);
  }
  const loaded = { stage, config, targetsFile };
  cache.set(stage, loaded);
  return loaded;
}

/** The stage's names (handlers/formats/names.ts) from `self:service` and `param:namespace`. */
async function stageNames({ resolveVariable }) {
  const stage = await resolveVariable('sls:stage');
  const service = await resolveVariable('self:service');
  const namespace = await resolveVariable('param:namespace');
  if (typeof namespace !== 'string' || !names.NAMESPACE_PATTERN.test(namespace)) {
    throw new StageConfigError(stage, [
      {
        field: 'params.namespace',
        message: `is "${namespace}"; give 1-24 letters, digits and hyphens (it names the target role, stack and control tag)`,
      },
    ]);
  }
  return names.stageNames(service, namespace);
}

/** Defaults of params.targetRoleName, controlTagKey and controlTagValue in serverless.yml. */
async function defaultTargetRoleName(context) {
  return (await stageNames(context)).targetRoleName;
}
async function defaultControlTagKey(context) {
  return (await stageNames(context)).controlTagKey;
}
async function defaultControlTagValue(context) {
  return (await stageNames(context)).controlTagValue;
}

/**
 * The bundle's first line: the runtime copy of the config (serverless.yml custom.esbuild.banner).
 * It used to travel in one environment variable, which Lambda's 4 KB capped at about 40 accounts.
 */
async function bundleBanner(context) {
  const { config } = await loadStageConfig(context);
  // `holidays` travel as dates: the holiday library stays out of the bundle.
  const schedules = withHolidayDates(config.schedules, new Date());
  return bannerFor(JSON.stringify(toRuntimeConfig({ ...config, schedules })));
}

/**
 * The execution role's sts:AssumeRole statement: the exact target-role ARNs while they fit IAM's
 * limit, the org-scoped form only when the stage sets `assumeScope: organization`.
 */
async function assumeTargetRolesStatement(context) {
  const { stage, config } = await loadStageConfig(context);
  const service = await context.resolveVariable('self:service');
  try {
    return assumeStatement({
      service,
      stage,
      targetRoleName: config.targetRoleName,
      region: await context.resolveVariable('self:provider.region'),
      accountIds: config.targets.map((target) => target.accountId),
      functionNames: ASSUMING_FUNCTIONS.map((fn) => `${service}-${stage}-${fn}`),
      assumeScope: config.assumeScope ?? 'exact',
      ...(config.organizationId ? { organizationId: config.organizationId } : {}),
      ...(config.organizationalUnitPaths
        ? { organizationalUnitPaths: config.organizationalUnitPaths }
        : {}),
    }).statement;
  } catch (err) {
    if (err instanceof AssumeStatementTooLargeError) {
      throw new StageConfigError(stage, [{ field: 'params.assumeScope', message: err.message }]);
    }
    throw err;
  }
}

/** Stages whose schedule paths were printed: osls may resolve a variable more than once. */
const printedPaths = new Set();

/**
 * The schedules, their group and invoke role. Which function they invoke follows
 * `params.scheduledRuns` (the engine's starter by default); a single-invocation stage whose
 * schedule reaches more targets than one invocation of the instances function runs, at its
 * memorySize and timeout, stops here (resources/home-stack/schedules/schedule-paths.ts). `sls package` and
 * `sls deploy` print each schedule's path and why, one line each.
 */
async function scheduleResources(context) {
  const { stage, config } = await loadStageConfig(context);
  const service = await context.resolveVariable('self:service');
  if ((await context.resolveVariable('self:custom.engine.runSchedules, null')) != null) {
    throw new StageConfigError(stage, [
      {
        field: 'custom.engine.runSchedules',
        message:
          'is gone: schedules run through the engine by default; remove it, and set params.scheduledRuns: single-invocation where a small fleet should keep one invocation',
      },
    ]);
  }
  const setting = async (key) =>
    (await context.resolveVariable(`self:functions.instances.${key}, null`)) ??
    (await context.resolveVariable(`self:provider.${key}, null`));
  const { paths, problems } = schedulePaths(config, {
    // osls's defaults when neither the function nor the provider sets them: 1024 MB, 6 s.
    memoryMb: Number((await setting('memorySize')) ?? 1024),
    timeoutSeconds: Number((await setting('timeout')) ?? 6),
  });
  if (problems.length > 0) throw new StageConfigError(stage, problems);
  // Packaging and deploying say it; `sls invoke local` and the like stay quiet.
  const packaging = ['package', 'deploy'].some((command) =>
    process.argv.slice(2).includes(command),
  );
  if (packaging && !printedPaths.has(stage)) {
    printedPaths.add(stage);
    for (const { line } of paths) process.stderr.write(`${line}\n`);
  }
  return scheduleResourcesOf(config, { service, stage });
}

/** Topic, key, alarms, dashboard, failed-runs rule, dead-letter queue (scripts/lib/signals). */
async function signalsResources(context) {
  const { stage, config } = await loadStageConfig(context);
  const service = await context.resolveVariable('self:service');
  const alarmEmail = (await context.resolveVariable('param:alarmEmail')) ?? '';
  if (alarmEmail !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new StageConfigError(stage, [
      {
        field: 'params.alarmEmail',
        message: `is "${alarmEmail}"; give an email address, or "" for none`,
      },
    ]);
  }
  return signals.signalsResources({
    service,
    stage,
    functions: SIGNALLED_FUNCTIONS.map((key) => ({ key, name: `${service}-${stage}-${key}` })),
    schedules: config.schedules,
    alarmEmail,
    stateMachineLogicalId: ENGINE_STATE_MACHINE_ID,
    scheduleGroupName: scheduleGroupName({ service, stage }),
  });
}

module.exports = {
  bundleBanner,
  assumeTargetRolesStatement,
  defaultTargetRoleName,
  defaultControlTagKey,
  defaultControlTagValue,
  scheduleResources,
  signalsResources,
  loadStageConfig,
};
