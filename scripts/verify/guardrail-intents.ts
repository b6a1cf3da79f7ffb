/**
 * The guardrails shipped in resources/ (SCPs and the RCP), each statement declared once with
 * its purpose: what it must block, on which kinds of the stage's resources, and whom alone it
 * may spare. verify attaches them when no --scp or --rcp is given and proves each statement:
 * the matrix rows (matrix-scp.ts) must show it blocking every declared action and every kind of
 * resource the stage has, and sparing only the declared roles. A statement deleted, an action
 * removed, a Resource narrowed past a kind, an exception widened, or a new statement without a
 * purpose fails verify: a weakened guardrail is never only a note.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  listOf,
  type PolicyDocument,
  statementsOf,
} from '../../resources/home-stack/roles/policy-document';
import { REPO_ROOT } from '../shared/repo-root';
import type { CaseResult } from './case-result';
import { patternCovers } from './pattern-cover';
import { protectionsOf } from './scp-statements';
import { PLACEHOLDER_HOME_ACCOUNT } from './stage-world';
import type { StaticFinding } from './static-checks';
import type { WorldPolicy } from './world';

export interface GuardrailStatement {
  sid: string;
  purpose: string;
  /** Actions it must deny, each shown denied by a row. */
  blocks: readonly string[];
  /** Kinds of stage resource (scp-resources.ts) it must cover, each shown by a row. */
  covers: readonly string[];
  /** aws:PrincipalArn patterns it may spare; `<home>` is the home account. */
  spares: readonly string[];
}

export interface ShippedGuardrail {
  /** The file in resources/. */
  file: string;
  kind: 'scp' | 'rcp';
  statements: readonly GuardrailStatement[];
}

const DEPLOYER = 'arn:aws:iam::*:role/xacct-ec2-deployer';
const TAG_ADMIN = 'arn:aws:iam::*:role/xacct-ec2-tag-admin';

