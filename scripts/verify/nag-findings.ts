/**
 * Which findings of `npm run lint:cfn` are acknowledged, which are open, and which
 * acknowledgements match nothing any more. Pure: the packs run in nag-pack.ts.
 */

import {
  listOf,
  type PolicyDocument,
  statementsOf,
} from '../../resources/home-stack/roles/policy-document';
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
  /** The template linted: statement-level acknowledgements look into its policies. */
  template: object;
  findings: Finding[];
}

/** `{service}` -> the document's value; an unknown name stays as written, so it cannot match. */
export function fillIn(rule: string, vars: Record<string, string>): string {
  return rule.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** `AwsSolutions-IAM5[Resource::*]` -> the element and the value the finding is about. */
function wildcardOf(rule: string): { element: 'Resource' | 'Action'; value: string } | undefined {
  const match = /^AwsSolutions-IAM5\[(Resource|Action)::(.*)\]$/.exec(rule);
  return match ? { element: match[1] as 'Resource' | 'Action', value: match[2] ?? '' } : undefined;
}

/**
 * The Sids of the statements, in the resource's inline policies, whose Resource (or Action)
 * lists this value: the pack names the role, not the statement, so a `*` added to a second
 * statement would otherwise hide behind the first one's acknowledgement.
 */
export function statementsWith(
  template: object,
  logicalId: string,
  wildcard: { element: 'Resource' | 'Action'; value: string },
): string[] {
  const resources = (template as { Resources?: Record<string, { Properties?: unknown }> })
    .Resources;
  const properties = resources?.[logicalId]?.Properties as
    | { Policies?: { PolicyDocument?: unknown }[]; PolicyDocument?: unknown }
    | undefined;
  const documents = [
    ...(properties?.Policies ?? []).map((p) => p.PolicyDocument),
    properties?.PolicyDocument,
  ].filter((d): d is PolicyDocument => typeof d === 'object' && d !== null && 'Statement' in d);
  return documents.flatMap((document) =>
    statementsOf(document)
      // A wildcard in a Deny narrows what the role may do; only Allow statements grant with it.
      .filter((statement) => statement.Effect !== 'Deny')
      .filter((statement) => listOf(statement[wildcard.element]).includes(wildcard.value))
      .map((statement) => statement.Sid ?? '(no Sid)'),
  );
}

function covers(ack: Acknowledgement, finding: Finding, doc: DocumentFindings): boolean {
  if (ack.kind !== doc.kind || fillIn(ack.rule, doc.vars) !== finding.rule) return false;
  const resource =
    typeof ack.resource === 'string'
      ? ack.resource === finding.resource
      : ack.resource.test(finding.resource);
  if (!resource || !ack.statements) return resource;
  const wildcard = wildcardOf(finding.rule);
  const statements = wildcard ? statementsWith(doc.template, finding.resource, wildcard) : [];
  return statements.length > 0 && statements.every((sid) => ack.statements?.includes(sid));
}

/** An open wildcard finding names the statements that carry the wildcard: the ones to fix. */
function withStatements(finding: Finding, doc: DocumentFindings): Finding {
  const wildcard = wildcardOf(finding.rule);
  const statements = wildcard ? statementsWith(doc.template, finding.resource, wildcard) : [];
  if (statements.length === 0) return finding;
  return { ...finding, reason: `${finding.reason} In statement ${statements.join(', ')}.` };
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
      judged.open.push(withStatements(finding, doc));
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
