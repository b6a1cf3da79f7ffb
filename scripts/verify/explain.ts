/**
 * Turns iam-simulate's request analysis into the words a person fixing a policy needs: which
 * policy decided, which statement (by Sid), and for an implicit deny, which nearby Allow
 * statement failed and on what (condition key, resource or principal).
 */
import { getDenialReasons, type RequestAnalysis } from '@cloud-copilot/iam-simulate';

export type PolicyKind = 'identity' | 'trust' | 'resource' | 'scp' | 'rcp' | 'boundary';

/** The Organization's control policies: SCPs on the caller's account, RCPs on the resource's. */
export function isControlPolicy(kind: PolicyKind): kind is 'scp' | 'rcp' {
  return kind === 'scp' || kind === 'rcp';
}

export interface DecidingStatement {
  kind: PolicyKind;
  /** The policy's name: policy name, SCP or RCP file, or "trust policy of <role ARN>". */
  policy: string;
  /** Where the policy is written (a file and resource), when known. */
  source?: string;
  sid?: string;
  /** 1-based position in the policy, for statements without a Sid. */
  index?: number;
  /** `None`: no statement of this policy allows the request (an implicit deny). */
  effect: 'Allow' | 'Deny' | 'None';
  /** For `None`: the closest Allow statement and what it did not match. */
  note?: string;
}

/** Policy names and sources per kind, so statements can be named by their documents. */
export interface PolicyNames {
  resourcePolicy?: { kind: 'trust' | 'resource'; name: string; source: string };
  sources: Record<string, string>;
  /** Who the identity policies belong to, for "no identity policy of X allows it". */
  principal: string;
}

type Analysed = NonNullable<RequestAnalysis['identityAnalysis']>;
type StatementAnalysis = Analysed['allowStatements'][number];

/** A short label: the Sid, or `#<n>` for a statement without one. */
export function statementLabel(s: Pick<DecidingStatement, 'sid' | 'index'>): string {
  return s.sid ?? (s.index === undefined ? '(no statement)' : `#${s.index}`);
}

function whyNoMatch(s: StatementAnalysis): string {
  const e = s.explain;
  const why: string[] = [];
  if (!e.actionMatch) why.push('action');
  if (!e.resourceMatch) why.push('resource');
  if (e.principalMatch === 'NoMatch') why.push('principal');
  if (!e.conditionMatch) {
    const keys = (e.conditions ?? []).filter((c) => !c.matches).map((c) => c.conditionKeyValue);
    why.push(`condition ${keys.join(', ') || '(unknown)'}`);
  }
  return why.length === 0 ? 'matched' : `${why.join(' and ')} did not match`;
}

/** The Allow statement that came closest: it matched the action, so it was meant for this. */
function closestAllow(section: Analysed | undefined): StatementAnalysis | undefined {
  return section?.unmatchedStatements.find(
    (s) => s.statement.isAllow() && s.explain.actionMatch !== false,
  );
}

function fromStatement(
  kind: PolicyKind,
  s: StatementAnalysis,
  effect: DecidingStatement['effect'],
  names: PolicyNames,
): DecidingStatement {
  const resource = kind === 'trust' || kind === 'resource' ? names.resourcePolicy : undefined;
  const policy = resource?.name ?? s.policyId;
  const source = resource?.source ?? names.sources[s.policyId];
  const sid = s.statement.sid();
  return {
    kind,
    policy,
    ...(source ? { source } : {}),
    ...(sid ? { sid } : {}),
    index: s.statement.index(),
    effect,
  };
}

const KIND_OF = {
  identity: 'identity',
  resource: 'resource',
  scp: 'scp',
  rcp: 'rcp',
  pb: 'boundary',
} as const;

