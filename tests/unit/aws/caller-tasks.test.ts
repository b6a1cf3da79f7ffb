/**
 * A caller rule names the tasks it allows; a rule without `tasks` allows only `ec2` (the rules
 * written before tasks existed), so a caller allowed to stop instances is not thereby allowed to
 * stop databases. These tests try to get past it.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { authorizeTask } from '../../../handlers/aws/authorize-caller';
import {
  type CallerRule,
  callerRuleSchema,
  decideCaller,
} from '../../../handlers/config/caller-rules';
import { readCaller } from '../../../handlers/formats/caller';
import { handler } from '../../../handlers/http';
import { aContext } from '../../helpers/context';
import { anHttpEvent } from '../../helpers/http-event';
import { pauseSwitch } from '../../helpers/pause-switch';

const HOME = '111111111111';
const OPERATOR = `arn:aws:sts::${HOME}:assumed-role/operators/alice`;
const DBA = `arn:aws:sts::${HOME}:assumed-role/dba/carol`;
const callerOf = (arn: string) => {
  const caller = readCaller({ userArn: arn, accountId: HOME });
  if (!caller) throw new Error(`no caller for ${arn}`);
  return caller;
};

const RULES: CallerRule[] = [
  { account: HOME, principal: 'role/operators', actions: ['start', 'stop', 'status'] },
  { account: HOME, principal: 'role/dba', actions: ['stop'], tasks: ['rds'] },
];

describe('Function: decideCaller with tasks', () => {
  it('lets a rule without tasks allow ec2 only: the operators may stop instances, not databases', () => {
    // Act
    const ec2 = decideCaller(callerOf(OPERATOR), 'stop', RULES, 'ec2');
    const rds = decideCaller(callerOf(OPERATOR), 'stop', RULES, 'rds');

    // Assess
    expect(ec2).toEqual({ allowed: true, ruleIndex: 0 });
    expect(rds).toEqual({ allowed: false, reason: 'task-not-allowed', rules: [0] });
  });

  it('lets a rule naming rds allow rds only, and compares task names exactly', () => {
    // Act
    const rds = decideCaller(callerOf(DBA), 'stop', RULES, 'rds');
    const ec2 = decideCaller(callerOf(DBA), 'stop', RULES, 'ec2');
    const upper = decideCaller(callerOf(DBA), 'stop', RULES, 'RDS');

    // Assess
    expect(rds).toEqual({ allowed: true, ruleIndex: 1 });
    expect(ec2.allowed).toBe(false);
    expect(upper.allowed).toBe(false);
  });
});

describe('Schema: callers[].tasks (package time)', () => {
  it.each([['RDS'], ['Rds'], ['ecs'], [' rds']])(
    'refuses the task name %j, listing the registered names',
    (name) => {
      // Act
      const parsed = callerRuleSchema.safeParse({
        account: HOME,
        principal: 'role/dba',
        actions: ['stop'],
        tasks: [name],
      });

      // Assess
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toBe(
        'must be a registered task name, exactly as written: one of "ec2", "rds"',
      );
    },
  );

  it('refuses an empty list, saying what leaving it out means', () => {
    // Act
    const parsed = callerRuleSchema.safeParse({
      account: HOME,
      principal: 'role/dba',
      actions: ['stop'],
      tasks: [],
    });

    // Assess
    expect(parsed.error?.issues[0]?.message).toBe(
      'list at least one task ("ec2", "rds"), or leave "tasks" out to allow only "ec2"',
    );
  });
});

describe('Function: authorizeTask', () => {
  it('refuses with 403 naming the rule and the fix', () => {
    // Act
    const check = authorizeTask(callerOf(OPERATOR), 'stop', 'rds', RULES);

    // Assess
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.response).toMatchObject({ statusCode: 403 });
    expect(JSON.parse(String((check.response as APIGatewayProxyStructuredResultV2).body))).toEqual({
      message: `forbidden: ${OPERATOR} may not "stop" with task "rds": the rules that allow "stop" (params.callers[0]) do not list "rds" in their tasks (a rule without "tasks" allows only "ec2")`,
      problems: [
        {
          field: 'params.callers',
          message: `add "rds" to the tasks of params.callers[0], or add {"account":"${HOME}","principal":"role/operators","actions":["stop"],"tasks":["rds"]} to params.callers, and deploy`,
        },
      ],
    });
  });
});

describe('Function: handler (http), POST /instances/{action} with a task', () => {
  const sfnMock = mockClient(SFNClient);
  const stageSwitch = pauseSwitch(sfnMock);

  beforeEach(() => {
    stageSwitch.reset();
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
  });

  async function call(event: APIGatewayProxyEventV2WithIAMAuthorizer) {
    const response = (await handler(event, aContext())) as APIGatewayProxyStructuredResultV2;
    return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') };
  }
  const as = (event: APIGatewayProxyEventV2WithIAMAuthorizer, arn: string) => {
    event.requestContext.authorizer.iam.userArn = arn;
    return event;
  };

  it('answers 403 to an rds request by a caller whose rule allows stop for ec2 only, starting nothing', async () => {
    // Act
    const { status, body } = await call(
      as(anHttpEvent('stop', JSON.stringify({ task: 'rds' })), OPERATOR),
    );

    // Assess
    expect(status).toBe(403);
    expect(body.message).toContain('may not "stop" with task "rds"');
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers 400 to a task spelled another way ("RDS"), so a case trick never reaches a run', async () => {
    // Act
    const { status, body } = await call(
      as(anHttpEvent('stop', JSON.stringify({ task: 'RDS' })), OPERATOR),
    );

    // Assess
    expect(status).toBe(400);
    expect(body.problems).toEqual([
      { field: 'task', message: 'must be one of "ec2", "rds" (default "ec2")' },
    ]);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('starts the rds run of a caller whose rule lists rds, and refuses that caller an ec2 run', async () => {
    // Act
    const rds = await call(as(anHttpEvent('stop', JSON.stringify({ task: 'rds' })), DBA));
    const ec2 = await call(as(anHttpEvent('stop', JSON.stringify({})), DBA));

    // Assess
    expect(rds.status).toBe(202);
    expect(ec2.status).toBe(403);
    expect(ec2.body.message).toContain('may not "stop" with task "ec2"');
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });
});
