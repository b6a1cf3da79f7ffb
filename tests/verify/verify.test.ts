/**
 * verify over the real documents: every stage in serverless.yml must pass, guardrails and
 * options must show up in the result, and each breakage of the real documents must fail with
 * the hint that names the statement to fix. Each stage, and serverless.yml with a wildcard
 * AssumeRole resource, is packaged once for the slow set (tests/helpers/packaged.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PolicyStatement } from '../../resources/home-stack/roles/policy-document';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import type { PackagedStage } from '../../scripts/shared/stack/package-stage';
import { configuredStages } from '../../scripts/shared/stack/stages';
import { HINTS, hintText } from '../../scripts/verify/hints';
import { formatReport } from '../../scripts/verify/report';
import { type VerifyOptions, type VerifyReport, verify } from '../../scripts/verify/run-verify';
import type { WorldPolicy } from '../../scripts/verify/world';
import { packaged as packagedDocuments, wideAssumeServerlessYml } from '../helpers/packaged';
import {
  dropPermissionCondition,
  dropTrustCondition,
  dropTrustStatement,
  targetTemplate,
} from './documents';

const STAGES = configuredStages();
// verify runs the matrix and the shipped guardrails' rows per stage: seconds on a loaded machine.
jest.setTimeout(120_000);
const packaged = new Map<string, PackagedStage>();
let wideAssume: PackagedStage;

beforeAll(async () => {
  const [stages, wide] = await Promise.all([
    Promise.all(STAGES.map((stage) => packagedDocuments({ stage }))),
    packagedDocuments({ stage: 'test', serverlessYml: wideAssumeServerlessYml() }),
  ]);
  for (const p of stages) packaged.set(p.stage, p);
  wideAssume = wide;
}, 180_000);

function run(options: VerifyOptions = {}, stage?: PackagedStage): Promise<VerifyReport> {
  return verify({
    stages: ['test'],
    ...options,
    documents: {
      packaged: async (s) => {
        const found = stage ?? packaged.get(s);
        if (!found) throw new Error(`stage ${s} was not packaged`);
        return found;
      },
      ...options.documents,
    },
  });
}

/** The packaged test stage with one change to its execution role's statement `sid`. */
function withExecutionStatement(
  sid: string,
  change: (statements: Record<string, unknown>[]) => void,
) {
  const modified = structuredClone(packaged.get('test'));
  if (!modified) throw new Error('stage test was not packaged');
  const role = modified.template.Resources.IamRoleLambdaExecution?.Properties as {
    Policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
  };
  const policy = role.Policies.find((p) => p.PolicyDocument.Statement.some((st) => st.Sid === sid));
  if (!policy) throw new Error(`statement ${sid} is no longer in the execution role`);
  change(policy.PolicyDocument.Statement);
  return modified;
}

const mismatches = (report: VerifyReport) =>
  report.stages.flatMap((s) => s.cases.filter((c) => !c.ok));
const mismatchIds = (report: VerifyReport) =>
  [...new Set(mismatches(report).map((c) => c.id))].sort();
const findings = (report: VerifyReport) => report.stages.flatMap((s) => s.findings);

