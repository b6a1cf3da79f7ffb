/**
 * Caller rules (stage param `callers`): which principals of which account may call which actions
 * over HTTP. `execute-api:Invoke` decides who reaches the API at all; these rules decide, inside
 * the function, what each caller may do, so a broad `execute-api:*` in the home account is not
 * enough to stop every instance. The forms are documented in handlers/aws/CALLERS.md.
 *
 * Principal forms (the account is always required, in `account`):
 * - `role/<name>`: an assumed role by name (the session ARN drops the path); `role/<prefix>*`
 *   matches names starting with the prefix. The only wildcard is one trailing `*`.
 * - `sso/<PermissionSet>`: the IAM Identity Center role `AWSReservedSSO_<PermissionSet>_<16 hex>`,
 *   exactly that permission set (a prefix rule would also match `<PermissionSet>_More`).
 * - `role-id/AROA...`: one role by its unique ID (a role deleted and made again gets another).
 * - `user/<name>` (or `user/<prefix>*`): an IAM user. Root and federated users never match.
 */
import * as z from 'zod/mini';
import { ACTIONS, type Action } from '../contract/request';
import type { CallerIdentity } from '../formats/caller';
import { ACCOUNT_ID_PATTERN } from '../formats/ids';
import { DEFAULT_TASK, TASK_NAMES } from '../tasks';

/**
 * The tasks of a rule that names none: only the default task (`ec2`), the one every rule written
 * before tasks existed meant. A caller allowed to stop instances is not thereby allowed to stop
 * databases: another task must be listed in `tasks`.
 */
export const TASKS_OF_A_RULE_WITHOUT_TASKS: readonly string[] = [DEFAULT_TASK];

const TASK_LIST = TASK_NAMES.map((n) => `"${n}"`).join(', ');

const NAME_PATTERN = '[\\w+=,.@-]{1,64}';
export const PRINCIPAL_PATTERN = new RegExp(
  `^(role/${NAME_PATTERN}|role/[\\w+=,.@-]{0,63}\\*|sso/[\\w+=,.@-]{1,32}|role-id/AROA[A-Z0-9]{12,}|user/${NAME_PATTERN}|user/[\\w+=,.@-]{0,63}\\*)$`,
);

