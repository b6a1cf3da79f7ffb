/**
 * Each service integration the stack wires, compared with the same integration written with
 * aws-cdk-lib's L2 constructs (reference-stack.ts): the trust and permissions of the role a
 * service uses, and the resource and key policies a service publishes through, reduced to their
 * shape (iam-shape.ts). Found in the template by what it does, never by a logical ID:
 *
 * - Scheduler -> target: each schedule's Target.RoleArn role (trust, and the target service's
 *   actions), against aws-scheduler-targets (LambdaInvoke, StepFunctionsStartExecution);
 * - Distributed Map parent: the role of each state machine with a DISTRIBUTED Map, against
 *   sfn.DistributedMap in a StateMachine;
 * - encrypted topic: the service statements of the topic policy and key policy of each
 *   KMS-encrypted topic that an alarm or a rule publishes to, against SnsAction + SnsTopic;
 * - Lambda -> EventBridge: every events:PutEvents grant, against EventBus.grantPutEventsTo;
 * - state machine tasks: each Task state's integration (its Resource) against a machine with the
 *   same task written with aws-stepfunctions-tasks: every action aws-cdk-lib grants for it must
 *   be allowed by the machine's role, and an integration with no such reference is a finding.
 *
 * A line on one side only is a finding, unless deliberate.ts lists it with its reason.
 */
import type { SpecDatabase } from '@aws-cdk/service-spec-types';
import { actionMatch } from '../shared/iam-wildcard';
import { definitionOf } from './asl';
import { isRecord, walk } from './cfn-shape';
import { DELIBERATE, type DeliberateDifference, type Integration } from './deliberate';
import type { Finding } from './finding';
import { shapeLines, statementsOf } from './iam-shape';
import { REFERENCE, referenceTemplate } from './reference-stack';
import { resolveTemplate } from './resolve';
import type { ConformResource, ConformTemplate } from './subject';

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

type Resources = Record<string, ConformResource>;

const propsOf = (resource: ConformResource | undefined) => resource?.Properties ?? {};

/** The role an ARN names (`arn:...:role/<path/>name`), by its RoleName or placeholder name. */
function roleByArn(resources: Resources, arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  return Object.entries(resources).find(
    ([id, r]) => r.Type === 'AWS::IAM::Role' && (propsOf(r).RoleName ?? id) === name,
  )?.[0];
}

function trustOf(resources: Resources, roleId: string): unknown[] {
  return statementsOf(propsOf(resources[roleId]).AssumeRolePolicyDocument);
}

/** Inline policies of the role and the AWS::IAM::Policy resources attached to it. */
function permissionsOf(resources: Resources, roleId: string): unknown[] {
  const role = propsOf(resources[roleId]);
  const name = role.RoleName ?? roleId;
  const inline = list(role.Policies).flatMap((p) =>
    isRecord(p) ? statementsOf(p.PolicyDocument) : [],
  );
  const attached = Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && list(propsOf(r).Roles).includes(name))
    .flatMap((r) => statementsOf(propsOf(r).PolicyDocument));
  return [...inline, ...attached];
}

const isServiceStatement = (s: unknown) =>
  isRecord(s) && isRecord(s.Principal) && s.Principal.Service !== undefined;

interface Wiring {
  integration: Integration;
  /** What in the stack: `SchedulerInvokeRole`. */
  where: string;
  stack: string[];
  reference: string[];
}

function roleLines(resources: Resources, roleId: string, keep: (a: string) => boolean): string[] {
  return [
    ...shapeLines(trustOf(resources, roleId)).map((l) => `trust: ${l}`),
    ...shapeLines(permissionsOf(resources, roleId), keep).map((l) => `permission: ${l}`),
  ];
}

function schedulerWirings(ours: Resources, ref: Resources): Wiring[] {
  const seen = new Map<string, Wiring>();
  for (const resource of Object.values(ours)) {
    if (resource.Type !== 'AWS::Scheduler::Schedule') continue;
    const target = propsOf(resource).Target;
    if (!isRecord(target) || typeof target.Arn !== 'string') continue;
    const service = target.Arn.split(':')[2] ?? '';
    const roleId = roleByArn(ours, target.RoleArn);
    const refSchedule =
      service === 'states' ? REFERENCE.stateMachineSchedule : REFERENCE.lambdaSchedule;
    const refTarget = propsOf(ref[refSchedule]).Target;
    const refRole = roleByArn(ref, isRecord(refTarget) ? refTarget.RoleArn : undefined);
    if (!roleId || !refRole || seen.has(`${roleId}:${service}`)) continue;
    const keep = (action: string) => action.startsWith(`${service}:`);
    seen.set(`${roleId}:${service}`, {
      integration: service === 'states' ? 'scheduler-to-state-machine' : 'scheduler-to-lambda',
      where: roleId,
      stack: roleLines(ours, roleId, keep),
      reference: roleLines(ref, refRole, keep),
    });
  }
  return [...seen.values()];
}

