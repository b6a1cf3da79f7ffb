/** Prints a verify report as a readable table, the problems with their fixes, and a verdict. */
import { shortArn } from './matrix';
import type { CaseResult, StageReport, VerifyReport } from './run-verify';

interface Column {
  title: string;
  width: number;
  value: (c: CaseResult) => string;
}

const COLUMNS: Column[] = [
  { title: 'case', width: 42, value: (c) => c.title },
  { title: 'principal', width: 34, value: (c) => c.principal },
  { title: 'action', width: 27, value: (c) => c.action },
  { title: 'resource', width: 62, value: (c) => (c.resource === '*' ? '*' : shortArn(c.resource)) },
  { title: 'expected', width: 8, value: (c) => c.expected },
  { title: 'actual', width: 16, value: (c) => c.actual },
  { title: 'deciding policy/Sid', width: 0, value: (c) => c.deciding },
];

function cell(text: string, width: number): string {
  if (width === 0) return text;
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function row(values: string[], ok?: boolean): string {
  const mark = ok === undefined ? ' ' : ok ? '✓' : '✗';
  return `${mark} ${values.map((v, i) => cell(v, COLUMNS[i]?.width ?? 0)).join(' ')}`.trimEnd();
}

function stageSection(report: StageReport): string[] {
  const lines = [
    `Stage ${report.stage} (${report.region}): execution role ${report.executionRoleArn}`,
    ...report.targets.map(
      (t) =>
        `  target ${t.roleArn}  ExternalId: ${t.externalId ? 'required' : 'none'}${t.kmsKeyArn ? `  KMS: ${t.kmsKeyArn}` : ''}`,
    ),
    '',
    row(COLUMNS.map((c) => c.title)),
    ...report.cases.flatMap((c, i) => [
      // The SCP, then the RCP cases follow the matrix, each under one heading
      // (resources/README.md reads them).
      ...(c.scp &&
      (!report.cases[i - 1]?.scp || report.cases[i - 1]?.scp?.control !== c.scp.control)
        ? [
            '',
            c.scp.control === 'rcp'
              ? '  RCP cases (--rcp): each RCP statement, whom it stops at the target role (trust loosened to "*"), whom it spares'
              : '  SCP cases (--scp): each SCP statement, what it blocks, whom it spares',
          ]
        : []),
      row(
        COLUMNS.map((col) => col.value(c)),
        c.ok,
      ),
    ]),
  ];
  const wrong = report.cases.filter((c) => !c.ok);
  if (wrong.length > 0) lines.push('', `Mismatches in stage ${report.stage}:`);
  for (const c of wrong) {
    lines.push(
      `✗ ${c.title} — ${c.principal} ${c.action} ${c.resource}: expected ${c.expected}, got ${c.actual}`,
      `    ${c.explanation}`,
      `    fix: ${c.fix ?? ''}`,
    );
  }
  if (report.findings.length > 0) lines.push('', `Static findings in stage ${report.stage}:`);
  for (const f of report.findings) {
    lines.push(
      `✗ ${f.source}${f.statement ? `, statement ${f.statement}` : ''}: ${f.message}`,
      `    fix: ${f.fix}`,
    );
  }
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines;
}

export function verdict(report: VerifyReport): string {
  const stages = report.stages.map((s) => s.stage).join(', ');
  const seconds = (report.durationMs / 1000).toFixed(1);
  if (report.ok) {
    return `verify: PASS — ${report.cases} cases as expected, no static findings, stages ${stages} (${seconds} s)`;
  }
  return `verify: FAIL — ${report.mismatches} of ${report.cases} cases differ, ${report.findings} static finding(s), stages ${stages} (${seconds} s)`;
}

export function formatReport(report: VerifyReport): string {
  const sections = report.stages.flatMap((s) => [...stageSection(s), '']);
  return [
    `Home account ${report.homeAccountId}${report.homeAccountId === '111111111111' ? ' (placeholder; --home-account to change)' : ''}`,
    '',
    ...sections,
    verdict(report),
  ].join('\n');
}
