/**
 * The stage switch's least-privilege policy (resources/home-stack/roles/operator-policy.ts): what it
 * allows and refuses, alone and under the shipped home-account SCP, decided by the evaluator
 * verify uses; and the README shows exactly this document.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { switchOperatorPolicy } from '../../resources/home-stack/roles/operator-policy';
import type { NamedPolicy, PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { simulate } from '../../scripts/verify/simulate';

const HOME = '111111111111';
const REGION = 'eu-west-1';
const SCOPE = { accountId: HOME, region: REGION, service: 'xacct-ec2', stage: 'prod' };
const PROD_SCHEDULE = `arn:aws:scheduler:${REGION}:${HOME}:schedule/xacct-ec2-prod/xacct-ec2-prod-stop`;
const SCHEDULER_ROLE = `arn:aws:iam::${HOME}:role/xacct-ec2-prod-SchedulerInvokeRole-1A2B3C4D5E6F`;
const ENGINE = `arn:aws:states:${REGION}:${HOME}:stateMachine:xacct-ec2-prod-engine`;
const RUN = `arn:aws:states:${REGION}:${HOME}:execution:xacct-ec2-prod-engine:weekday-evening-stop-20261201T180000Z`;

const operatorPolicy: NamedPolicy = {
  name: 'stage-switch',
  source: 'resources/home-stack/roles/operator-policy.ts',
  policy: switchOperatorPolicy(SCOPE),
};
const fullAwsAccess: NamedPolicy = {
  name: 'FullAWSAccess',
  source: 'AWS default SCP',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};
const homeScp: NamedPolicy = {
  name: 'scp-home-deployment.json',
  source: 'resources/scp-home-deployment.json',
  policy: JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'resources', 'scp-home-deployment.json'), 'utf8'),
  ) as PolicyDocument,
};

function asRole(
  role: string,
  action: string,
  resourceArn: string,
  options: { context?: Record<string, string | string[]>; scp?: boolean } = {},
) {
  return simulate({
    principal: `arn:aws:sts::${HOME}:assumed-role/${role}/alice`,
    action,
    resourceArn,
    resourceAccountId: HOME,
    context: {
      'aws:PrincipalArn': `arn:aws:iam::${HOME}:role/${role}`,
      'aws:RequestedRegion': REGION,
      ...options.context,
    },
    identityPolicies: [operatorPolicy],
    ...(options.scp ? { serviceControlPolicies: [fullAwsAccess, homeScp] } : {}),
  });
}

const PASSED_TO_SCHEDULER = { 'iam:PassedToService': 'scheduler.amazonaws.com' };

describe('Stage switch: the operator policy', () => {
  it.each([
    ['scheduler:ListSchedules', '*', {}],
    ['scheduler:GetSchedule', PROD_SCHEDULE, {}],
    ['scheduler:UpdateSchedule', PROD_SCHEDULE, {}],
    ['iam:PassRole', SCHEDULER_ROLE, PASSED_TO_SCHEDULER],
    ['states:ListExecutions', ENGINE, {}],
    ['states:StopExecution', RUN, {}],
  ])('allows %s on %s', async (action, resource, context) => {
    // Act
    const decision = await asRole('ops-oncall', action, resource, { context });

    // Assess
    expect(decision.result).toBe('Allowed');
  });

  it.each([
    [
      'scheduler:UpdateSchedule',
      `arn:aws:scheduler:${REGION}:${HOME}:schedule/xacct-ec2-dev/xacct-ec2-dev-stop`,
      {},
    ],
    ['scheduler:DeleteSchedule', PROD_SCHEDULE, {}],
    ['iam:PassRole', SCHEDULER_ROLE, { 'iam:PassedToService': 'lambda.amazonaws.com' }],
    [
      'iam:PassRole',
      `arn:aws:iam::${HOME}:role/xacct-ec2-prod-eu-west-1-exec`,
      PASSED_TO_SCHEDULER,
    ],
    ['states:StartExecution', ENGINE, {}],
    [
      'states:StopExecution',
      `arn:aws:states:${REGION}:${HOME}:execution:xacct-ec2-dev-engine:run`,
      {},
    ],
  ])('refuses %s on %s', async (action, resource, context) => {
    // Act
    const decision = await asRole('ops-oncall', action, resource, { context });

    // Assess
    expect(decision.result).toBe('ImplicitlyDenied');
  });

  it('pauses nothing under the shipped home SCP unless the caller is the deploy role', async () => {
    // Act
    const onCall = await asRole('ops-oncall', 'scheduler:UpdateSchedule', PROD_SCHEDULE, {
      scp: true,
    });
    const deployer = await asRole('xacct-ec2-deployer', 'scheduler:UpdateSchedule', PROD_SCHEDULE, {
      scp: true,
    });
    const onCallStops = await asRole('ops-oncall', 'states:StopExecution', RUN, { scp: true });

    // Assess
    expect(onCall.result).toBe('ExplicitlyDenied');
    expect(deployer.result).toBe('Allowed');
    expect(onCallStops.result).toBe('Allowed');
  });

  it('is the document scripts/switch/README.md shows', () => {
    // Prepare
    const readme = readFileSync(path.join(REPO_ROOT, 'scripts/switch/README.md'), 'utf8');
    const block = /```json\n([\s\S]*?)\n```/.exec(readme)?.[1];

    // Act / Assess
    expect(JSON.parse(block ?? 'null')).toEqual(
      switchOperatorPolicy({ ...SCOPE, accountId: '111111111111', region: 'eu-west-1' }),
    );
  });
});

describe('Stage switch: who may pause and resume (the pause tags on the engine)', () => {
  const PAUSE_KEYS = ['xacct-ec2:paused-by', 'xacct-ec2:paused-at', 'xacct-ec2:paused-reason'];

  it.each([
    ['states:TagResource', PAUSE_KEYS],
    ['states:UntagResource', PAUSE_KEYS],
  ])('the operator may %s with the pause keys', async (action, keys) => {
    // Act
    const decision = await asRole('ops-oncall', action, ENGINE, {
      context: { 'aws:TagKeys': keys },
    });

    // Assess
    expect(decision.result).toBe('Allowed');
  });

  it.each([
    ['another tag key beside the pause keys', ENGINE, [...PAUSE_KEYS, 'team']],
    ['a key that differs by case', ENGINE, ['XACCT-EC2:paused-by']],
    ['the engine of another stage', ENGINE.replace('-prod-', '-dev-'), PAUSE_KEYS],
  ])('the operator may not tag %s', async (_, resource, keys) => {
    // Act
    const decision = await asRole('ops-oncall', 'states:TagResource', resource, {
      context: { 'aws:TagKeys': keys },
    });

    // Assess
    expect(decision.result).toBe('ImplicitlyDenied');
  });
});
