/**
 * Which findings of `npm run lint:cfn` are acknowledged, which are open, and which
 * acknowledgements match nothing any more. Pure: the packs run in nag-pack.ts.
 */
import type { Acknowledgement } from './nag-acknowledgements';
import type { DocumentKind } from './nag-documents';
import type { Finding } from './nag-pack';

export interface JudgedDocument {
  kind: DocumentKind;
  name: string;
  source: string;
  /** Findings no acknowledgement covers: each one fails the lint. */
  open: Finding[];
  acknowledged: (Finding & { acknowledgement: string })[];
  /** Indexes into the acknowledgement list of the ones that matched here. */
  used: number[];
}

export interface DocumentFindings {
  kind: DocumentKind;
  name: string;
  source: string;
  vars: Record<string, string>;
  findings: Finding[];
}

/** `{service}` -> the document's value; an unknown name stays as written, so it cannot match. */
export function fillIn(rule: string, vars: Record<string, string>): string {
  return rule.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

function covers(ack: Acknowledgement, finding: Finding, doc: DocumentFindings): boolean {
  if (ack.kind !== doc.kind || fillIn(ack.rule, doc.vars) !== finding.rule) return false;
  return typeof ack.resource === 'string'
    ? ack.resource === finding.resource
    : ack.resource.test(finding.resource);
}

export function judge(
  doc: DocumentFindings,
  acknowledgements: readonly Acknowledgement[],
): JudgedDocument {
  const judged: JudgedDocument = {
    kind: doc.kind,
    name: doc.name,
    source: doc.source,
    open: [],
    acknowledged: [],
    used: [],
  };
  for (const finding of doc.findings) {
    const index = acknowledgements.findIndex((ack) => covers(ack, finding, doc));
    const ack = acknowledgements[index];
    if (!ack) {
      judged.open.push(finding);
      continue;
    }
    judged.acknowledged.push({ ...finding, acknowledgement: ack.reason });
    if (!judged.used.includes(index)) judged.used.push(index);
  }
  return judged;
}

/**
 * Acknowledgements of a kind of document that was linted but that matched no finding in it:
 * the finding was fixed (or the rule renamed), and the entry must go before it hides another.
 */
export function staleAcknowledgements(
  judged: readonly JudgedDocument[],
  acknowledgements: readonly Acknowledgement[],
): Acknowledgement[] {
  const linted = new Set(judged.map((d) => d.kind));
  const used = new Set(judged.flatMap((d) => d.used));
  return acknowledgements.filter((ack, i) => linted.has(ack.kind) && !used.has(i));
}
