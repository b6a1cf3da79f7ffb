/**
 * Package-time bridge between serverless.yml `params` and the function.
 *
 * osls calls these exports through `${file(scripts/stage-config.cjs):<name>}`. They read the stage's
 * params (and its targets file, `params.targetsFile`), validate them with the same schema the
 * function uses at cold start (handlers/config/stage-config.ts, loaded through tsx), and derive
 * what CloudFormation and the bundle need: the execution role's sts:AssumeRole statement, the
 * bundled copy of the config, and the schedules.
 * A bad configuration stops `sls package` with a message that names the field.
 * Nothing here calls AWS, so packaging needs no credentials.
 */
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { require: tsxRequire } = require('tsx/cjs/api');

const { parseStageConfig, toRuntimeConfig } = tsxRequire(
  '../handlers/config/stage-config.ts',
  __filename,
);
const { resolveTargetsFile } = tsxRequire('../handlers/config/targets-file.ts', __filename);
const { bundleBanner: bannerFor } = tsxRequire('../handlers/config/bundled-config.ts', __filename);
const { describeProblems } = tsxRequire('../handlers/contract/problems.ts', __filename);
const { assumeStatement, AssumeStatementTooLargeError } = tsxRequire(
  './lib/execution-policy/assume-statement.ts',
  __filename,
);

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

/** Settings a stage may leave out (serverless.yml need not mention them at all). */
const OPTIONAL_PARAM_KEYS = [
  'targetsFile',
  'assumeScope',
  'organizationId',
  'organizationalUnitPaths',
];

/** The functions whose code may assume the target roles (serverless.yml `functions`). */
const ASSUMING_FUNCTIONS = ['instances', 'http'];

/** The function that schedules invoke (its logical ID follows osls's naming). */
const SCHEDULED_FUNCTION = { key: 'instances', logicalId: 'InstancesLambdaFunction' };

/** A plain error without a stack: osls prints the message, and the stack would only add noise. */
class StageConfigError extends Error {
  constructor(stage, problems) {
    super(
      `Invalid configuration for stage "${stage}" in serverless.yml:\n${describeProblems(problems)}`,
    );
    this.name = 'StageConfigError';
    this.stack = this.message;
  }
}

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
  const config = parsed.value;
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

/**
 * The bundle's first line: the runtime copy of the config (serverless.yml custom.esbuild.banner).
 * It used to travel in one environment variable, which Lambda's 4 KB capped at about 40 accounts.
 */
async function bundleBanner(context) {
  const { config } = await loadStageConfig(context);
  return bannerFor(JSON.stringify(toRuntimeConfig(config)));
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

/**
 * EventBridge Scheduler schedules and their own invoke-only role.
 *
 * Declared here rather than as osls `schedule` events: in `method: scheduler` mode osls adds
 * scheduler.amazonaws.com to the execution role's trust, and a role that reaches other accounts
 * must not be assumable by another service.
 */
async function scheduleResources(context) {
  const { config } = await loadStageConfig(context);
  const service = await context.resolveVariable('self:service');
  const stage = await context.resolveVariable('sls:stage');
  const schedules = config.schedules;
  if (schedules.length === 0) return { Resources: {} };

  const functionArn = { 'Fn::GetAtt': [SCHEDULED_FUNCTION.logicalId, 'Arn'] };
  const resources = {
    SchedulerInvokeRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `Lets EventBridge Scheduler invoke ${service}-${stage}-${SCHEDULED_FUNCTION.key}, and nothing else`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'invoke-scheduled-function',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: functionArn },
              ],
            },
          },
        ],
      },
    },
  };

  for (const schedule of schedules) {
    const logicalId = `Schedule${schedule.name.replace(/[^0-9A-Za-z]/g, '')}`;
    resources[logicalId] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: `${service}-${stage}-${schedule.name}`.slice(0, 64),
        Description: `${schedule.request.action} on ${schedule.expression} (${schedule.timezone})`,
        ScheduleExpression: schedule.expression,
        ScheduleExpressionTimezone: schedule.timezone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: schedule.enabled ? 'ENABLED' : 'DISABLED',
        Target: {
          Arn: functionArn,
          RoleArn: { 'Fn::GetAtt': ['SchedulerInvokeRole', 'Arn'] },
          Input: JSON.stringify(schedule.request),
          // A scheduled run that failed is reported in its result; replaying it later could
          // start instances outside their window, so the schedule does not retry.
          RetryPolicy: { MaximumRetryAttempts: 0 },
        },
      },
    };
  }
  return { Resources: resources };
}

module.exports = { bundleBanner, assumeTargetRolesStatement, scheduleResources, loadStageConfig };