describe('Function: verify', () => {
  it('passes the full matrix for every stage in serverless.yml', async () => {
    // Prepare
    const options = { stages: STAGES };

    // Act
    const report = await run(options);

    // Assess
    expect(report.stages.map((s) => s.stage)).toEqual(STAGES);
    expect(mismatches(report)).toEqual([]);
    expect(findings(report)).toEqual([]);
    expect(report.ok).toBe(true);
    for (const stage of report.stages) {
      const allowed = stage.cases.filter((c) => c.id === 'assume/from-function');
      expect(allowed).toHaveLength(stage.functions.length * stage.targets.length);
    }
    expect(formatReport(report)).toMatch(/\nverify: PASS — \d+ cases as expected/);
  });

  it('proves each expected allow and deny for a target with an ExternalId', async () => {
    // Prepare
    const expected = {
      'assume/from-function': 'Allowed',
      'assume/outside-function': 'Denied',
      'assume/other-function': 'Denied',
      'assume/wrong-external-id': 'Denied',
      'assume/missing-external-id': 'Denied',
      'assume/other-home-role': 'Denied',
      'assume/home-user': 'Denied',
      'assume/home-root': 'Denied',
      'assume/third-account': 'Denied',
      'assume/unlisted-role': 'Denied',
      'ec2/describe': 'Allowed',
      'ec2/start-tagged': 'Allowed',
      'ec2/stop-tagged': 'Allowed',
      'ec2/start-untagged': 'Denied',
      'ec2/stop-wrong-tag': 'Denied',
      'forbidden/ec2:TerminateInstances': 'Denied',
      'forbidden/ec2:CreateTags': 'Denied',
      'forbidden/ec2:DeleteTags': 'Denied',
      'forbidden/ec2:RunInstances': 'Denied',
      'forbidden/ec2:ModifyInstanceAttribute': 'Denied',
      'forbidden/iam:PassRole': 'Denied',
      'forbidden/iam:CreateUser': 'Denied',
      'kms/grant-for-ec2': 'Allowed',
      'kms/grant-not-for-aws-resource': 'Denied',
      'kms/grant-via-other-service': 'Denied',
      'kms/grant-other-key': 'Denied',
      'exec/ec2-direct': 'Denied',
    };

    // Act
    const report = await run();

    // Assess
    const cases =
      report.stages[0]?.cases.filter(
        (c) => c.target === '222222222222' || c.id === 'exec/ec2-direct',
      ) ?? [];
    for (const [id, outcome] of Object.entries(expected)) {
      const matching = cases.filter((c) => c.id === id);
      expect({ id, found: matching.length > 0 }).toEqual({ id, found: true });
      for (const c of matching)
        expect({ id, actual: c.actual === 'Allowed' ? 'Allowed' : 'Denied' }).toEqual({
          id,
          actual: outcome,
        });
    }
  });

  it('proves the Organization and the given KMS key when asked to', async () => {
    // Prepare
    const key = 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';

    // Act
    const report = await run({ organizationId: 'o-abcdefghij', kmsKeyArns: [key] });

    // Assess
    expect(report.ok).toBe(true);
    const cases = report.stages[0]?.cases ?? [];
    expect(
      cases.filter((c) => c.id === 'assume/outside-organization').map((c) => c.actual),
    ).toEqual(['ExplicitlyDenied', 'ExplicitlyDenied']);
    expect(
      cases.find((c) => c.id === 'kms/grant-for-ec2' && c.target === '222222222222'),
    ).toMatchObject({
      resource: key,
      actual: 'Allowed',
    });
  });

  it('evaluates for the given home account', async () => {
    // Prepare
    const homeAccountId = '999999999999';

    // Act
    const report = await run({ homeAccountId });

    // Assess
    expect(report.ok).toBe(true);
    expect(report.stages[0]?.executionRoleArn).toBe(
      'arn:aws:iam::999999999999:role/xacct-ec2-test-eu-west-1-exec',
    );
  });

  it("shows that an SCP denying AssumeRole breaks the function's flow, and names it", async () => {
    // Prepare
    const scp = {
      name: 'deny-sts.json',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyAssumeRole',
            Effect: 'Deny' as const,
            Action: 'sts:AssumeRole',
            Resource: '*',
          },
        ],
      },
    };

    // Act
    const report = await run({ serviceControlPolicies: [scp] });

    // Assess: the matrix rows, and the same requests shown under the SCP
    expect(report.ok).toBe(false);
    expect(mismatchIds(report)).toEqual([
      'assume/from-function',
      'assume/with-source-identity',
      'scp/deny-sts.json/product/assume/from-function',
      'scp/deny-sts.json/product/assume/with-source-identity',
    ]);
    expect(mismatches(report).find((c) => c.scp)?.fix).toContain(
      'Fix: deny-sts.json, statement DenyAssumeRole: leave sts:AssumeRole',
    );
    expect(mismatches(report)[0]).toMatchObject({
      actual: 'ExplicitlyDenied',
      deciding: 'scp(deny-sts.json):DenyAssumeRole(Deny)',
      fix: hintText('scpBlocks'),
    });
    expect(mismatches(report)[0]?.explanation).toContain(
      'SCP "deny-sts.json" statement DenyAssumeRole',
    );
  });

  it('shows that a permission boundary without sts:AssumeRole breaks the flow', async () => {
    // Prepare
    const boundary = {
      name: 'boundary.json',
      policy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow' as const, Action: 'logs:*', Resource: '*' }],
      },
    };

    // Act
    const report = await run({ permissionBoundary: boundary });

    // Assess
    // The same requests under the shipped RCP (its product rows) are blocked by the boundary too.
    expect(mismatchIds(report)).toEqual([
      'assume/from-function',
      'assume/with-source-identity',
      'rcp/rcp-target-role-assume.json/product/assume/from-function',
      'rcp/rcp-target-role-assume.json/product/assume/with-source-identity',
    ]);
    expect(mismatches(report)[0]?.fix).toBe(hintText('boundaryBlocks'));
  });

  it('passes with guardrails that leave the flow alone', async () => {
    // Prepare
    const boundary = {
      name: 'boundary.json',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow' as const,
            Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'logs:*'],
            Resource: '*',
          },
        ],
      },
    };
    const scp = {
      name: 'no-leaving.json',
      policy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Deny' as const, Action: 'organizations:LeaveOrganization', Resource: '*' },
        ],
      },
    };

    // Act
    const report = await run({ permissionBoundary: boundary, serviceControlPolicies: [scp] });

    // Assess
    expect(mismatches(report)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('reports a malformed guardrail as a static finding', async () => {
    // Prepare
    const scp = {
      name: 'broken.json',
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 'sts:*' }] },
    };

    // Act
    const report = await run({ serviceControlPolicies: [scp as never] });

    // Assess
    expect(findings(report)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ policy: 'broken.json', hint: 'malformedPolicy' }),
      ]),
    );
    expect(report.ok).toBe(false);
  });
});

