/**
 * Each kind of mistake the conformance check exists to catch, planted in a copy of a packaged
 * stage (or a resources/ policy): the check must report it, in its category. The copy without
 * the plant is the control: it has no finding of that kind.
 */
import type { SpecDatabase } from '@aws-cdk/service-spec-types';
import { conformSubject } from '../../scripts/conform/conform';
import type { Category, Finding } from '../../scripts/conform/finding';
import { registry } from '../../scripts/conform/registry';
import type { ConformResource, ConformTemplate, Subject } from '../../scripts/conform/subject';
import { resourceFileSubjects } from '../../scripts/conform/subjects';
import { packaged } from '../helpers/packaged';

type Statement = Record<string, unknown>;

const firstOfType = (template: ConformTemplate, type: string): [string, ConformResource] => {
  const found = Object.entries(template.Resources).find(([, r]) => r.Type === type);
  if (!found) throw new Error(`the packaged template has no ${type}`);
  return found;
};

const propertiesOf = (resource: ConformResource) => resource.Properties as Record<string, unknown>;

/** A statement added to the first inline policy of the first role that has one. */
function withStatement(template: ConformTemplate, statement: Statement): void {
  const role = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::IAM::Role' && Array.isArray(r.Properties?.Policies),
  );
  const policies = (role?.Properties?.Policies ?? []) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  const policy = policies[0];
  if (!policy) throw new Error('no role with an inline policy');
  policy.PolicyDocument.Statement.push(statement);
}

const arnOfBus = {
  'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default',
};

/** A statement taken out of the engine state machine's role, by its Sid. */
function withoutEngineGrant(template: ConformTemplate, sid: string): void {
  const role = template.Resources.EngineStateMachineRole;
  const policies = (role?.Properties?.Policies ?? []) as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  const before = policies.flatMap((p) => p.PolicyDocument.Statement).length;
  for (const policy of policies) {
    policy.PolicyDocument.Statement = policy.PolicyDocument.Statement.filter((s) => s.Sid !== sid);
  }
  if (policies.flatMap((p) => p.PolicyDocument.Statement).length === before) {
    throw new Error(`EngineStateMachineRole has no statement ${sid}`);
  }
}

interface Plant {
  name: string;
  category: Category;
  message: RegExp;
  plant: (template: ConformTemplate) => void;
}

