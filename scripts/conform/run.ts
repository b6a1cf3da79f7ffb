/**
 * The whole conformance run: package (or reuse) every stage and engine switch, read every file
 * under resources/, check each, and sum up.
 */
import { conformSubject } from './conform';
import { DELIBERATE } from './deliberate';
import type { Finding } from './finding';
import { usedDeliberate } from './integrations';
import { registry } from './registry';
import type { Subject } from './subject';
import { packagedSubject, packagingVariants, resourceFileSubjects, variantName } from './subjects';
import type { PackagingVariant } from './variants';

export interface ConformReport {
  subjects: string[];
  /** Choices a stage cannot make: packaging refused them, naming the param (not a finding). */
  refused: { subject: string; reason: string }[];
  findings: Finding[];
}

export async function conformAll(
  options: {
    loadSubject?: (variant: ReturnType<typeof packagingVariants>[number]) => Promise<Subject>;
  } = {},
): Promise<ConformReport> {
  const load = options.loadSubject ?? packagedSubject;
  const db = await registry();
  const variants = packagingVariants();
  const packaged: Subject[] = [];
  const refused: ConformReport['refused'] = [];
  const loadOrRefuse = async (variant: PackagingVariant) => {
    try {
      packaged.push(await load(variant));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!variant.param || !message.includes(`params.${variant.param}`)) throw error;
      const reason =
        message.split('\n').find((line) => line.includes(`params.${variant.param}`)) ?? message;
      refused.push({ subject: variantName(variant), reason: reason.trim() });
    }
  };
  // Two packagings at a time: each is a CPU-bound `sls package`.
  for (let i = 0; i < variants.length; i += 2) {
    await Promise.all(variants.slice(i, i + 2).map(loadOrRefuse));
  }
  const subjects = [...packaged, ...(await resourceFileSubjects())];
  const findings: Finding[] = [];
  for (const subject of subjects) findings.push(...(await conformSubject(subject, db)));
  // A written-down difference that no stage shows any more is stale: the list must stay true.
  for (const entry of DELIBERATE.filter((d) => !usedDeliberate.has(d))) {
    findings.push({
      category: 'integration',
      subject: 'scripts/conform/deliberate.ts',
      where: entry.integration,
      message: `no stage differs from aws-cdk-lib by "${entry.line}" (${entry.side}) any more: remove the entry`,
    });
  }
  return { subjects: subjects.map((s) => s.name), refused, findings };
}

export function formatReport(report: ConformReport): string {
  const lines = report.findings.map(
    (f) => `${f.category.padEnd(13)} ${f.subject}: ${f.where}: ${f.message}`,
  );
  const byCategory = new Map<string, number>();
  for (const f of report.findings)
    byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
  const counts = [...byCategory].map(([c, n]) => `${c} ${n}`).join(', ');
  lines.push(
    ...report.refused.map(
      (r) => `refused       ${r.subject}: not a choice this stage can make: ${r.reason}`,
    ),
    '',
    `conform: ${report.subjects.length} subjects checked (${report.subjects.join('; ')})`,
    `conform: ${report.findings.length} finding(s)${counts ? ` (${counts})` : ''}`,
  );
  return lines.join('\n');
}
