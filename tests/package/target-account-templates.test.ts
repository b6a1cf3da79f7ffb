/**
 * The target-account templates deploy outside osls, so nothing else checks them before a user
 * runs them: both must parse as CloudFormation YAML, and the StackSet must roll out exactly the
 * role template (by URL, never a copy) with every one of its parameters passed through.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AWS_REGIONS } from '../../handlers/formats/regions';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { parseCfnYaml } from '../../scripts/shared/stack/cfn-yaml';
import { STAGES, stageConfig, stageParams } from './service-config';

interface ParameterDeclaration {
  Type: string;
  Default?: string;
  AllowedPattern?: string;
  AllowedValues?: string[];
  MinLength?: number;
  MaxLength?: number;
  Description?: string;
}

interface Template {
  AWSTemplateFormatVersion: string;
  Description: string;
  Parameters: Record<string, ParameterDeclaration>;
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

const loadTemplate = (name: string): Template =>
  parseCfnYaml(readFileSync(path.join(REPO_ROOT, 'resources', name), 'utf8'), name) as Template;

interface StackSetProperties {
  PermissionModel: string;
  CallAs: unknown;
  AutoDeployment: { Enabled: boolean; RetainStacksOnAccountRemoval: boolean };
  Capabilities: string[];
  TemplateURL?: unknown;
  TemplateBody?: unknown;
  Parameters: Array<{ ParameterKey: string; ParameterValue: unknown }>;
  OperationPreferences: Record<string, unknown>;
  StackInstancesGroup: Array<{
    DeploymentTargets: Record<string, unknown>;
    Regions: unknown[];
    ParameterOverrides?: unknown;
  }>;
}

/** CloudFormation's AllowedPattern must match the whole value (it is anchored implicitly). */
const allowedBy = (declaration: ParameterDeclaration | undefined, value: string): boolean =>
  declaration?.AllowedPattern === undefined ||
  new RegExp(`^(?:${declaration.AllowedPattern})$`).test(value);