describe('Function: verify (breakage of the real documents)', () => {
  it('fails when the trust is widened to the account root without the PrincipalArn condition', async () => {
    // Prepare
    const template = dropTrustCondition(targetTemplate(), 'TrustOnlyTheExecutionRole');

    // Act: without the shipped RCP, which would stop these callers on its own
    const report = await run({ documents: { targetTemplate: template }, shippedGuardrails: false });

    // Assess
    expect(report.ok).toBe(false);
    expect(mismatchIds(report)).toEqual([
      'assume/home-root',
      'assume/home-user',
      'assume/other-home-role',
    ]);
    expect(new Set(mismatches(report).map((c) => c.fix))).toEqual(
      new Set([hintText('trustTooWide')]),
    );
    expect(HINTS.trustTooWide.fix).toContain('statement TrustOnlyTheExecutionRole');
    expect(findings(report)).toEqual([
      expect.objectContaining({
        statement: 'TrustOnlyTheExecutionRole',
        message: 'trusts an account root without an aws:PrincipalArn condition',
        hint: 'trustTooWide',
      }),
      expect.objectContaining({
        statement: 'TrustOnlyTheExecutionRole',
        message: expect.stringMatching(/every principal of 111111111111/),
        hint: 'trustBeyondIntent',
      }),
    ]);
    expect(formatReport(report)).toContain(`fix: ${hintText('trustTooWide')}`);
  });

  it('fails when the ExternalId deny is dropped', async () => {
    // Prepare
    const template = dropTrustStatement(targetTemplate(), 'RequireExternalId');

    // Act
    const report = await run({ documents: { targetTemplate: template } });

    // Assess
    expect(mismatchIds(report)).toEqual(['assume/missing-external-id', 'assume/wrong-external-id']);
    expect(mismatches(report).every((c) => c.fix === hintText('externalIdNotEnforced'))).toBe(true);
    expect(HINTS.externalIdNotEnforced.fix).toContain('statement RequireExternalId');
    expect(formatReport(report)).toMatch(/\nverify: FAIL — 2 of \d+ cases differ/);
  });

  it('fails when sts:AssumeRole gets a wildcard Resource in serverless.yml', async () => {
    // Prepare
    const stage = wideAssume;

    // Act
    const report = await run({}, stage);

    // Assess
    expect(mismatchIds(report)).toEqual(['assume/unlisted-role']);
    expect(mismatches(report).every((c) => c.fix === hintText('assumeResourceTooWide'))).toBe(true);
    expect(findings(report)).toEqual([
      expect.objectContaining({
        source: 'serverless.yml provider.iam.role',
        statement: 'AssumeConfiguredTargetRoles',
        message: 'allows sts:AssumeRole and sts:SetSourceIdentity on *',
        hint: 'assumeResourceTooWide',
      }),
      expect.objectContaining({
        source: 'serverless.yml provider.iam.role',
        statement: 'AssumeConfiguredTargetRoles',
        message: expect.stringMatching(
          /^allows sts:AssumeRole on \*; sts:SetSourceIdentity on \*: beyond its intent/,
        ),
        hint: 'executionRoleTooPowerful',
      }),
    ]);
    expect(HINTS.assumeResourceTooWide.fix).toContain('statement AssumeConfiguredTargetRoles');
  });

  it('fails when start/stop lose the control-tag condition', async () => {
    // Prepare
    const template = dropPermissionCondition(targetTemplate(), 'StartStopControlTaggedInstances');

    // Act
    const report = await run({ documents: { targetTemplate: template } });

    // Assess
    expect(mismatchIds(report)).toEqual([
      'ec2/start-untagged',
      'ec2/start-wrong-tag',
      'ec2/stop-untagged',
      'ec2/stop-wrong-tag',
    ]);
    expect(mismatches(report).every((c) => c.fix === hintText('controlTagNotEnforced'))).toBe(true);
    expect(findings(report)).toEqual([
      expect.objectContaining({
        statement: 'StartStopControlTaggedInstances',
        hint: 'controlTagNotEnforced',
      }),
    ]);
    expect(HINTS.controlTagNotEnforced.fix).toContain('statement StartStopControlTaggedInstances');
  });

  it('fails when the execution role loses its lambda:SourceFunctionArn condition', async () => {
    // Prepare
    const stage = withExecutionStatement('AssumeConfiguredTargetRoles', (statements) => {
      for (const st of statements)
        if (st.Sid === 'AssumeConfiguredTargetRoles') delete st.Condition;
    });

    // Act
    const report = await run({}, stage);

    // Assess
    // The functions on their own roles (http among them) would then get in with its credentials too.
    expect(mismatchIds(report)).toEqual([
      'assume/exec-via-own-role-function',
      'assume/other-function',
      'assume/outside-function',
    ]);
    expect(mismatches(report).every((c) => c.fix === hintText('sourceFunctionNotEnforced'))).toBe(
      true,
    );
    expect(findings(report)).toEqual([
      expect.objectContaining({
        statement: 'AssumeConfiguredTargetRoles',
        hint: 'sourceFunctionNotEnforced',
      }),
    ]);
  });

  it('fails when the execution role is given EC2 permissions of its own', async () => {
    // Prepare
    const stage = withExecutionStatement('AssumeConfiguredTargetRoles', (statements) => {
      statements.push({ Sid: 'Shortcut', Effect: 'Allow', Action: 'ec2:*', Resource: '*' });
    });

    // Act
    const report = await run({}, stage);

    // Assess
    expect(mismatchIds(report)).toEqual(['exec/ec2-direct']);
    expect(findings(report)).toEqual([
      expect.objectContaining({
        statement: 'Shortcut',
        message: expect.stringMatching(
          /^allows actions outside the intended set: ec2:\*; also: allows ec2:\* on \*: beyond its intent/,
        ),
        hint: 'executionRoleTooPowerful',
      }),
    ]);
  });
  it('fails when the execution role may put events on every bus, not only its default one', async () => {
    // Prepare
    const stage = withExecutionStatement('PutRunEventsOnDefaultBus', (statements) => {
      const events = statements.find((st) => st.Sid === 'PutRunEventsOnDefaultBus');
      if (events) events.Resource = '*';
    });

    // Act
    const report = await run({}, stage);

    // Assess
    expect(findings(report)).toEqual([
      expect.objectContaining({
        statement: 'PutRunEventsOnDefaultBus',
        message: expect.stringContaining(
          "allows events:PutEvents on *, not only this account's default event bus; also: allows events:PutEvents on *: beyond its intent",
        ),
        hint: 'executionRoleTooPowerful',
      }),
    ]);
  });

  it('fails naming both stages when two stages would use one target role and tag in a shared account', async () => {
    // Prepare: dev configured with prod's role and tag, as every stage was with the old fixed names
    const dev = structuredClone(packaged.get('dev'));
    const prod = packaged.get('prod');
    if (!dev || !prod) throw new Error('dev and prod were not packaged');
    // The functions carry their config in the bundle (handlers/config/bundled-config.ts).
    dev.bundledConfigJson = JSON.stringify({
      ...JSON.parse(dev.bundledConfigJson),
      targetRoleName: 'xacct-ec2-prod-target',
      controlTagValue: 'prod',
    });

    // Act
    const report = await verify({
      stages: ['dev', 'prod'],
      documents: { packaged: async (s) => (s === 'dev' ? dev : prod) },
    });

    // Assess
    const isolation = findings(report).filter((f) =>
      ['stagesShareTargetRole', 'stagesShareControlTag'].includes(f.hint),
    );
    expect(report.ok).toBe(false);
    expect(isolation.map((f) => f.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^stages dev and prod both use role xacct-ec2-prod-target in account 222222222222 with different execution roles/,
        ),
        expect.stringMatching(
          /^stages dev and prod both act on instances tagged xacct-ec2:managed=prod in account 222222222222/,
        ),
      ]),
    );
    expect(formatReport(report)).toContain(hintText('stagesShareTargetRole'));
  });
});

