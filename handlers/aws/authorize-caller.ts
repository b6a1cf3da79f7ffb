/**
 * The HTTP entry point's gate: the caller (API Gateway's IAM context) must be named by a rule of
 * the stage's `callers` param for the action in the path, or the request ends here with 403,
 * before the body is read and before any AWS call. The refusal names the rule to add or change.
 */
import type { APIGatewayProxyEventV2WithIAMAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { type CallerRule, decideCaller, suggestedRule } from '../config/caller-rules';
import { ACTIONS, type Action } from '../contract/request';
import { type CallerIdentity, readCaller } from '../formats/caller';

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

export function authorizeCaller(
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  rules: readonly CallerRule[],
): CallerCheck {
  const caller = readCaller(event.requestContext?.authorizer?.iam);
  if (!caller) {
    return refuse(
      'forbidden: the request carries no IAM caller this function accepts (an assumed role or an IAM user)',
      'the route must use AWS_IAM authorization (serverless.yml functions.http.events[0].httpApi.authorizer.type: aws_iam), and root or federated-user callers are never accepted: call with a role',
    );
  }
  const requested = event.pathParameters?.action;
  const action: Action = isAction(requested) ? requested : 'status';
  const decision = decideCaller(caller, action, rules);
  if (decision.allowed) return { ok: true, caller };
  // An unknown action is the validator's to explain (400), to a caller some rule names.
  if (decision.reason === 'unmatched-caller') {
    const rule = suggestedRule(caller, action);
    return refuse(
      `forbidden: ${caller.arn} is not named by any rule of ${PARAM}`,
      rule
        ? `add ${JSON.stringify(rule)} to ${PARAM} of this stage in serverless.yml, and deploy`
        : `${caller.kind} callers cannot be named by a rule; call with a role`,
    );
  }
  if (!isAction(requested)) return { ok: true, caller };
  const indexes = decision.rules.map((i) => `${PARAM}[${i}]`).join(', ');
  return refuse(
    `forbidden: ${caller.arn} may not "${requested}"`,
    `add "${requested}" to the actions of ${indexes} (principal ${rules[decision.rules[0] ?? 0]?.principal}), or add a rule for this caller with that action, and deploy`,
  );
}