describe('resources: target-account templates', () => {
  const role = loadTemplate('target-account-role.yml');
  const stackSetTemplate = loadTemplate('target-account-stackset.yml');
  const stackSets = Object.values(stackSetTemplate.Resources).filter(
    (r) => r.Type === 'AWS::CloudFormation::StackSet',
  );
  const stackSet = stackSets[0]?.Properties as unknown as StackSetProperties;

  it('both parse as CloudFormation templates, with a description CloudFormation accepts', () => {
    // Assess
    for (const template of [role, stackSetTemplate]) {
      expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
      expect(template.Description.length).toBeGreaterThan(50);
      // CloudFormation rejects a template whose Description exceeds 1024 bytes.
      expect(Buffer.byteLength(template.Description)).toBeLessThanOrEqual(1024);
    }
    // One resource each: the role, and the StackSet that rolls it out.
    expect(Object.entries(role.Resources).map(([id, r]) => [id, r.Type])).toEqual([
      ['TargetRole', 'AWS::IAM::Role'],
    ]);
    expect(Object.entries(stackSetTemplate.Resources).map(([id, r]) => [id, r.Type])).toEqual([
      ['TargetRoleStackSet', 'AWS::CloudFormation::StackSet'],
    ]);
  });

  describe('target-account-stackset.yml', () => {
    it('declares exactly one service-managed StackSet with automatic deployment to new accounts', () => {
      // Assess
      expect(stackSets).toHaveLength(1);
      expect(stackSet.PermissionModel).toBe('SERVICE_MANAGED');
      expect(stackSet.AutoDeployment).toEqual({
        Enabled: true,
        RetainStacksOnAccountRemoval: false,
      });
      expect(stackSet.Capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
    });

    it('is called as SELF or DELEGATED_ADMIN, by parameter', () => {
      // Assess
      expect(stackSet.CallAs).toEqual({ Ref: 'CallAs' });
      expect(stackSetTemplate.Parameters.CallAs?.AllowedValues).toEqual([
        'SELF',
        'DELEGATED_ADMIN',
      ]);
    });

    it('deploys the uploaded role template by URL, not a copy of the role', () => {
      // Assess
      expect(stackSet.TemplateURL).toEqual({ Ref: 'TargetRoleTemplateUrl' });
      expect(stackSet.TemplateBody).toBeUndefined();
      expect(stackSetTemplate.Parameters.TargetRoleTemplateUrl?.Default).toBeUndefined();
      expect(
        allowedBy(
          stackSetTemplate.Parameters.TargetRoleTemplateUrl,
          'https://my-bucket.s3.eu-west-1.amazonaws.com/xacct-ec2/target-account-role.yml',
        ),
      ).toBe(true);
      const resourceTypes = Object.values(stackSetTemplate.Resources).map((r) => r.Type);
      expect(resourceTypes).not.toContain('AWS::IAM::Role');
    });

    it('targets the given OUs in exactly one region, because IAM is global', () => {
      // Prepare
      const [group, ...others] = stackSet.StackInstancesGroup;

      // Assess
      expect(others).toHaveLength(0);
      expect(group?.DeploymentTargets).toEqual({
        OrganizationalUnitIds: { Ref: 'OrganizationalUnitIds' },
      });
      expect(stackSetTemplate.Parameters.OrganizationalUnitIds?.Type).toBe('CommaDelimitedList');
      expect(group?.Regions).toEqual([{ Ref: 'RoleRegion' }]);
      expect(stackSetTemplate.Description).toMatch(/IAM is global/);
      expect(stackSetTemplate.Description).toMatch(/ONE region/);
      for (const region of AWS_REGIONS) {
        expect(allowedBy(stackSetTemplate.Parameters.RoleRegion, region)).toBe(true);
      }
    });

    it('rolls out in bounded batches and stops when too many accounts fail', () => {
      // Prepare
      const prefs = stackSet.OperationPreferences;

      // Assess
      expect(prefs.MaxConcurrentPercentage).toEqual(expect.any(Number));
      expect(prefs.FailureTolerancePercentage).toEqual(expect.any(Number));
      expect(prefs.MaxConcurrentPercentage).toBeGreaterThan(0);
      expect(prefs.MaxConcurrentPercentage).toBeLessThanOrEqual(100);
      expect(prefs.FailureTolerancePercentage).toBeLessThan(
        prefs.MaxConcurrentPercentage as number,
      );
      // Counts and percentages are mutually exclusive in the API.
      expect(prefs.MaxConcurrentCount).toBeUndefined();
      expect(prefs.FailureToleranceCount).toBeUndefined();
    });

    it('passes every parameter of the role template through, under the same name', () => {
      // Prepare
      const roleParameters = Object.keys(role.Parameters).sort();

      // Act
      const passed = stackSet.Parameters.map((p) => p.ParameterKey);

      // Assess
      expect([...passed].sort()).toEqual(roleParameters);
      expect(new Set(passed).size).toBe(passed.length);
      for (const { ParameterKey: key, ParameterValue: value } of stackSet.Parameters) {
        const type = role.Parameters[key]?.Type;
        // StackSet parameter values are strings: a list is joined and split again by the role.
        const expected =
          type === 'CommaDelimitedList' ? { 'Fn::Join': [',', { Ref: key }] } : { Ref: key };
        expect({ key, value }).toEqual({ key, value: expected });
      }
    });

    it('declares each passed-through parameter with the role template’s type, default and constraints', () => {
      // Assess
      for (const [key, declaration] of Object.entries(role.Parameters)) {
        const mirrored = stackSetTemplate.Parameters[key];
        const constraints = (d: ParameterDeclaration | undefined) => ({
          key,
          Type: d?.Type,
          Default: d?.Default,
          AllowedPattern: d?.AllowedPattern,
          AllowedValues: d?.AllowedValues,
          MinLength: d?.MinLength,
          MaxLength: d?.MaxLength,
        });
        expect(constraints(mirrored)).toEqual(constraints(declaration));
      }
    });

    it('explains that one ExternalId is shared and how per-account values work', () => {
      // Assess
      expect(stackSetTemplate.Description).toMatch(/share one ExternalId/);
      expect(stackSetTemplate.Description).toMatch(/ParameterOverrides/);
      expect(stackSetTemplate.Parameters.ExternalId?.Description).toMatch(/EVERY account/);
    });
  });

  describe('agreement with serverless.yml', () => {
    it('the templates leave the role name and tag value to the stage, and share the tag key default', () => {
      // Prepare: two stages' params, as osls resolves them
      const [dev, prod] = [stageParams('dev'), stageParams('prod')];

      // Assess: no default a second stage could silently share
      expect(dev.targetRoleName).toBe('xacct-ec2-dev-target');
      expect(prod.targetRoleName).toBe('xacct-ec2-prod-target');
      expect(prod.controlTagValue).toBe('prod');
      for (const template of [role, stackSetTemplate]) {
        expect(template.Parameters.RoleName?.Default).toBeUndefined();
        expect(template.Parameters.ControlTagValue?.Default).toBeUndefined();
        expect(template.Parameters.ControlTagKey?.Default).toBe(prod.controlTagKey);
        expect(template.Parameters.RoleName?.Description).toContain('xacct-ec2-<stage>-target');
      }
      expect(stackSetTemplate.Parameters.StackSetName?.Default).toBeUndefined();
    });

    it.each(STAGES)('the templates accept every ExternalId configured for %s', (stage) => {
      // Prepare
      const externalIds = stageConfig(stage).targets.flatMap((t) =>
        t.externalId ? [t.externalId] : [],
      );

      // Assess
      for (const externalId of externalIds) {
        expect(allowedBy(role.Parameters.ExternalId, externalId)).toBe(true);
        expect(allowedBy(stackSetTemplate.Parameters.ExternalId, externalId)).toBe(true);
      }
      expect(allowedBy(role.Parameters.ExternalId, 'x')).toBe(false);
      expect(allowedBy(role.Parameters.ExternalId, 'has space')).toBe(false);
    });
  });
});
