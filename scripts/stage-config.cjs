/**
 * Package-time bridge between serverless.yml `params` and the function.
 *
 * osls calls these exports through `${file(scripts/stage-config.cjs):<name>}`. They read the stage's
 * params, validate them with the same schema the function uses at cold start
 * (handlers/config/stage-config.ts, loaded through tsx), and derive what CloudFormation needs:
 * the exact target-role ARNs, the environment copy of the config, and the schedules.
 * A bad configuration stops `sls package` with a message that names the field.
 * Nothing here calls AWS, so packaging needs no credentials.
 */
const { require: tsxRequire } = require('tsx/cjs/api');

const { parseStageConfig, toRuntimeConfig, LAMBDA_ENVIRONMENT_LIMIT_BYTES } = tsxRequire(
  '../handlers/config/stage-config.ts',
  __filename,
);
const { describeProblems } = tsxRequire('../handlers/contract/problems.ts', __filename);

const PARAM_KEYS = [
  'targetRoleName',
  'controlTagKey',
  'controlTagValue',
  'targets',
  'concurrency',
  'sessionDurationSeconds',
  'reserveMillis',
  'waitTimeoutSeconds',
  'maxInstancesPerRequest',
  'schedules',
];

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

/** The runtime copy of the config, as one JSON environment variable (Lambda allows 4 KB in all). */
async function environment(context) {
  const { stage, config } = await loadStageConfig(context);
  const json = JSON.stringify(toRuntimeConfig(config));
  if (Buffer.byteLength(json) > LAMBDA_ENVIRONMENT_LIMIT_BYTES - 512) {
    throw new StageConfigError(stage, [
      {
        field: 'params.targets',
        message: `the configuration takes ${Buffer.byteLength(json)} bytes, more than fits in Lambda's 4 KB environment; shorten ExternalIds or split the targets across stages`,
      },
    ]);
  }
  return json;
}

/** Exactly the configured target-role ARNs: the only resources the execution role may assume. */
async function targetRoleArns(context) {
  const { config } = await loadStageConfig(context);
  // Fn::Join rather than Fn::Sub: osls would read `${AWS::Partition}` in a returned string as a variable.
  return config.targets.map((target) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:iam::${target.accountId}:role/${config.targetRoleName}`,
      ],
    ],
  }));
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

module.exports = { environment, targetRoleArns, scheduleResources, loadStageConfig };