describe('Function: verify --scp (the shipped SCPs in the matrix)', () => {
  const shipped = (file: string): WorldPolicy & { policy: { Statement: PolicyStatement[] } } => ({
    name: file,
    policy: JSON.parse(readFileSync(path.join(REPO_ROOT, 'resources', file), 'utf8')),
  });
  const HOME_SCP = 'scp-home-deployment.json';
  const TARGET_SCP = 'scp-target-control-tag.json';

  /** The SCP with one change to its statement `sid` (fails loudly if the Sid is gone). */
  function changed(file: string, sid: string, change: (s: PolicyStatement) => void) {
    const scp = shipped(file);
    const statement = scp.policy.Statement.find((s) => s.Sid === sid);
    if (!statement) throw new Error(`statement ${sid} is no longer in ${file}`);
    change(statement);
    return scp;
  }

  const scpCases = (report: VerifyReport) =>
    report.stages.flatMap((s) => s.cases.filter((c) => c.scp));

  it('shows what each shipped SCP blocks and spares, and passes', async () => {
    // Act
    const report = await run({
      serviceControlPolicies: [shipped(HOME_SCP), shipped(TARGET_SCP)],
    });

    // Assess
    expect(mismatches(report)).toEqual([]);
    expect(report.ok).toBe(true);
    const cases = scpCases(report);
    expect(cases).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          principal: 'role/developer (111111111111)',
          action: 'lambda:UpdateFunctionCode',
          expected: 'Denied',
          actual: 'ExplicitlyDenied',
          deciding: `scp(${HOME_SCP}):ProtectTheFunctionsExceptDeployRole(Deny)`,
        }),
        expect.objectContaining({
          principal: 'role/developer (111111111111)',
          action: 'iam:PutRolePolicy',
          resource: 'arn:aws:iam::111111111111:role/xacct-ec2-test-eu-west-1-exec',
          actual: 'ExplicitlyDenied',
        }),
        expect.objectContaining({
          principal: 'role/xacct-ec2-deployer (111111111111)',
          expected: 'Allowed',
          actual: 'Allowed',
          scp: expect.objectContaining({
            policy: HOME_SCP,
            statement: 'ProtectTheFunctionsExceptDeployRole',
            role: 'exception',
          }),
        }),
        expect.objectContaining({
          principal: 'role/developer (222222222222)',
          action: 'ec2:CreateTags',
          actual: 'ExplicitlyDenied',
          deciding: `scp(${TARGET_SCP}):DenyControlTagChangesExceptTagAdmin(Deny)`,
        }),
        expect.objectContaining({ title: 'SCP leaves tag Name alone', actual: 'Allowed' }),
        expect.objectContaining({
          principal: 'role/xacct-ec2-tag-admin (222222222222)',
          actual: 'Allowed',
        }),
        expect.objectContaining({
          id: `scp/${TARGET_SCP}/product/ec2/start-tagged`,
          principal: 'target role session',
          actual: 'Allowed',
        }),
      ]),
    );
    // Every function of the stage is shown protected, not only the first.
    const functions = new Set(
      cases.filter((c) => c.action.startsWith('lambda:')).map((c) => c.resource),
    );
    expect([...functions]).toEqual(expect.arrayContaining(report.stages[0]?.functions ?? []));
    expect(formatReport(report)).toContain('SCP cases (--scp)');
  });

  it('fails, naming the SCP file and statement, when the deploy-role exception is removed', async () => {
    // Prepare
    const scp = changed(HOME_SCP, 'ProtectTheFunctionsExceptDeployRole', (s) => {
      delete s.Condition;
    });

    // Act
    const report = await run({ serviceControlPolicies: [scp] });

    // Assess
    expect(report.ok).toBe(false);
    const wrong = mismatches(report);
    expect(wrong.length).toBeGreaterThan(0);
    expect(wrong.every((c) => c.hint === 'scpBlocksException')).toBe(true);
    expect(wrong[0]?.fix).toContain(`${HOME_SCP}, statement ProtectTheFunctionsExceptDeployRole`);
    expect(wrong[0]?.principal).toBe('role/xacct-ec2-deployer (111111111111)');
  });

  it('fails when a Resource is narrowed past one of the stage functions', async () => {
    // Prepare
    const scp = changed(HOME_SCP, 'ProtectTheFunctionsExceptDeployRole', (s) => {
      s.Resource = 'arn:aws:lambda:*:*:function:xacct-ec2-*-instances';
    });

    // Act
    const report = await run({ serviceControlPolicies: [scp] });

    // Assess
    const wrong = mismatches(report);
    expect(wrong.map((c) => c.resource)).toContain(
      'arn:aws:lambda:eu-west-1:111111111111:function:xacct-ec2-test-http',
    );
    expect(new Set(wrong.map((c) => c.hint))).toEqual(new Set(['scpDoesNotBlock']));
    expect(wrong[0]?.fix).toContain(`${HOME_SCP}, statement ProtectTheFunctionsExceptDeployRole`);
  });

  it('fails when the tag condition is widened to every tag, naming the statement', async () => {
    // Prepare
    const scp = changed(TARGET_SCP, 'DenyControlTagChangesExceptTagAdmin', (s) => {
      (s.Condition as Record<string, unknown>)['ForAnyValue:StringLike'] = { 'aws:TagKeys': ['*'] };
      delete (s.Condition as Record<string, unknown>)['ForAnyValue:StringEqualsIgnoreCase'];
    });

    // Act
    const report = await run({ serviceControlPolicies: [scp] });

    // Assess
    const wrong = mismatches(report);
    expect(wrong.map((c) => c.title)).toContain('SCP leaves tag Name alone');
    expect(wrong.find((c) => c.title === 'SCP leaves tag Name alone')?.fix).toContain(
      `${TARGET_SCP}, statement DenyControlTagChangesExceptTagAdmin`,
    );
  });

  it('fails when an SCP blocks the product, naming the statement that denied', async () => {
    // Prepare: the control-tag statement widened to start and stop as well.
    const scp = changed(TARGET_SCP, 'DenyDeletingAllTagsExceptTagAdmin', (s) => {
      s.Action = ['ec2:DeleteTags', 'ec2:StartInstances'];
      s.Condition = {
        ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/xacct-ec2-tag-admin'] },
      };
    });

    // Act
    const report = await run({ serviceControlPolicies: [scp] });

    // Assess
    const product = mismatches(report).find((c) => c.scp?.role === 'product');
    expect(product).toMatchObject({ action: 'ec2:StartInstances', hint: 'scpBreaksTheProduct' });
    expect(product?.fix).toContain(`${TARGET_SCP}, statement DenyDeletingAllTagsExceptTagAdmin`);
  });
});

