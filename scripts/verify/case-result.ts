/**
 * One matrix case, evaluated: its outcome against the expectation, the deciding statements in
 * short form, and for a case that came out the other way, the hint naming what to fix.
 */

import { type DecidingStatement, isControlPolicy, statementLabel } from './explain';
import { HINTS, type HintId, hintText } from './hints';
import type { MatrixCase } from './matrix';
import type { ScpRole, ScpSource } from './matrix-case';
import type { PolicyAuthorizer } from './policy-authorizer';
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
  /** For an SCP or RCP case: the statement it was derived from. */
  scp?: ScpSource;
}

/**
 * e.g. `identity:AssumeConfiguredTargetRoles + trust:TrustOnlyTheExecutionRole`; an SCP's
 * statement with its file, `scp(scp-home-deployment.json):ProtectTheFunctionsExceptDeployRole(Deny)`.
 */
export function decidingShort(deciding: DecidingStatement[]): string {
  if (deciding.length === 0) return '-';
  return deciding
    .map((s) => {
      const named = s.sid !== undefined || s.index !== undefined;
      const what =
        s.effect !== 'None'
          ? statementLabel(s)
          : named
            ? `${statementLabel(s)}(${isControlPolicy(s.kind) ? 'not applied' : 'no match'})`
            : 'no Allow';
      const kind = isControlPolicy(s.kind) ? `${s.kind}(${s.policy})` : s.kind;
      return `${kind}:${what}${s.effect === 'Deny' ? '(Deny)' : ''}`;
    })
    .join(' + ');
}

/** How the SCP and RCP hints begin; a failing row replaces it with the file and statement. */
const NAMED_IN_FIX = /^The [SR]CP file and statement named in the fix: /;

const SCP_HINTS: Record<ScpRole, HintId> = {
  blocks: 'scpDoesNotBlock',
  exception: 'scpBlocksException',
  unaffected: 'scpBlocksOtherTags',
  product: 'scpBreaksTheProduct',
};

const RCP_HINTS: Record<ScpRole, HintId> = {
  blocks: 'rcpDoesNotBlock',
  exception: 'rcpBlocksExecutionRole',
  unaffected: 'rcpBlocksOtherTags',
  product: 'rcpBlocksExecutionRole',
};

/**
 * An SCP case's fix names the statement to change: the one the case comes from when it should
 * have denied, the SCP statement that denied when it should have allowed.
 */
function scpFix(source: ScpSource, deciding: DecidingStatement[]): { hint: HintId; fix: string } {
  const kind = source.control ?? 'scp';
  const hint = (kind === 'rcp' ? RCP_HINTS : SCP_HINTS)[source.role];
  const denied = deciding.find((d) => d.kind === kind && d.effect === 'Deny');
  const [policy, statement] =
    source.role !== 'blocks' && denied
      ? [denied.policy, statementLabel(denied)]
      : [source.policy, source.statement];
  const how = HINTS[hint].fix.replace(NAMED_IN_FIX, '');
  return { hint, fix: `${HINTS[hint].symptom}. Fix: ${policy}, statement ${statement}: ${how}` };
}

/** The hint for an expected Allow that was denied: the first layer that said no. */
function hintForDenied(c: MatrixCase, deciding: DecidingStatement[]): HintId {
  const kinds = new Set(deciding.map((d) => d.kind));
  if (kinds.has('scp')) return 'scpBlocks';
  if (kinds.has('boundary')) return 'boundaryBlocks';
  if (c.ifDenied === 'kms') return 'kmsGrantMissing';
  if (c.ifDenied === 'ec2') return 'ec2AccessMissing';
  if (c.ifDenied === 'rds') return 'rdsAccessMissing';
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
    ...(c.scp ? { scp: c.scp } : {}),
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
  // A matrix row an RCP denied is the product broken by it: name the RCP's file and statement.
  const rcpDenied =
    !ok && c.expected === 'Allowed'
      ? decision.deciding.find((d) => d.kind === 'rcp' && d.effect === 'Deny')
      : undefined;
  const source: ScpSource | undefined =
    c.scp ??
    (rcpDenied
      ? {
          control: 'rcp',
          policy: rcpDenied.policy,
          statement: statementLabel(rcpDenied),
          role: 'product',
        }
      : undefined);
  if (!ok && source) {
    return {
      ...base,
      actual: decision.result,
      deciding: decidingShort(decision.deciding),
      explanation: decision.explanation,
      ok,
      ...scpFix(source, decision.deciding),
    };
  }
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
