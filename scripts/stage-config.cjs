/**
 * Package-time bridge between serverless.yml `params` and the function.
 *
 * osls calls these exports through `${file(scripts/stage-config.cjs):<name>}`, and only a
 * CommonJS file fits there, so this stays a thin bridge: it resolves the stage's params,
 * validates them with the schema the function uses at cold start
 * (handlers/config/stage-config.ts) and hands them to the typed builders in scripts/lib/stage/
 * (loaded through tsx): the environment copy of the config, the exact target-role ARNs, the
 * schedules and the scheduler's role. A bad configuration stops `sls package` with a message
 * that names the field. Nothing here calls AWS, so packaging needs no credentials.
 */
const { require: tsxRequire } = require('tsx/cjs/api');

const load = (path) => tsxRequire(path, __filename);
const { parseStageConfig } = load('../handlers/config/stage-config.ts');
const { StageConfigError } = load('./lib/stage/stage-config-error.ts');
const { runtimeEnvironment } = load('./lib/stage/runtime-environment.ts');
const { targetRoleArns: targetRoleArnsOf } = load('./lib/stage/target-role-arns.ts');
const { scheduleResources: scheduleResourcesOf } = load('./lib/stage/schedule-resources.ts');

const PARAM_KEYS = [
  'targetRoleName',
  'controlTagKey',
  'controlTagValue',
  'targets',
  'concurrency',
  'sessionDurationSeconds',
  'reserveMillis',
  'waitTimeoutSeconds',
  'schedules',
];

/** Validated configs per stage; only successes are kept (osls retries a function whose
 * variables are not resolvable yet, and a cached failure would break that retry). */
const cache = new Map();

async function loadStageConfig({ resolveVariable }) {
  const stage = await resolveVariable('sls:stage');
  const cached = cache.get(stage);
  if (cached) return cached;
  const raw = {};
  for (const key of PARAM_KEYS) raw[key] = await resolveVariable(`param:${key}`);
  const parsed = parseStageConfig(raw, 'params');
  if (!parsed.ok) throw new StageConfigError(stage, parsed.problems);
  const loaded = { stage, config: parsed.value };
  cache.set(stage, loaded);
  return loaded;
}

async function environment(context) {
  const { stage, config } = await loadStageConfig(context);
  return runtimeEnvironment(stage, config);
}

async function targetRoleArns(context) {
  const { config } = await loadStageConfig(context);
  return targetRoleArnsOf(config);
}

async function scheduleResources(context) {
  const { config } = await loadStageConfig(context);
  const service = await context.resolveVariable('self:service');
  const stage = await context.resolveVariable('sls:stage');
  const resources = scheduleResourcesOf(config, { service, stage });
  // custom.engine.runSchedules: the schedules start Step Functions runs (handlers/engine/README.md).
  if ((await context.resolveVariable('self:custom.engine.runSchedules')) !== true) return resources;
  const { throughEngine } = load('./lib/engine/engine-schedules.ts');
  return { Resources: throughEngine(resources.Resources, config.schedules) };
}

module.exports = { environment, targetRoleArns, scheduleResources, loadStageConfig };
