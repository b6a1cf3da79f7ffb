import { readFileSync } from 'node:fs';
import { assumeStatement } from '../../resources/home-stack/roles/assume-statement';
import { statementsOf } from '../../resources/home-stack/roles/policy-document';
import { SERVERLESS_YML } from '../../scripts/shared/stack/paths';
import { HINTS, hintText, troubleshootingTable } from '../../scripts/verify/hints';
import { renderTargetRole } from '../../scripts/verify/target-role';

/** Every Sid the deployable documents can contain: all template options on, plus serverless.yml. */
function deployableSids(): Set<string> {
  const role = renderTargetRole(
    {
      HomeAccountId: '111111111111',
      ExecutionRoleName: 'exec',
      ExternalId: 'ext-123',
      RoleName: 'xacct-ec2-test-target',
      ControlTagValue: 'test',
      Regions: ['eu-west-1'],
      OrganizationId: 'o-abcdefghij',
      KmsKeyArns: ['arn:aws:kms:eu-west-1:222222222222:key/k'],
    },
    { accountId: '222222222222' },
  );
  const sids = [role.trustPolicy, ...role.permissionPolicies].flatMap((p) =>
    statementsOf(p.policy).map((s) => s.Sid),
  );
  const yml = readFileSync(SERVERLESS_YML, 'utf8');
  for (const match of yml.matchAll(/Sid:\s*(\w+)/g)) sids.push(match[1]);
  // The execution role's AssumeRole statement, in both its forms (resources/home-stack/stage-config.cjs).
  for (const assumeScope of ['exact', 'organization'] as const) {
    const { statement } = assumeStatement({
      service: 'xacct-ec2',
      stage: 'test',
      targetRoleName: 'xacct-ec2-target',
      region: 'eu-west-1',
      accountIds: ['222222222222'],
      functionNames: ['xacct-ec2-test-instances'],
      assumeScope,
      organizationId: 'o-abcdefghij',
    });
    sids.push(String(statement.Sid));
  }
  return new Set(sids.filter((s): s is string => Boolean(s)));
}

describe('Module: hints', () => {
  it('names only statements that exist in the documents that deploy', () => {
    // Prepare
    const sids = deployableSids();

    // Act
    const named = Object.values(HINTS).flatMap((h) =>
      [...h.fix.matchAll(/statements? ([A-Z]\w+)(?: and ([A-Z]\w+))?/g)].flatMap((m) => [
        m[1],
        m[2],
      ]),
    );

    // Assess
    const missing = named.filter((sid): sid is string => Boolean(sid) && !sids.has(sid as string));
    expect(missing).toEqual([]);
    expect(named.length).toBeGreaterThan(5);
  });

  it('renders one troubleshooting row per hint, with the same words verify prints', () => {
    // Prepare
    const ids = Object.keys(HINTS) as (keyof typeof HINTS)[];

    // Act
    const table = troubleshootingTable();

    // Assess
    expect(table.split('\n')).toHaveLength(ids.length + 2);
    for (const id of ids) {
      expect(table).toContain(HINTS[id].fix.replace(/\|/g, '\\|'));
      expect(hintText(id)).toBe(`${HINTS[id].symptom}. Fix: ${HINTS[id].fix}`);
    }
  });
});
