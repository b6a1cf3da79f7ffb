/**
 * `npm run lint:cfn` as a library: package each stage (or read one already packaged), lint
 * every document that deploys (nag-documents.ts) with the AwsSolutions pack and CloudFormation's
 * validation, and judge the findings against the acknowledgements. The CLI
 * (scripts/verify/lint-cfn.ts) only parses flags and prints.
 */

import { type PackagedStage, packageStage, readPackageDir } from '../shared/stack/package-stage';
import { configuredStages } from '../shared/stack/stages';
import { ACKNOWLEDGEMENTS, type Acknowledgement } from './nag-acknowledgements';
import { type LintDocument, stageDocuments, writtenTemplates } from './nag-documents';
import { type JudgedDocument, judge, staleAcknowledgements } from './nag-findings';
import { lintTemplates } from './nag-pack';

export interface LintOptions {
  /** Stages to package and lint; every stage in serverless.yml params by default. */
  stages?: string[];
  /** A directory `sls package` already wrote (e.g. `.serverless`): lint that stage, package none. */
  packagedDir?: string;
  /** Documents to lint instead of the project's (tests feed broken templates here). */
  documents?: LintDocument[];
  acknowledgements?: readonly Acknowledgement[];
  /** Run only the AwsSolutions pack (CloudFormation's engine takes seconds to build). */
  awsSolutionsOnly?: boolean;
}

export interface LintReport {
  ok: boolean;
  stages: string[];
  documents: JudgedDocument[];
  stale: Acknowledgement[];
  open: number;
  acknowledged: number;
  /** Time spent packaging, then linting. */
  packageMs: number;
  lintMs: number;
}

async function packagedStages(options: LintOptions): Promise<PackagedStage[]> {
  if (options.packagedDir) return [await readPackageDir(options.packagedDir)];
  const stages = options.stages?.length ? options.stages : configuredStages();
  return Promise.all(stages.map((stage) => packageStage(stage)));
}

export async function lintCfn(options: LintOptions = {}): Promise<LintReport> {
  const started = Date.now();
  const packaged = options.documents ? [] : await packagedStages(options);
  const documents = options.documents ?? [
    ...packaged.flatMap(stageDocuments),
    ...(await writtenTemplates()),
  ];
  const linting = Date.now();
  const findings = await lintTemplates(documents, {
    awsSolutionsOnly: options.awsSolutionsOnly ?? false,
  });
  const acknowledgements = options.acknowledgements ?? ACKNOWLEDGEMENTS;
  const judged = documents.map((doc, i) =>
    judge({ ...doc, findings: findings[i] ?? [] }, acknowledgements),
  );
  const stale = staleAcknowledgements(judged, acknowledgements);
  const open = judged.reduce((n, d) => n + d.open.length, 0);
  return {
    ok: open === 0 && stale.length === 0,
    stages: packaged.map((p) => p.stage),
    documents: judged,
    stale,
    open,
    acknowledged: judged.reduce((n, d) => n + d.acknowledged.length, 0),
    packageMs: linting - started,
    lintMs: Date.now() - linting,
  };
}

const firstSentence = (text: string) => /^.*?\.(?=\s|$)/s.exec(text)?.[0] ?? text;
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** One line per finding (rule, resource, reason), then the stale entries and a verdict. */
export function formatLintReport(report: LintReport): string {
  const lines: string[] = [];
  for (const doc of report.documents) {
    lines.push(`${doc.name} (${doc.source})`);
    for (const f of doc.open) {
      lines.push(`  ✗ ${f.rule}  ${f.resource}  ${oneLine(f.reason).slice(0, 300)}`);
    }
    for (const f of doc.acknowledged) {
      lines.push(`  ✓ ${f.rule}  ${f.resource}  acknowledged: ${firstSentence(f.acknowledgement)}`);
    }
    if (doc.open.length + doc.acknowledged.length === 0) lines.push('  ✓ no findings');
  }
  for (const ack of report.stale) {
    lines.push(
      `✗ stale acknowledgement ${ack.rule} on ${String(ack.resource)} (${ack.kind}): it matches no finding; remove it from scripts/verify/nag-acknowledgements.ts`,
    );
  }
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  lines.push(
    '',
    `lint:cfn: ${report.ok ? 'PASS' : 'FAIL'} — ${report.open} open, ${report.acknowledged} acknowledged, ` +
      `${report.stale.length} stale, ${report.documents.length} documents` +
      (report.stages.length ? `, stages ${report.stages.join(' ')}` : '') +
      ` (package ${seconds(report.packageMs)} s, lint ${seconds(report.lintMs)} s)`,
  );
  return lines.join('\n');
}
