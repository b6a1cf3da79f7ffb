/**
 * verify never crashes on a policy shape: statements as an object or a list, Action and Resource
 * as strings, lists or left-over intrinsics, NotAction, NotResource, NotPrincipal, unknown
 * condition operators, null blocks, odd Effects. Generated shapes go through every static check
 * of the roles; each must answer with findings, and an Allow that reaches beyond the role's
 * intent must be one of them.
 */
import fc from 'fast-check';
import type { PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import type { CfnTemplate } from '../../scripts/shared/stack/package-stage';
import type { ExecutionRole, ResolvedStage } from '../../scripts/verify/execution-role';
import { patternCovers } from '../../scripts/verify/pattern-cover';
import { checkStackRoles } from '../../scripts/verify/stack-roles';
import { checkExecutionRole, checkTargetRole } from '../../scripts/verify/static-checks';
import type { RenderedTargetRole } from '../../scripts/verify/target-role';

const HOME = '111111111111';
const MACHINE = `arn:aws:states:eu-west-1:${HOME}:stateMachine:xacct-ec2-fuzz-engine`;

const stage = {
  stage: 'fuzz',
  service: 'xacct-ec2',
  region: 'eu-west-1',
  partition: 'aws',
  homeAccountId: HOME,
  executionRole: {
    roleArn: `arn:aws:iam::${HOME}:role/xacct-ec2-fuzz-eu-west-1-exec`,
    policies: [],
  },
  config: {
    targets: [{ accountId: '222222222222', regions: ['eu-west-1'] }],
    targetRoleName: 'xacct-ec2-fuzz-target',
    controlTagKey: 'xacct-ec2:managed',
    controlTagValue: 'fuzz',
  },
} as unknown as ResolvedStage;

/** The http function on its role, the engine it starts, and the role's policy under test. */
function template(document: unknown, trust: unknown): CfnTemplate {
  return {
    Resources: {
      HttpLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: 'xacct-ec2-fuzz-http',
          Role: { 'Fn::GetAtt': ['HttpEngineRunsRole', 'Arn'] },
        },
      },
      EngineStateMachine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { StateMachineName: 'xacct-ec2-fuzz-engine' },
      },
      HttpEngineRunsRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: trust,
          Policies: [{ PolicyName: 'fuzzed', PolicyDocument: document }],
        },
      },
    },
  };
}

const actions = fc.constantFrom(
  'states:StartExecution',
  'states:DescribeExecution',
  'states:*',
  'ec2:*',
  '*',
  's3:Get*',
);
const resources = fc.constantFrom(
  MACHINE,
  '*',
  `arn:aws:states:eu-west-1:${HOME}:execution:xacct-ec2-fuzz-engine:*`,
  'arn:aws:s3:::bucket/*',
);
/** A string, a list, or something IAM would refuse (a number, null, an intrinsic left over). */
function element<T>(values: fc.Arbitrary<T>) {
  return fc.oneof(
    values,
    fc.array(values, { maxLength: 3 }),
    fc.constantFrom(7, null, { Ref: 'EngineStateMachine' }, { 'Fn::If': ['X', '*', '*'] }),
  );
}
const condition = fc.constantFrom(
  undefined,
  null,
  'x',
  { NoSuchOperator: { 'aws:SourceIp': null } },
  { StringEquals: null },
  { 'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': ['*'] } },
);
const statement = fc.record(
  {
    Sid: fc.constantFrom(undefined, 'Fuzzed', 7),
    Effect: fc.constantFrom('Allow', 'Deny', 'allow', 1, undefined),
    Action: element(actions),
    NotAction: element(actions),
    Resource: element(resources),
    NotResource: element(resources),
    Principal: fc.constantFrom(
      '*',
      { Service: 'lambda.amazonaws.com' },
      { Service: ['lambda.amazonaws.com', 'ec2.amazonaws.com'] },
      { AWS: `arn:aws:iam::${HOME}:root` },
      { AWS: `arn:aws:iam::${HOME}:role/ci` },
      7,
    ),
    NotPrincipal: fc.constantFrom({ AWS: `arn:aws:iam::${HOME}:root` }),
    Condition: condition,
  },
  { requiredKeys: [] },
);
const documentShape = fc.oneof(
  fc.record({
    Version: fc.constant('2012-10-17'),
    Statement: fc.array(statement, { maxLength: 3 }),
  }),
  fc.record({ Version: fc.constant('2012-10-17'), Statement: statement }),
  fc.constantFrom('not json', 7, null, { Statement: 'x' }, {}),
);

/** Whether the statement, as IAM reads it, allows something the http role is not meant to. */
function widens(s: Record<string, unknown>): boolean {
  if (s.Effect !== 'Allow') return false;
  if (s.NotAction !== undefined || s.NotResource !== undefined) return true;
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  const intended: [string, string][] = [
    ['states:StartExecution', MACHINE],
    ['states:DescribeExecution', `${MACHINE.replace(':stateMachine:', ':execution:')}:*`],
  ];
  return list(s.Action).some((a) =>
    list(s.Resource).some(
      (r) =>
        typeof a !== 'string' ||
        typeof r !== 'string' ||
        !intended.some(([ia, ir]) => patternCovers(ia, a, true) && patternCovers(ir, r)),
    ),
  );
}

describe('verify: odd policy shapes', () => {
  it('answers every generated shape with findings, never an exception, and finds each widening', () => {
    fc.assert(
      fc.property(documentShape, documentShape, (document, trust) => {
        // Act
        const findings = checkStackRoles(template(document, trust), stage);

        // Assess
        expect(Array.isArray(findings)).toBe(true);
        const statements =
          typeof document === 'object' && document !== null && 'Statement' in document
            ? [document.Statement].flat()
            : [];
        if (statements.some((s) => typeof s === 'object' && s !== null && widens(s))) {
          expect(findings.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('runs the execution role and target role checks on the same shapes without throwing', () => {
    fc.assert(
      fc.property(documentShape, documentShape, (document, trust) => {
        // Prepare
        const named = (name: string, policy: unknown) => ({
          name,
          source: 'fuzz',
          policy: policy as PolicyDocument,
        });
        const executionRole: ExecutionRole = {
          logicalId: 'IamRoleLambdaExecution',
          roleName: 'xacct-ec2-fuzz-eu-west-1-exec',
          roleArn: `arn:aws:iam::${HOME}:role/xacct-ec2-fuzz-eu-west-1-exec`,
          trustPolicy: named('trust', trust),
          policies: [named('policy', document)],
          managedPolicyArns: [],
        };
        const targetRole: RenderedTargetRole = {
          accountId: '222222222222',
          roleName: 'xacct-ec2-fuzz-target',
          roleArn: 'arn:aws:iam::222222222222:role/xacct-ec2-fuzz-target',
          trustPolicy: named('trust', trust),
          permissionPolicies: [named('policy', document)],
        };

        // Act / Assess
        expect(() => checkExecutionRole(executionRole)).not.toThrow();
        expect(() =>
          checkTargetRole(targetRole, {
            control: { key: 'xacct-ec2:managed', value: 'fuzz' },
            externalId: 'x-id',
          }),
        ).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