const PLANTS: Plant[] = [
  {
    name: 'a property name the type does not have',
    category: 'cfn-schema',
    message: /AWS::Lambda::Function has no property TimeOut/,
    plant: (t) => {
      const props = propertiesOf(firstOfType(t, 'AWS::Lambda::Function')[1]);
      props.TimeOut = props.Timeout;
      delete props.Timeout;
    },
  },
  {
    name: 'a required property left out',
    category: 'cfn-schema',
    message: /AWS::Scheduler::Schedule requires ScheduleExpression/,
    plant: (t) => {
      delete propertiesOf(firstOfType(t, 'AWS::Scheduler::Schedule')[1]).ScheduleExpression;
    },
  },
  {
    name: 'a literal of the wrong type',
    category: 'cfn-schema',
    message: /MemorySize: expected an integer, got "lots"/,
    plant: (t) => {
      propertiesOf(firstOfType(t, 'AWS::Lambda::Function')[1]).MemorySize = 'lots';
    },
  },
  {
    name: 'a value outside the allowed ones',
    category: 'cfn-schema',
    message: /State: expected one of ENABLED, DISABLED, got "ON"/,
    plant: (t) => {
      propertiesOf(firstOfType(t, 'AWS::Scheduler::Schedule')[1]).State = 'ON';
    },
  },
  {
    name: 'Fn::GetAtt of an attribute the type does not return',
    category: 'cfn-reference',
    message: /Fn::GetAtt \w+\.Arnn: AWS::Lambda::Function returns .*Arn/,
    plant: (t) => {
      const [id] = firstOfType(t, 'AWS::Lambda::Function');
      t.Outputs = { ...t.Outputs, Planted: { Value: { 'Fn::GetAtt': [id, 'Arnn'] } } };
    },
  },
  {
    name: 'a Ref to nothing',
    category: 'cfn-reference',
    message: /Ref NoSuchResource: no parameter, resource or pseudo parameter/,
    plant: (t) => {
      t.Outputs = { ...t.Outputs, Planted: { Value: { Ref: 'NoSuchResource' } } };
    },
  },
  {
    name: 'a ${name} in Fn::Sub that names nothing',
    category: 'cfn-reference',
    message: /Ref NoSuchParameter/,
    plant: (t) => {
      t.Outputs = { ...t.Outputs, Planted: { Value: { 'Fn::Sub': 'x-${NoSuchParameter}' } } };
    },
  },
  {
    name: 'a function name over 64 characters',
    category: 'name',
    message: /is 65 characters; AWS::Lambda::Function allows 1-64 \(Lambda API Reference/,
    plant: (t) => {
      propertiesOf(firstOfType(t, 'AWS::Lambda::Function')[1]).FunctionName = 'f'.repeat(65);
    },
  },
  {
    name: 'a schedule name with a character Scheduler refuses',
    category: 'name',
    message: /"weekday evening" has characters outside letters, digits and -_\./,
    plant: (t) => {
      propertiesOf(firstOfType(t, 'AWS::Scheduler::Schedule')[1]).Name = 'weekday evening';
    },
  },
  {
    name: 'two schedules with one name',
    category: 'name',
    message: /is also the Name of \w+: AWS::Scheduler::Schedule names are unique/,
    plant: (t) => {
      const schedules = Object.values(t.Resources).filter(
        (r) => r.Type === 'AWS::Scheduler::Schedule',
      );
      const [first, second] = schedules;
      if (!first || !second) throw new Error('the stage needs two schedules');
      propertiesOf(second).Name = propertiesOf(first).Name;
    },
  },
  // Names AWS keeps per account, not per region: the same stage in a second region collides.
  {
    name: 'a dashboard name without the region',
    category: 'name',
    message:
      /"xacct-ec2-test" does not name the region .*AWS::CloudWatch::Dashboard names are unique per account/,
    plant: (t) => {
      propertiesOf(firstOfType(t, 'AWS::CloudWatch::Dashboard')[1]).DashboardName =
        'xacct-ec2-test';
    },
  },
  {
    name: 'a role name without the region',
    category: 'name',
    message:
      /"xacct-ec2-test-exec" does not name the region .*AWS::IAM::Role names are unique per account/,
    plant: (t) => {
      const role = Object.values(t.Resources).find(
        (r) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName !== undefined,
      );
      if (!role) throw new Error('the stage names no role');
      propertiesOf(role).RoleName = 'xacct-ec2-test-exec';
    },
  },
  {
    name: 'a state machine definition that is not valid ASL',
    category: 'asl',
    message: /MISSING_TRANSITION_TARGET: Missing 'StartAt'\|'Next'\|'Default' target: Nowhere/,
    plant: (t) => {
      const props = propertiesOf(firstOfType(t, 'AWS::StepFunctions::StateMachine')[1]);
      const sub = (props.DefinitionString as { 'Fn::Sub': [string, unknown] })['Fn::Sub'];
      sub[0] = sub[0].replace(/"StartAt": "[^"]+"/, '"StartAt": "Nowhere"');
    },
  },
  {
    name: 'an IAM action that does not exist',
    category: 'iam',
    message: /states:StartExecutions is not an action of states/,
    plant: (t) =>
      withStatement(t, { Effect: 'Allow', Action: 'states:StartExecutions', Resource: '*' }),
  },
  {
    name: 'a condition key the action does not have',
    category: 'iam',
    message: /StringEquals sts:ExternalId is not a condition key of events:PutEvents/,
    plant: (t) =>
      withStatement(t, {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: arnOfBus,
        Condition: { StringEquals: { 'sts:ExternalId': 'x' } },
      }),
  },
  {
    name: 'a resource ARN of a form the action does not take',
    category: 'iam',
    message:
      /arn:aws:iam::222222222222:user\/ops has the form of no resource type of sts:AssumeRole/,
    plant: (t) =>
      withStatement(t, {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: 'arn:aws:iam::222222222222:user/ops',
      }),
  },
  {
    name: 'a Scheduler trust that names schedules instead of the schedule group (the pre-2023-09 form)',
    category: 'integration',
    message:
      /scheduler-to-lambda: .*only the stack has: trust: .*aws:SourceArn=arn:<partition>:scheduler:<region>:<account>:schedule\/<name>\/\*/,
    plant: (t) => {
      const target = propertiesOf(firstOfType(t, 'AWS::Scheduler::Schedule')[1]).Target as {
        RoleArn: { 'Fn::GetAtt': [string, string] };
      };
      const role = t.Resources[target.RoleArn['Fn::GetAtt'][0]];
      const trust = propertiesOf(role as ConformResource).AssumeRolePolicyDocument as {
        Statement: { Condition: { StringEquals: Record<string, unknown> } }[];
      };
      for (const statement of trust.Statement) {
        statement.Condition.StringEquals['aws:SourceArn'] = {
          'Fn::Sub':
            'arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/xacct-ec2-test/*',
        };
      }
    },
  },
  // A Task whose integration the machine's role does not grant: Step Functions is refused at
  // run time, and only on that path (the last-resort summary shipped so).
  {
    name: 'an events:putEvents Task its role may not call',
    category: 'integration',
    message:
      /state-machine-task: EngineStateMachine state LastResortSummary: the events:putEvents task needs events:PutEvents/,
    plant: (t) => withoutEngineGrant(t, 'PutRunEventsOnDefaultBus'),
  },
  {
    name: 'a Lambda Task its role may not invoke',
    category: 'integration',
    message:
      /state-machine-task: EngineStateMachine state Plan: the lambda:invoke task needs lambda:InvokeFunction/,
    plant: (t) => withoutEngineGrant(t, 'InvokeEngineFunctions'),
  },
  {
    name: 'a Task integration with no aws-cdk-lib reference to check its grants against',
    category: 'integration',
    message:
      /state-machine-task: EngineStateMachine state LastResortSummary: no aws-cdk-lib reference for the integration sqs:sendMessage/,
    plant: (t) => {
      const props = propertiesOf(firstOfType(t, 'AWS::StepFunctions::StateMachine')[1]);
      const sub = (props.DefinitionString as { 'Fn::Sub': [string, unknown] })['Fn::Sub'];
      const planted = sub[0].replace('states:::events:putEvents', 'states:::sqs:sendMessage');
      if (planted === sub[0]) throw new Error('the definition has no events:putEvents Task');
      sub[0] = planted;
    },
  },
];

describe('each kind of mistake, planted, is reported', () => {
  let db: SpecDatabase;
  let base: Subject;
  let control: Finding[];

  beforeAll(async () => {
    db = await registry();
    // The test stage: schedules in two time zones, alarms, the engine (serverless.yml).
    const stage = await packaged({ stage: 'test' });
    base = {
      name: 'stage test',
      region: stage.region,
      template: stage.template as ConformTemplate,
    };
    control = await conformSubject(base, db);
  }, 600_000);

  it.each(PLANTS)('$category: $name', async ({ category, message, plant }) => {
    // Prepare
    const template = structuredClone(base.template) as ConformTemplate;
    plant(template);

    // Act
    const findings = await conformSubject({ ...base, template }, db);

    // Assess: reported, and not already there without the plant.
    const matching = (list: Finding[]) =>
      list.filter((f) => f.category === category && message.test(`${f.where}: ${f.message}`));
    expect(matching(findings).length).toBeGreaterThan(0);
    expect(matching(control)).toEqual([]);
  });

  it('iam: an unknown action planted in a resources/ policy file', async () => {
    // Prepare
    const scp = (await resourceFileSubjects()).find((s) => s.policy !== undefined);
    if (!scp?.policy) throw new Error('resources/ has no policy file');
    const policy = structuredClone(scp.policy) as { Statement: Statement[] };
    policy.Statement.push({ Effect: 'Deny', Action: 'ec2:StopInstance', Resource: '*' });

    // Act
    const findings = await conformSubject({ ...scp, policy }, db);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        category: 'iam',
        message: 'ec2:StopInstance is not an action of ec2',
      }),
    ]);
  });
});
