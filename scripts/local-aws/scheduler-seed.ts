/**
 * The stage's schedules for the local Scheduler, read from its packaged CloudFormation (the
 * AWS::Scheduler::Schedule resources), with the intrinsics a deploy would resolve: Ref of the
 * schedule group, Fn::GetAtt Arn of the function, the invoke role and the dead-letter queue.
 */
import { generatedRoleName } from '../shared/stack/cfn-names';
import type { CfnTemplate } from '../shared/stack/package-stage';
import type { ScheduleSeed, ScheduleState } from './scheduler-store';

export interface TemplateContext {
  accountId: string;
  region: string;
  /** The stack's name (osls: `<service>-<stage>`): CloudFormation names unnamed roles after it. */
  stackName: string;
}

export class SchedulerSeedError extends Error {
  override name = 'SchedulerSeedError';
}

export function schedulesFromTemplate(
  template: CfnTemplate,
  context: TemplateContext,
): ScheduleSeed[] {
  const resolve = (value: unknown, where: string): unknown =>
    resolveValue(template, context, value, where);
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Scheduler::Schedule')
    .map(([id, resource]) => {
      const p = (resolve(resource.Properties ?? {}, id) ?? {}) as Record<string, unknown>;
      const str = (field: string) =>
        typeof p[field] === 'string' ? (p[field] as string) : undefined;
      const name = str('Name');
      const expression = str('ScheduleExpression');
      if (!name || !expression)
        throw new SchedulerSeedError(`${id}: no Name or ScheduleExpression`);
      const timezone = str('ScheduleExpressionTimezone');
      const description = str('Description');
      return {
        accountId: context.accountId,
        region: context.region,
        group: str('GroupName') ?? 'default',
        name,
        scheduleExpression: expression,
        ...(timezone ? { scheduleExpressionTimezone: timezone } : {}),
        ...(description !== undefined ? { description } : {}),
        state: (str('State') ?? 'ENABLED') as ScheduleState,
        flexibleTimeWindow: p.FlexibleTimeWindow as ScheduleSeed['flexibleTimeWindow'],
        target: p.Target as Record<string, unknown>,
      };
    });
}

function resolveValue(
  template: CfnTemplate,
  context: TemplateContext,
  value: unknown,
  where: string,
): unknown {
  if (Array.isArray(value))
    return value.map((v, i) => resolveValue(template, context, v, `${where}[${i}]`));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
    return intrinsic(template, context, first[0], first[1], where);
  }
  return Object.fromEntries(
    entries.map(([k, v]) => [k, resolveValue(template, context, v, `${where}.${k}`)]),
  );
}

function intrinsic(
  template: CfnTemplate,
  context: TemplateContext,
  fn: string,
  arg: unknown,
  where: string,
): string {
  const { accountId, region } = context;
  if (fn === 'Ref' && typeof arg === 'string') {
    const resource = template.Resources[arg];
    const named = resource?.Properties?.Name;
    if (resource?.Type === 'AWS::Scheduler::ScheduleGroup' && typeof named === 'string')
      return named;
  }
  if (fn === 'Fn::GetAtt' && Array.isArray(arg) && arg[1] === 'Arn' && typeof arg[0] === 'string') {
    const resource = template.Resources[arg[0]];
    const props = resource?.Properties ?? {};
    switch (resource?.Type) {
      case 'AWS::Lambda::Function':
        if (typeof props.FunctionName === 'string') {
          return `arn:aws:lambda:${region}:${accountId}:function:${props.FunctionName}`;
        }
        break;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${accountId}:role/${typeof props.RoleName === 'string' ? props.RoleName : generatedRoleName(context.stackName, arg[0])}`;
      case 'AWS::SQS::Queue':
        if (typeof props.QueueName === 'string')
          return `arn:aws:sqs:${region}:${accountId}:${props.QueueName}`;
        break;
    }
  }
  throw new SchedulerSeedError(
    `${where}: cannot resolve ${fn} ${JSON.stringify(arg)} for the local Scheduler`,
  );
}