export const callerRuleSchema = z.strictObject({
  account: z
    .string({ error: 'must be the 12-digit account ID of the callers, quoted as a string' })
    .check(z.regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account ID, quoted as a string')),
  principal: z
    .string()
    .check(
      z.regex(
        PRINCIPAL_PATTERN,
        'must be role/<name>, role/<prefix>*, sso/<PermissionSet>, role-id/AROA..., user/<name> or user/<prefix>* (one trailing * is the only wildcard); see handlers/aws/CALLERS.md',
      ),
    ),
  actions: z
    .array(z.enum(ACTIONS, { error: 'must be "start", "stop" or "status"' }))
    .check(z.minLength(1, 'list at least one action: "start", "stop" or "status"')),
  /** The tasks the rule allows its actions for (exact names); absent means only `ec2`. */
  tasks: z.optional(
    z
      .array(
        z.enum(TASK_NAMES as [string, ...string[]], {
          error: `must be a registered task name, exactly as written: one of ${TASK_LIST}`,
        }),
      )
      .check(
        z.minLength(
          1,
          `list at least one task (${TASK_LIST}), or leave "tasks" out to allow only "${DEFAULT_TASK}"`,
        ),
      ),
  ),
  /** GET /runs/{id} of any run of the stage (scheduled ones, other callers'); else only its own. */
  readAllRuns: z.optional(z.boolean({ error: 'must be true or false' })),
  /**
   * Why a rule that reaches a broad set of people (broadReach) may start or stop anyway; without
   * it `npm run verify` fails on such a rule. Reviewed with serverless.yml, like the rule.
   */
  acknowledgeBroad: z.optional(
    z
      .string({ error: 'must be the reason, as a string' })
      .check(
        z.minLength(
          20,
          'give the reason this broad rule may start or stop (20 characters or more)',
        ),
      ),
  ),
});

export type CallerRule = z.infer<typeof callerRuleSchema>;

const SSO_ROLE = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/;

function nameMatches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Whether a rule names this caller (regardless of the action). */
export function ruleMatchesCaller(rule: CallerRule, caller: CallerIdentity): boolean {
  if (rule.account !== caller.accountId) return false;
  const slash = rule.principal.indexOf('/');
  const form = rule.principal.slice(0, slash);
  const value = rule.principal.slice(slash + 1);
  switch (caller.kind) {
    case 'assumed-role':
      if (form === 'role') return nameMatches(value, caller.roleName);
      if (form === 'role-id') return caller.roleId === value;
      if (form === 'sso') return SSO_ROLE.exec(caller.roleName)?.[1] === value;
      return false;
    case 'user':
      return form === 'user' && nameMatches(value, caller.userName);
    default:
      return false;
  }
}

/** The role-name prefix of every IAM Identity Center role (`AWSReservedSSO_<set>_<hex>`). */
const SSO_ROLE_PREFIX = 'AWSReservedSSO_';

/**
 * Who a wildcard rule reaches when that is a broad set of people, in words; undefined for a rule
 * that names roles or users of its own choosing. Broad: every role or user of the account, every
 * Identity Center permission set (a prefix of `AWSReservedSSO_`: `role/AWS*` too), and any
 * prefix inside it (every set whose name starts so, and everyone assigned one: `sso/<set>`
 * names one set exactly).
 */
export function broadReach(rule: CallerRule): string | undefined {
  const slash = rule.principal.indexOf('/');
  const form = rule.principal.slice(0, slash);
  const value = rule.principal.slice(slash + 1);
  if ((form !== 'role' && form !== 'user') || !value.endsWith('*')) return undefined;
  const prefix = value.slice(0, -1);
  if (prefix === '') return `every ${form} of account ${rule.account}`;
  if (form !== 'role') return undefined;
  if (SSO_ROLE_PREFIX.startsWith(prefix)) {
    return `every IAM Identity Center permission set of account ${rule.account} (roles ${SSO_ROLE_PREFIX}*) and everyone assigned one`;
  }
  if (prefix.startsWith(SSO_ROLE_PREFIX)) {
    return `every IAM Identity Center permission set whose name starts with "${prefix.slice(SSO_ROLE_PREFIX.length)}", and everyone assigned one (sso/<PermissionSet> names one set)`;
  }
  return undefined;
}

export type CallerDecision =
  | { allowed: true; ruleIndex: number }
  | {
      allowed: false;
      reason: 'no-caller' | 'unmatched-caller' | 'action-not-allowed' | 'task-not-allowed';
      rules: number[];
    };

/** The tasks a rule allows (exact names; a rule without `tasks` allows only `ec2`). */
export function tasksOf(rule: CallerRule): readonly string[] {
  return rule.tasks ?? TASKS_OF_A_RULE_WITHOUT_TASKS;
}

/**
 * Decides one call: the first rule naming the caller, the action and the task allows it. The
 * task is compared exactly (the contract accepts only the registered names as written); without
 * `task` (the path is read before the body) only the action is decided.
 */
export function decideCaller(
  caller: CallerIdentity | undefined,
  action: Action,
  rules: readonly CallerRule[],
  task?: string,
): CallerDecision {
  if (!caller) return { allowed: false, reason: 'no-caller', rules: [] };
  const matching = rules.flatMap((rule, index) => (ruleMatchesCaller(rule, caller) ? [index] : []));
  if (matching.length === 0) return { allowed: false, reason: 'unmatched-caller', rules: [] };
  const withAction = matching.filter((index) => rules[index]?.actions.includes(action));
  if (withAction.length === 0)
    return { allowed: false, reason: 'action-not-allowed', rules: matching };
  const allowing = withAction.find((index) => {
    const rule = rules[index];
    return rule !== undefined && (task === undefined || tasksOf(rule).includes(task));
  });
  if (allowing === undefined)
    return { allowed: false, reason: 'task-not-allowed', rules: withAction };
  return { allowed: true, ruleIndex: allowing };
}

/** The rule that would let this caller do this action on this task: quoted in a refusal. */
export function suggestedRule(
  caller: CallerIdentity,
  action: Action,
  task: string = DEFAULT_TASK,
): CallerRule | undefined {
  const tasks = task === DEFAULT_TASK ? {} : { tasks: [task] };
  if (caller.kind === 'assumed-role') {
    const sso = SSO_ROLE.exec(caller.roleName)?.[1];
    return {
      account: caller.accountId,
      principal: sso && /^[\w+=,.@-]{1,32}$/.test(sso) ? `sso/${sso}` : `role/${caller.roleName}`,
      actions: [action],
      ...tasks,
    };
  }
  if (caller.kind === 'user') {
    return {
      account: caller.accountId,
      principal: `user/${caller.userName}`,
      actions: [action],
      ...tasks,
    };
  }
  return undefined;
}