export const SHIPPED_GUARDRAILS: readonly ShippedGuardrail[] = [
  {
    file: 'scp-home-deployment.json',
    kind: 'scp',
    statements: [
      {
        sid: 'ProtectTheServiceRolesExceptDeployRole',
        purpose:
          "only the deploy role changes the service's roles (their trust, policies, boundary, tags)",
        blocks: [
          'iam:AttachRolePolicy',
          'iam:CreateRole',
          'iam:DeleteRole',
          'iam:DeleteRolePermissionsBoundary',
          'iam:DeleteRolePolicy',
          'iam:DetachRolePolicy',
          'iam:PutRolePermissionsBoundary',
          'iam:PutRolePolicy',
          'iam:TagRole',
          'iam:UntagRole',
          'iam:UpdateAssumeRolePolicy',
          'iam:UpdateRole',
          'iam:UpdateRoleDescription',
        ],
        covers: ['execution role', 'stack role', 'target role'],
        spares: [DEPLOYER],
      },
      {
        sid: 'ProtectTheFunctionsExceptDeployRole',
        purpose: "only the deploy role changes the functions' code, configuration and permissions",
        blocks: [
          'lambda:AddPermission',
          'lambda:CreateAlias',
          'lambda:CreateFunction',
          'lambda:CreateFunctionUrlConfig',
          'lambda:DeleteAlias',
          'lambda:DeleteFunction',
          'lambda:DeleteFunctionConcurrency',
          'lambda:DeleteFunctionEventInvokeConfig',
          'lambda:PublishVersion',
          'lambda:PutFunctionConcurrency',
          'lambda:PutFunctionEventInvokeConfig',
          'lambda:RemovePermission',
          'lambda:TagResource',
          'lambda:UntagResource',
          'lambda:UpdateAlias',
          'lambda:UpdateFunctionCode',
          'lambda:UpdateFunctionConfiguration',
          'lambda:UpdateFunctionEventInvokeConfig',
        ],
        covers: ['function'],
        spares: [DEPLOYER],
      },
      {
        sid: 'ProtectTheSchedulesExceptDeployRole',
        purpose: 'only the deploy role creates, changes or deletes the schedules and their group',
        blocks: [
          'scheduler:CreateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:DeleteScheduleGroup',
        ],
        covers: ['schedule', 'schedule group'],
        spares: [DEPLOYER],
      },
      {
        sid: 'ProtectTheEngineExceptDeployRole',
        purpose: 'only the deploy role changes the engine state machine',
        blocks: [
          'states:CreateStateMachine',
          'states:DeleteStateMachine',
          'states:TagResource',
          'states:UntagResource',
          'states:UpdateStateMachine',
        ],
        covers: ['state machine'],
        spares: [DEPLOYER],
      },
      {
        sid: 'ProtectTheStacksExceptDeployRole',
        purpose: "only the deploy role changes the service's stack",
        blocks: [
          'cloudformation:CreateChangeSet',
          'cloudformation:CreateStack',
          'cloudformation:DeleteStack',
          'cloudformation:ExecuteChangeSet',
          'cloudformation:SetStackPolicy',
          'cloudformation:UpdateStack',
          'cloudformation:UpdateTerminationProtection',
        ],
        covers: ['stack'],
        spares: [DEPLOYER],
      },
    ],
  },
  {
    file: 'scp-target-control-tag.json',
    kind: 'scp',
    statements: [
      {
        sid: 'DenyControlTagChangesExceptTagAdmin',
        purpose:
          'only the tag admin adds or removes the control tag (it decides what is scheduled)',
        blocks: ['ec2:CreateTags', 'ec2:DeleteTags'],
        covers: ['instance'],
        spares: [TAG_ADMIN],
      },
      {
        sid: 'DenyRdsControlTagChangesExceptTagAdmin',
        purpose:
          'only the tag admin adds or removes the control tag on DB instances and clusters; RDS authorises tags given at creation as rds:AddTagsToResource too (RDS User Guide, tag on create)',
        blocks: ['rds:AddTagsToResource', 'rds:RemoveTagsFromResource'],
        covers: ['DB instance', 'DB cluster'],
        spares: [TAG_ADMIN],
      },
      {
        sid: 'DenyDeletingAllTagsExceptTagAdmin',
        purpose: 'DeleteTags without tag keys deletes every tag, the control tag too',
        blocks: ['ec2:DeleteTags'],
        covers: ['instance'],
        spares: [TAG_ADMIN],
      },
      {
        sid: 'DenyLaunchingIntoAScheduleExceptTagAdmin',
        purpose:
          'an instance launched with the control tag would be scheduled by whoever launched it',
        blocks: ['ec2:CreateTags'],
        covers: ['instance'],
        spares: [TAG_ADMIN],
      },
    ],
  },
  {
    file: 'rcp-target-role-assume.json',
    kind: 'rcp',
    statements: [
      {
        sid: 'OnlyTheHomeExecutionRoleAssumesTheTargetRole',
        purpose:
          'only the home execution roles assume the target role, even through a loosened trust',
        blocks: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
        covers: ['target role'],
        spares: ['arn:aws:iam::<home>:role/xacct-ec2-*-exec'],
      },
    ],
  },
];

/**
 * The shipped guardrails as verify attaches them by default: the RCP's home account (the
 * placeholder the file is written with) becomes `homeAccountId`, as resources/README.md says to
 * edit it before attaching.
 */
export function shippedGuardrails(homeAccountId: string): {
  serviceControlPolicies: WorldPolicy[];
  resourceControlPolicies: WorldPolicy[];
} {
  const load = (g: ShippedGuardrail): WorldPolicy => {
    const text = readFileSync(path.join(REPO_ROOT, 'resources', g.file), 'utf8');
    const edited = text.split(`:${PLACEHOLDER_HOME_ACCOUNT}:`).join(`:${homeAccountId}:`);
    return { name: g.file, policy: JSON.parse(edited) as PolicyDocument };
  };
  return {
    serviceControlPolicies: SHIPPED_GUARDRAILS.filter((g) => g.kind === 'scp').map(load),
    resourceControlPolicies: SHIPPED_GUARDRAILS.filter((g) => g.kind === 'rcp').map(load),
  };
}

/** The declared actions of a shipped statement, for expanding its wildcard actions into rows. */
export function declaredActions(policy: string, sid: string): readonly string[] | undefined {
  return SHIPPED_GUARDRAILS.find((g) => g.file === policy)?.statements.find((s) => s.sid === sid)
    ?.blocks;
}

