/**
 * The HTTP entry point's gate: the caller (API Gateway's IAM context) must be named by a rule of
 * the stage's `callers` param for the action in question, or the request ends here with 403,
 * before the body is read and before any AWS call. The refusal names the rule to add or change.
 *
 * POST /instances/{action} is decided on the path's action (`authorizeCaller`). GET /runs/{id}
 * is decided in two steps: the caller must be named by some rule before the run is read
 * (`identifyCaller`), and may then read it only when it started it, or a rule naming it says
 * `readAllRuns: true` (`mayReadRun`).
 */
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import {
  type CallerRule,
  decideCaller,
  ruleMatchesCaller,
  suggestedRule,
  tasksOf,
} from '../config/caller-rules';
import { ACTIONS, type Action } from '../contract/request';
import { type CallerIdentity, readCaller } from '../formats/caller';
import type { RunOrigin } from '../formats/origin';

export type CallerCheck =
  | { ok: true; caller: CallerIdentity }
  | { ok: false; response: APIGatewayProxyResultV2; reason: string };

const PARAM = 'params.callers';

function refuse(message: string, fix: string): CallerCheck {
  return {
    ok: false,
    reason: message,
    response: {
      statusCode: 403,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message, problems: [{ field: PARAM, message: fix }] }),
    },
  };
}

function isAction(value: string | undefined): value is Action {
  return (ACTIONS as readonly string[]).includes(value ?? '');
}

function unnamed(caller: CallerIdentity, action: Action): CallerCheck {
  const rule = suggestedRule(caller, action);
  return refuse(
    `forbidden: ${caller.arn} is not named by any rule of ${PARAM}`,
    rule
      ? `add ${JSON.stringify(rule)} to ${PARAM} of this stage in serverless.yml, and deploy`
      : `${caller.kind} callers cannot be named by a rule; call with a role`,
  );
}

function actionRefused(
  caller: CallerIdentity,
  action: Action,
  matching: number[],
  rules: readonly CallerRule[],
  what: string,
): CallerCheck {
  const indexes = matching.map((i) => `${PARAM}[${i}]`).join(', ');
  return refuse(
    `forbidden: ${caller.arn} may not ${what}`,
    `add "${action}" to the actions of ${indexes} (principal ${rules[matching[0] ?? 0]?.principal}), or add a rule for this caller with that action, and deploy`,
  );
}

/**
 * The event's caller when some rule of the stage names it, for any action; `action` is the one
 * a refusal suggests a rule for.
 */
export function identifyCaller(
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  rules: readonly CallerRule[],
  action: Action = 'status',
  partition?: string,
): CallerCheck {
  const caller = readCaller(event.requestContext?.authorizer?.iam, partition);
  if (!caller) {
    return refuse(
      'forbidden: the request carries no IAM caller this function accepts (an assumed role or an IAM user of this partition)',
      'the route must use AWS_IAM authorization (serverless.yml functions.http.events[].httpApi.authorizer.type: aws_iam), and root or federated-user callers are never accepted: call with a role',
    );
  }
  if (!rules.some((rule) => ruleMatchesCaller(rule, caller))) return unnamed(caller, action);
  return { ok: true, caller };
}

/**
 * POST /instances/{action}: the caller must be allowed the action in the path. `partition`: the
 * stack's own; a caller ARN of another partition is no caller (handlers/formats/partition.ts).
 */
export function authorizeCaller(
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  rules: readonly CallerRule[],
  partition?: string,
): CallerCheck {
  const requested = event.pathParameters?.action;
  const action: Action = isAction(requested) ? requested : 'status';
  const identified = identifyCaller(event, rules, action, partition);
  if (!identified.ok) return identified;
  const { caller } = identified;
  const decision = decideCaller(caller, action, rules);
  if (decision.allowed) return identified;
  // An unknown action is the validator's to explain (400), to a caller some rule names.
  if (!isAction(requested)) return identified;
  return actionRefused(caller, action, decision.rules, rules, `"${requested}"`);
}

/**
 * POST /instances/{action}, once the body is valid: the caller must also be allowed the request's
 * task (a rule's `tasks`; without it, only `ec2`). `task` is the validated one, so it is exactly
 * the task the run will use: the contract accepts only registered names, as written.
 */
export function authorizeTask(
  caller: CallerIdentity,
  action: Action,
  task: string,
  rules: readonly CallerRule[],
): CallerCheck {
  const decision = decideCaller(caller, action, rules, task);
  if (decision.allowed || decision.reason !== 'task-not-allowed') {
    // The action was decided by authorizeCaller already; only the task is new here.
    return decision.allowed ? { ok: true, caller } : unnamed(caller, action);
  }
  const indexes = decision.rules.map((i) => `${PARAM}[${i}]`).join(', ');
  const rule = suggestedRule(caller, action, task);
  return refuse(
    `forbidden: ${caller.arn} may not "${action}" with task "${task}": the rules that allow "${action}" (${indexes}) do not list "${task}" in their tasks (a rule without "tasks" allows only "ec2")`,
    `add "${task}" to the tasks of ${indexes}, or add ${JSON.stringify(rule)} to ${PARAM}, and deploy`,
  );
}

/**
 * GET /runs/{id}: a caller reads the runs it started over HTTP (the run's origin names its exact
 * ARN), and any run of the stage of a task its rule allows (`tasks`; without it, only `ec2`) only
 * when that rule says `readAllRuns: true`: an auditor of instances does not read database runs.
 * The caller is refused the same way whether the run is not there or not theirs (http.ts).
 */
export function mayReadRun(
  caller: CallerIdentity,
  run: { origin: RunOrigin | undefined; task: string },
  rules: readonly CallerRule[],
): boolean {
  if (run.origin?.kind === 'http' && run.origin.callerArn === caller.arn) return true;
  return rules.some(
    (rule) =>
      rule.readAllRuns === true &&
      ruleMatchesCaller(rule, caller) &&
      tasksOf(rule).includes(run.task),
  );
}
