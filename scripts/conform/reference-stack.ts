/**
 * The same service integrations as the stack wires, written with aws-cdk-lib's L2 constructs and
 * synthesized offline: the IAM that AWS's own constructs give each integration is the reference
 * the stack's IAM is compared with (integrations.ts).
 */
import { App, type CfnResource, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { PLACEHOLDER_ACCOUNT } from './resolve';
import type { ConformTemplate } from './subject';

/** Logical IDs the comparison looks up in the reference template. */
export const REFERENCE = {
  function: 'Function',
  lambdaSchedule: 'LambdaSchedule',
  stateMachineSchedule: 'StateMachineSchedule',
  distributedMapMachine: 'DistributedMapMachine',
  /** One Task state each, by the integration its Resource names (integrations.ts, TASK_REFERENCES). */
  lambdaTaskMachine: 'LambdaTaskMachine',
  putEventsTaskMachine: 'PutEventsTaskMachine',
  topic: 'Topic',
  key: 'TopicKey',
} as const;

const cache = new Map<string, ConformTemplate>();

export function referenceTemplate(region: string): ConformTemplate {
  const cached = cache.get(region);
  if (cached) return cached;
  const app = new App();
  const stack = new Stack(app, 'Reference', {
    env: { account: PLACEHOLDER_ACCOUNT, region },
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
  });
  const id = (construct: Construct, logicalId: string) =>
    (construct.node.defaultChild as CfnResource).overrideLogicalId(logicalId);

  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_LATEST,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  id(fn, REFERENCE.function);
  const group = new scheduler.ScheduleGroup(stack, 'Group', { scheduleGroupName: 'group' });
  const cron = scheduler.ScheduleExpression.cron({ hour: '19', minute: '0' });
  id(
    new scheduler.Schedule(stack, 'ToLambda', {
      schedule: cron,
      scheduleGroup: group,
      target: new schedulerTargets.LambdaInvoke(fn, {}),
    }),
    REFERENCE.lambdaSchedule,
  );

  // Scheduler -> Step Functions, and a parent whose Distributed Map runs child workflows.
  const map = new sfn.DistributedMap(stack, 'Act', { maxConcurrency: 4 });
  map.itemProcessor(new tasks.LambdaInvoke(stack, 'Work', { lambdaFunction: fn }), {
    mode: sfn.ProcessorMode.DISTRIBUTED,
    executionType: sfn.ProcessorType.EXPRESS,
  });
  const machine = new sfn.StateMachine(stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(map),
  });
  id(machine, REFERENCE.distributedMapMachine);
  id(
    new scheduler.Schedule(stack, 'ToMachine', {
      schedule: cron,
      scheduleGroup: group,
      target: new schedulerTargets.StepFunctionsStartExecution(machine, {}),
    }),
    REFERENCE.stateMachineSchedule,
  );

  // An encrypted topic that an alarm and a rule publish to.
  const key = new kms.Key(stack, 'Key');
  id(key, REFERENCE.key);
  const topic = new sns.Topic(stack, 'SignalsTopic', { masterKey: key });
  id(topic, REFERENCE.topic);
  new cloudwatch.Alarm(stack, 'Alarm', {
    metric: new cloudwatch.Metric({ namespace: 'Reference', metricName: 'Errors' }),
    threshold: 1,
    evaluationPeriods: 1,
  }).addAlarmAction(new cloudwatchActions.SnsAction(topic));
  new events.Rule(stack, 'Rule', { eventPattern: { source: ['reference'] } }).addTarget(
    new eventsTargets.SnsTopic(topic),
  );

  // One state machine per Task integration the engine's definition uses, each with that Task
  // alone: the grants aws-cdk-lib gives its role are what the integration needs.
  id(
    new sfn.StateMachine(stack, 'LambdaTask', {
      definitionBody: sfn.DefinitionBody.fromChainable(
        new tasks.LambdaInvoke(stack, 'Invoke', { lambdaFunction: fn }),
      ),
    }),
    REFERENCE.lambdaTaskMachine,
  );
  id(
    new sfn.StateMachine(stack, 'PutEventsTask', {
      definitionBody: sfn.DefinitionBody.fromChainable(
        new tasks.EventBridgePutEvents(stack, 'PutEvents', {
          entries: [
            { detail: sfn.TaskInput.fromObject({}), detailType: 'reference', source: 'reference' },
          ],
        }),
      ),
    }),
    REFERENCE.putEventsTaskMachine,
  );

  // Lambda -> EventBridge PutEvents on the default bus.
  events.EventBus.fromEventBusName(stack, 'DefaultBus', 'default').grantPutEventsTo(fn);

  const template = Template.fromStack(stack).toJSON() as ConformTemplate;
  cache.set(region, template);
  return template;
}
