/**
 * `npm run lint:cfn` on what ships: every stage serverless.yml configures is packaged for real,
 * and the AwsSolutions pack and CloudFormation's validation run over it and over the
 * target-account templates. Every finding must be acknowledged with its evidence, and every
 * acknowledgement must still match a finding.
 */

import { configuredStages } from '../../scripts/shared/stack/stages';
import { type LintReport, lintCfn } from '../../scripts/verify/run-lint';
import { stageConfig } from './service-config';

describe('lint:cfn over the shipped stages', () => {
  let report: LintReport;

  beforeAll(async () => {
    // Act: package every configured stage and lint it, with both packs.
    report = await lintCfn();
  }, 600_000);

  it('lints every configured stage, each target role rendered, and the templates as written', () => {
    // Prepare
    const stages = configuredStages();

    // Act
    const names = report.documents.map((d) => d.name);

    // Assess
    expect([...report.stages].sort()).toEqual([...stages].sort());
    for (const stage of ['dev', 'test', 'prod'] as const) {
      expect(names).toContain(`${stage}: packaged service template`);
      for (const target of stageConfig(stage).targets) {
        expect(names).toContain(`${stage}: target role rendered for ${target.accountId}`);
      }
    }
    expect(names).toEqual(
      expect.arrayContaining([
        'resources/target-account-role.yml as written',
        'resources/target-account-stackset.yml as written',
      ]),
    );
  });

  it('leaves no finding open and no acknowledgement stale', () => {
    // Act
    const open = report.documents.flatMap((d) =>
      d.open.map((f) => `${d.name}: ${f.rule} ${f.resource}`),
    );

    // Assess
    expect(open).toEqual([]);
    expect(report.stale).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('fixes, rather than acknowledges, HTTP API access logging and the Lambda runtime', () => {
    // Act
    const rules = report.documents.flatMap((d) => d.acknowledged.map((f) => f.rule));

    // Assess
    expect(rules).not.toContain('AwsSolutions-APIG1');
    expect(rules).not.toContain('AwsSolutions-L1');
    expect(rules).toContain('AwsSolutions-S1');
  });
});