function hasDistributedMap(properties: Record<string, unknown>): boolean {
  let found = false;
  try {
    walk(definitionOf(properties), '', (node) => {
      const config =
        isRecord(node) && isRecord(node.ItemProcessor)
          ? node.ItemProcessor.ProcessorConfig
          : undefined;
      if (
        node &&
        isRecord(node) &&
        node.Type === 'Map' &&
        isRecord(config) &&
        config.Mode === 'DISTRIBUTED'
      )
        found = true;
    });
  } catch {
    return false; // The ASL check reports a definition it cannot read.
  }
  return found;
}

function distributedMapWirings(ours: Resources, ref: Resources): Wiring[] {
  const refRole = roleByArn(ref, propsOf(ref[REFERENCE.distributedMapMachine]).RoleArn);
  if (!refRole) return [];
  return Object.entries(ours)
    .filter(
      ([, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && hasDistributedMap(propsOf(r)),
    )
    .flatMap(([id, r]) => {
      const roleId = roleByArn(ours, propsOf(r).RoleArn);
      if (!roleId) return [];
      // The Map's own grants are Step Functions actions; what its Task states call (functions,
      // EventBridge) is checked per task against its own reference (taskGrantFindings).
      const keep = (action: string) => action.startsWith('states:');
      return [
        {
          integration: 'distributed-map-parent' as const,
          where: `${id} role ${roleId}`,
          stack: roleLines(ours, roleId, keep),
          reference: roleLines(ref, refRole, keep),
        },
      ];
    });
}

/** Service statements of the topic's policies and of its key's policy. */
function topicLines(resources: Resources, topicId: string): string[] {
  const topicArn = Object.entries(resources).length > 0 ? topicArnOf(resources, topicId) : '';
  const policies = Object.values(resources).filter(
    (r) => r.Type === 'AWS::SNS::TopicPolicy' && list(propsOf(r).Topics).includes(topicArn),
  );
  const topicStatements = policies
    .flatMap((p) => statementsOf(propsOf(p).PolicyDocument))
    .filter(isServiceStatement);
  const keyRef = String(propsOf(resources[topicId]).KmsMasterKeyId ?? '');
  const keyId = Object.keys(resources).find(
    (id) => resources[id]?.Type === 'AWS::KMS::Key' && keyRef.includes(`keyid-${id.toLowerCase()}`),
  );
  const keyStatements = keyId
    ? statementsOf(propsOf(resources[keyId]).KeyPolicy).filter(isServiceStatement)
    : [];
  return [
    ...shapeLines(topicStatements).map((l) => `topic policy: ${l}`),
    ...shapeLines(keyStatements).map((l) => `key policy: ${l}`),
  ];
}

function topicArnOf(resources: Resources, topicId: string): string {
  // Alarms and rules name the topic by its ARN; find which ARN belongs to this topic.
  const name = propsOf(resources[topicId]).TopicName ?? topicId;
  const arns = Object.values(resources).flatMap((r) => [
    ...list(propsOf(r).AlarmActions),
    ...list(propsOf(r).Targets).map((t) => (isRecord(t) ? t.Arn : undefined)),
    ...list(propsOf(r).Topics),
  ]);
  return (
    (arns.find((a) => typeof a === 'string' && a.endsWith(`:${String(name)}`)) as
      | string
      | undefined) ?? ''
  );
}

function encryptedTopicWirings(ours: Resources, ref: Resources): Wiring[] {
  return Object.entries(ours)
    .filter(
      ([id, r]) =>
        r.Type === 'AWS::SNS::Topic' &&
        propsOf(r).KmsMasterKeyId !== undefined &&
        topicArnOf(ours, id) !== '',
    )
    .map(([id]) => ({
      integration: 'encrypted-topic' as const,
      where: id,
      stack: topicLines(ours, id),
      reference: topicLines(ref, REFERENCE.topic),
    }));
}

function putEventsWirings(ours: Resources, ref: Resources): Wiring[] {
  const refRole = roleByArn(ref, propsOf(ref[REFERENCE.function]).Role);
  if (!refRole) return [];
  const keep = (action: string) => action === 'events:PutEvents';
  const reference = shapeLines(permissionsOf(ref, refRole), keep);
  return Object.entries(ours)
    .filter(
      ([id, r]) =>
        r.Type === 'AWS::IAM::Role' && shapeLines(permissionsOf(ours, id), keep).length > 0,
    )
    .map(([id]) => ({
      integration: 'lambda-to-eventbridge' as const,
      where: id,
      stack: shapeLines(permissionsOf(ours, id), keep),
      reference,
    }));
}

/**
 * The reference machine of each Task integration, by its Resource: `arn:aws:states:::<service>:
 * <action>` (an optimised integration), or a function's ARN, which Step Functions invokes as
 * `lambda:invoke` does (Step Functions Developer Guide, "Invoke an AWS Lambda function with Step
 * Functions": both need lambda:InvokeFunction).
 */
const TASK_REFERENCES: Record<string, string> = {
  'lambda:invoke': REFERENCE.lambdaTaskMachine,
  'events:putEvents': REFERENCE.putEventsTaskMachine,
};

function integrationOf(resource: unknown): string {
  if (typeof resource !== 'string') return JSON.stringify(resource);
  const optimised = /^arn:[^:]+:states:::(.+)$/.exec(resource);
  if (optimised) return optimised[1] as string;
  if (/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(resource)) return 'lambda:invoke';
  return resource;
}

/** Task states of a definition, nested ones included: [state name, Resource]. */
function taskStates(definition: unknown): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = [];
  walk(definition, '', (node, path) => {
    if (isRecord(node) && node.Type === 'Task') {
      found.push([path.slice(path.lastIndexOf('.') + 1), node.Resource]);
    }
  });
  return found;
}

const allowedActions = (statements: unknown[]) =>
  statements.flatMap((s) =>
    isRecord(s) && s.Effect === 'Allow'
      ? list(s.Action).filter((a): a is string => typeof a === 'string')
      : [],
  );

function taskGrantFindings(subject: string, ours: Resources, ref: Resources): Finding[] {
  const findings: Finding[] = [];
  for (const [machineId, machine] of Object.entries(ours)) {
    if (machine.Type !== 'AWS::StepFunctions::StateMachine') continue;
    let definition: unknown;
    try {
      definition = definitionOf(propsOf(machine));
    } catch {
      continue; // The ASL check reports a definition it cannot read.
    }
    const roleId = roleByArn(ours, propsOf(machine).RoleArn);
    const allowed = roleId ? allowedActions(permissionsOf(ours, roleId)) : [];
    for (const [state, resource] of taskStates(definition)) {
      const integration = integrationOf(resource);
      const where = `state-machine-task: ${machineId} state ${state}`;
      const referenceMachine = TASK_REFERENCES[integration];
      const refRole = referenceMachine
        ? roleByArn(ref, propsOf(ref[referenceMachine]).RoleArn)
        : undefined;
      if (!refRole) {
        findings.push({
          category: 'integration',
          subject,
          where,
          message: `no aws-cdk-lib reference for the integration ${integration}: add its task construct to scripts/conform/reference-stack.ts (TASK_REFERENCES), so the role's grants for it are checked`,
        });
        continue;
      }
      for (const action of new Set(allowedActions(permissionsOf(ref, refRole)))) {
        if (allowed.some((pattern) => actionMatch(pattern, action))) continue;
        findings.push({
          category: 'integration',
          subject,
          where,
          message: `the ${integration} task needs ${action} (aws-cdk-lib grants it for the same task); the role ${roleId ?? '(none found)'} does not allow it`,
        });
      }
    }
  }
  return findings;
}

const referenceCache = new Map<string, Resources>();

function resolvedReference(region: string, db: SpecDatabase): Resources {
  let resources = referenceCache.get(region);
  if (!resources) {
    const [resolved] = resolveTemplate(
      { name: 'aws-cdk-lib reference', region, template: referenceTemplate(region) },
      db,
    );
    if (!resolved || resolved.failures.length > 0) {
      throw new Error(
        `the aws-cdk-lib reference stack did not resolve: ${JSON.stringify(resolved?.failures)}`,
      );
    }
    resources = resolved.template.Resources;
    referenceCache.set(region, resources);
  }
  return resources;
}

/** Entries of deliberate.ts that some comparison matched in this process (the rest are stale). */
export const usedDeliberate = new Set<DeliberateDifference>();

export function checkIntegrations(
  subject: string,
  resolved: ConformTemplate,
  db: SpecDatabase,
  region: string,
): Finding[] {
  const ours = resolved.Resources;
  const ref = resolvedReference(region, db);
  const wirings = [
    ...schedulerWirings(ours, ref),
    ...distributedMapWirings(ours, ref),
    ...encryptedTopicWirings(ours, ref),
    ...putEventsWirings(ours, ref),
  ];
  const findings: Finding[] = taskGrantFindings(subject, ours, ref);
  for (const wiring of wirings) {
    const differences = [
      ...wiring.stack
        .filter((l) => !wiring.reference.includes(l))
        .map((line) => ({ side: 'stack' as const, line })),
      ...wiring.reference
        .filter((l) => !wiring.stack.includes(l))
        .map((line) => ({ side: 'aws-cdk-lib' as const, line })),
    ];
    for (const { side, line } of differences) {
      const deliberate = DELIBERATE.find(
        (d) => d.integration === wiring.integration && d.side === side && d.line === line,
      );
      if (deliberate) {
        usedDeliberate.add(deliberate);
        continue;
      }
      findings.push({
        category: 'integration',
        subject,
        where: `${wiring.integration}: ${wiring.where}`,
        message:
          side === 'stack'
            ? `only the stack has: ${line}`
            : `aws-cdk-lib has, the stack lacks: ${line}`,
      });
    }
  }
  return findings;
}