describe('Function: verify --rcp (the shipped RCP in the matrix)', () => {
  const FILE = 'rcp-target-role-assume.json';
  const SID = 'OnlyTheHomeExecutionRoleAssumesTheTargetRole';
  /** The shipped RCP with one change to its statement (fails loudly if the Sid is gone). */
  function rcp(change: (s: PolicyStatement) => void = () => {}): WorldPolicy {
    const policy = JSON.parse(readFileSync(path.join(REPO_ROOT, 'resources', FILE), 'utf8'));
    const statement = (policy.Statement as PolicyStatement[]).find((s) => s.Sid === SID);
    if (!statement) throw new Error(`statement ${SID} is no longer in ${FILE}`);
    change(statement);
    return { name: FILE, policy };
  }
  const rcpCases = (report: VerifyReport) =>
    report.stages.flatMap((s) => s.cases.filter((c) => c.scp?.control === 'rcp'));

  it('stops everyone but the execution role at the target role, and passes', async () => {
    // Act
    const report = await run({ resourceControlPolicies: [rcp()] });

    // Assess
    expect(mismatches(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(rcpCases(report)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          title: 'RCP blocks: target role',
          principal: 'role/developer (222222222222)',
          actual: 'ExplicitlyDenied',
          deciding: `rcp(${FILE}):${SID}(Deny)`,
        }),
        expect.objectContaining({
          title: 'RCP blocks: another account',
          actual: 'ExplicitlyDenied',
        }),
        expect.objectContaining({
          id: `rcp/${FILE}/product/assume/from-function`,
          actual: 'Allowed',
        }),
      ]),
    );
    expect(formatReport(report)).toContain('RCP cases (--rcp)');
  });

  it('fails, naming the RCP file and statement, when the execution-role exception is removed', async () => {
    // Prepare
    const broken = rcp((s) => {
      delete s.Condition;
    });

    // Act
    const report = await run({ resourceControlPolicies: [broken] });

    // Assess
    expect(report.ok).toBe(false);
    const product = mismatches(report).filter((c) => c.scp?.role === 'product');
    expect(product.length).toBeGreaterThan(0);
    expect(product[0]).toMatchObject({
      principal: expect.stringMatching(/^exec via /),
      hint: 'rcpBlocksExecutionRole',
    });
    expect(product[0]?.fix).toContain(`${FILE}, statement ${SID}`);
  });

  it('fails, naming the RCP file and statement, when its Resource misses the target role', async () => {
    // Prepare
    const broken = rcp((s) => {
      s.Resource = 'arn:aws:iam::*:role/xacct-ec2-prod-target';
    });

    // Act
    const report = await run({ resourceControlPolicies: [broken] });

    // Assess
    const wrong = mismatches(report);
    expect(wrong.map((c) => c.principal)).toContain('role/developer (222222222222)');
    expect(new Set(wrong.map((c) => c.hint))).toEqual(new Set(['rcpDoesNotBlock']));
    expect(wrong[0]?.fix).toContain(`${FILE}, statement ${SID}: its Resource must match`);
  });
});
