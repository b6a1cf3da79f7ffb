/**
 * One matrix case, evaluated: its outcome against the expectation, the deciding statements in
 * short form, and for a case that came out the other way, the hint naming what to fix.
 */
import type { PolicyAuthorizer } from '../policy-authorizer';
import { type DecidingStatement, statementLabel } from './explain';
import { type HintId, hintText } from './hints';
import type { MatrixCase } from './matrix';
import { type PolicyDecision, PolicyEvaluationError } from './simulate';

export type Actual = PolicyDecision['result'] | 'Error';

export interface CaseResult
  extends Pick<
    MatrixCase,
    'id' | 'title' | 'target' | 'principal' | 'action' | 'resource' | 'expected'
  > {
  stage: string;
  actual: Actual;
  /** Short form of the deciding statements, e.g. `trust:RequireExternalId(Deny)`. */
  deciding: string;
  explanation: string;
  ok: boolean;
  hint?: HintId;
  /** The hint in words, for a case that came out the other way. */
  fix?: string;
}

/** e.g. `identity:AssumeConfiguredTargetRoles + trust:TrustOnlyTheExecutionRole`. */
export function decidingShort(deciding: DecidingStatement[]): string {
  if (deciding.length === 0) return '-';
  return deciding
    .map((s) => {
      const named = s.sid !== undefined || s.index !== undefined;
      const what =
        s.effect !== 'None'
          ? statementLabel(s)
          : named
            ? `${statementLabel(s)}(no match)`
            : 'no Allow';
      return `${s.kind}:${what}${s.effect === 'Deny' ? '(Deny)' : ''}`;
    })
    .join(' + ');
}

/** The hint for an expected Allow that was denied: the first layer that said no. */
function hintForDenied(c: MatrixCase, deciding: DecidingStatement[]): HintId {
  const kinds = new Set(deciding.map((d) => d.kind));
  if (kinds.has('scp')) return 'scpBlocks';
  if (kinds.has('boundary')) return 'boundaryBlocks';
  if (c.ifDenied === 'kms') return 'kmsGrantMissing';
  if (c.ifDenied === 'ec2') return 'ec2AccessMissing';
  const sids = new Set(deciding.map((d) => d.sid));
  if (sids.has('RequireExternalId')) return 'externalIdMismatch';
  if (sids.has('RequireOrganization')) return 'organizationMismatch';
  if (kinds.has('trust')) return 'trustRejectsExecutionRole';
  return 'executionRoleCannotAssume';
}

/** Runs a case; an evaluation error is a failed case, never a pass. */
export async function evaluateCase(
  stage: string,
  c: MatrixCase,
  authorizer: PolicyAuthorizer,
): Promise<CaseResult> {
  const base = {
    stage,
    id: c.id,
    title: c.title,
    target: c.target,
    principal: c.principal,
    action: c.action,
    resource: c.resource,
    expected: c.expected,
  };
  let decision: PolicyDecision;
  try {
    decision = await c.run(authorizer);
  } catch (error) {
    if (!(error instanceof PolicyEvaluationError)) throw error;
    const hint: HintId = 'evaluationError';
    return {
      ...base,
      actual: 'Error' as const,
      deciding: '-',
      explanation: error.message,
      ok: false,
      hint,
      fix: hintText(hint),
    };
  }
  const ok = (decision.result === 'Allowed') === (c.expected === 'Allowed');
  const hint = ok
    ? undefined
    : c.expected === 'Denied'
      ? (c.ifAllowed ?? 'evaluationError')
      : hintForDenied(c, decision.deciding);
  return {
    ...base,
    actual: decision.result,
    deciding: decidingShort(decision.deciding),
    explanation: decision.explanation,
    ok,
    ...(hint ? { hint, fix: hintText(hint) } : {}),
  };
}