/** The statements that decided the request, in the order a reader should look at them. */
export function decidingStatements(
  analysis: RequestAnalysis,
  names: PolicyNames,
): DecidingStatement[] {
  const resourceKind: PolicyKind = names.resourcePolicy?.kind ?? 'resource';
  const sections: [PolicyKind, Analysed | undefined][] = [
    ['identity', analysis.identityAnalysis],
    [resourceKind, analysis.resourceAnalysis as Analysed | undefined],
    ['boundary', analysis.permissionBoundaryAnalysis],
    ...(analysis.scpAnalysis?.ouAnalysis ?? []).map((ou) => ['scp', ou] as [PolicyKind, Analysed]),
    ...(analysis.rcpAnalysis?.ouAnalysis ?? []).map((ou) => ['rcp', ou] as [PolicyKind, Analysed]),
  ];
  if (analysis.result === 'Allowed') {
    const allows = sections
      .filter(([kind]) => kind === 'identity' || kind === resourceKind || kind === 'boundary')
      .flatMap(([kind, section]) =>
        (section?.allowStatements ?? []).map((s) => fromStatement(kind, s, 'Allow', names)),
      );
    // An SCP or RCP Deny that named this action and resource but whose condition spared the
    // request (an exception such as the deploy role): the reader needs to see it did not apply.
    const spared = sections
      .filter(([kind]) => isControlPolicy(kind))
      .flatMap(([kind, section]) =>
        (section?.unmatchedStatements ?? [])
          .filter((s) => !s.statement.isAllow() && s.explain.actionMatch && s.explain.resourceMatch)
          .map((s) => ({
            ...fromStatement(kind, s, 'None', names),
            note: whyNoMatch(s),
          })),
      );
    return [...allows, ...spared];
  }
  if (analysis.result === 'ExplicitlyDenied') {
    return sections.flatMap(([kind, section]) =>
      (section?.denyStatements ?? []).map((s) => fromStatement(kind, s, 'Deny', names)),
    );
  }
  // Implicit: the library knows which policy types lacked an Allow for this request.
  return getDenialReasons(analysis)
    .filter((d) => d.denialType === 'Implicit' && d.policyType in KIND_OF)
    .map((d) => {
      const base = KIND_OF[d.policyType as keyof typeof KIND_OF];
      const kind: PolicyKind = base === 'resource' ? resourceKind : base;
      const section = sections.find(([k]) => k === kind)?.[1];
      const closest = closestAllow(section);
      const named = closest
        ? fromStatement(kind, closest, 'None', names)
        : {
            kind,
            policy:
              kind === resourceKind
                ? (names.resourcePolicy?.name ?? 'resource policy')
                : kind === 'identity'
                  ? `identity policies of ${names.principal}`
                  : kind,
            effect: 'None' as const,
          };
      return {
        ...named,
        note: closest
          ? `closest Allow ${statementLabel(named)}: ${whyNoMatch(closest)}`
          : 'no statement allows it',
      };
    });
}

const KIND_WORDS: Record<PolicyKind, string> = {
  identity: 'identity policy',
  trust: 'trust policy',
  resource: 'resource policy',
  scp: 'SCP',
  rcp: 'RCP',
  boundary: 'permission boundary',
};

/** e.g. `identity policy "xacct-ec2-prod-lambda" statement AssumeConfiguredTargetRoles`. */
export function describeStatement(s: DecidingStatement): string {
  // Trust policies and "identity policies of X" are already named in words.
  const policy =
    s.policy.startsWith('trust policy of') || s.policy.startsWith('identity policies of')
      ? s.policy
      : `${KIND_WORDS[s.kind]} "${s.policy}"`;
  const statement = s.sid || s.index !== undefined ? ` statement ${statementLabel(s)}` : '';
  return `${policy}${s.effect === 'None' ? '' : statement}`;
}

/** One sentence naming the deciding policies and statements. */
export function explain(result: RequestAnalysis['result'], deciding: DecidingStatement[]): string {
  if (result === 'Allowed') {
    const allows = deciding.filter((s) => s.effect === 'Allow');
    const spared = deciding
      .filter((s) => s.effect === 'None')
      .map(
        (s) => `; ${describeStatement(s)} statement ${statementLabel(s)} did not apply (${s.note})`,
      );
    return `Allowed by ${allows.map(describeStatement).join(' and ')}${spared.join('')}`;
  }
  if (result === 'ExplicitlyDenied') {
    return `Explicitly denied by ${deciding.map(describeStatement).join(' and ')}`;
  }
  const parts = deciding.map(
    (s) => `no statement in ${describeStatement(s)} allows it (${s.note})`,
  );
  return `Implicitly denied: ${parts.join('; ') || 'no policy allows it'}`;
}
