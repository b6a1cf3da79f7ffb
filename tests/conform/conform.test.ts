/**
 * npm run conform over what ships: the packaged template of every stage and path choice, and
 * every template and policy under resources/, against AWS's own definitions. Clean, or each
 * difference written down in scripts/conform/deliberate.ts.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { type ConformReport, conformAll, formatReport } from '../../scripts/conform/run';
import { packagingVariants, variantName } from '../../scripts/conform/subjects';
import { pathParamChoices } from '../../scripts/conform/variants';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { configuredStages } from '../../scripts/shared/stack/stages';

describe('npm run conform over the shipped stages and resources/', () => {
  let report: ConformReport;

  beforeAll(async () => {
    // Act: every packaging comes from the slow set's cache (tests/slow-set-setup.ts); a choice a
    // stage cannot make is packaged again here to name why (it is not cached).
    report = await conformAll();
  }, 900_000);

  it('checks every configured stage as it stands, and each schedule and engine path it can choose', () => {
    // Prepare
    const variants = packagingVariants().map(variantName);
    const refused = report.refused.map((r) => r.subject);

    // Assess: a path choice is in the stage schema (params.scheduledRuns today).
    expect(pathParamChoices().size).toBeGreaterThan(0);
    for (const stage of configuredStages()) expect(report.subjects).toContain(`stage ${stage}`);
    const stages = report.subjects.filter((s) => s.startsWith('stage '));
    expect([...stages, ...refused].sort()).toEqual(variants.sort());
    expect(stages.length).toBeGreaterThan(configuredStages().length);
  });

  it('checks every file under resources/ that is a template or a policy', () => {
    // Prepare
    const files = readdirSync(path.join(REPO_ROOT, 'resources')).filter((f) =>
      /\.(ya?ml|json)$/.test(f),
    );

    // Assess
    for (const file of files) expect(report.subjects).toContain(`resources/${file}`);
  });

  it('finds nothing that AWS would refuse or that differs from aws-cdk-lib undeclared', () => {
    // Assess: the whole report on failure, so the finding and its source show in CI.
    expect(report.findings.length === 0 ? '' : formatReport(report)).toBe('');
  });
});