function finding(
  g: ShippedGuardrail,
  statement: string,
  message: string,
  hint: 'guardrailWeakened' | 'guardrailUnproven',
): StaticFinding {
  return {
    policy: g.file,
    source: `resources/${g.file}`,
    statement,
    message,
    hint,
  };
}

/**
 * Each shipped guardrail given to verify (by file name) against its declaration and its rows.
 * `kinds`: the kinds of resource the stage has (a stage without schedules has no schedule rows).
 */
export function checkShippedGuardrails(
  given: readonly WorldPolicy[],
  cases: readonly CaseResult[],
  kinds: ReadonlySet<string>,
  homeAccountId: string,
): StaticFinding[] {
  return SHIPPED_GUARDRAILS.flatMap((g) => {
    const policy = given.find((p) => p.name === g.file);
    if (!policy) return [];
    const findings: StaticFinding[] = [];
    const statements = statementsOf(policy.policy);
    const declared = new Set(g.statements.map((s) => s.sid));
    statements.forEach((s, i) => {
      const sid = typeof s?.Sid === 'string' ? s.Sid : `#${i + 1}`;
      if (!declared.has(sid)) {
        const message =
          'is a statement with no declared purpose: declare what it blocks and spares in scripts/verify/guardrail-intents.ts';
        findings.push(finding(g, sid, message, 'guardrailWeakened'));
      }
    });
    const read = protectionsOf(g.file, policy.policy, declaredActions);
    for (const intent of g.statements) {
      const where = `(${intent.purpose})`;
      const statement = statements.find((s) => s?.Sid === intent.sid);
      if (!statement) {
        findings.push(finding(g, intent.sid, `is missing ${where}`, 'guardrailWeakened'));
        continue;
      }
      if (statement.Effect !== 'Deny') {
        const message = `is not a Deny ${where}`;
        findings.push(finding(g, intent.sid, message, 'guardrailWeakened'));
        continue;
      }
      const actions = listOf(statement.Action);
      const missing = intent.blocks.filter(
        (a) => statement.NotAction !== undefined || !actions.some((p) => patternCovers(p, a, true)),
      );
      if (missing.length > 0) {
        const message = `no longer denies ${missing.join(', ')} ${where}`;
        findings.push(finding(g, intent.sid, message, 'guardrailWeakened'));
      }
      const protection = read.find(
        (r) => 'protection' in r && r.protection.statement === intent.sid,
      );
      const spares = intent.spares.map((p) => p.replace('<home>', homeAccountId));
      const exceptions =
        protection && 'protection' in protection ? protection.protection.exceptions : [];
      const wider = exceptions.filter((e) => !spares.some((p) => patternCovers(p, e)));
      if (wider.length > 0) {
        const message = `spares ${wider.join(', ')}, beyond ${spares.join(', ')} ${where}`;
        findings.push(finding(g, intent.sid, message, 'guardrailWeakened'));
      }
      // The rows: each declared action, and each kind the stage has, shown blocked.
      const rows = cases.filter(
        (c) =>
          c.scp?.policy === g.file && c.scp.statement === intent.sid && c.scp.role === 'blocks',
      );
      const present = intent.covers.filter((k) => kinds.has(k));
      if (present.length === 0) continue;
      const unshownActions = intent.blocks.filter(
        (a) => !rows.some((c) => c.action.toLowerCase() === a.toLowerCase() && c.ok),
      );
      const unshownKinds = present.filter(
        (k) => !rows.some((c) => c.scp?.resourceKind === k && c.ok),
      );
      if (unshownActions.length > 0 || unshownKinds.length > 0) {
        const what = [
          ...(unshownActions.length > 0 ? [`actions ${unshownActions.join(', ')}`] : []),
          ...(unshownKinds.length > 0 ? [`the stage's ${unshownKinds.join(', ')}`] : []),
        ].join(' and ');
        const message = `is not proven to block ${what}: no row shows it denied ${where}`;
        findings.push(finding(g, intent.sid, message, 'guardrailUnproven'));
      }
    }
    return findings;
  });
}
