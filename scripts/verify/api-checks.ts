/**
 * Checks of what drives a run over HTTP, from the packaged template and the stage params: every
 * route is AWS_IAM-authorised (so API Gateway names the caller), every Lambda permission is the
 * API's own (SourceArn on this stack's HttpApi), and no caller rule lets a whole account start or
 * stop. lambda:InvokeFunction by principals of the home account is IAM's to decide, not the
 * template's: verify's README lists it among the ways to drive a run.
 */
import { broadReach, type CallerRule, tasksOf } from '../../handlers/config/caller-rules';
import type { CfnTemplate } from '../shared/stack/package-stage';
import type { StaticFinding } from './static-checks';

const TEMPLATE = 'packaged template (cloudformation-template-update-stack.json)';

function propertiesOf(resource: { Properties?: unknown }): Record<string, unknown> {
  return (resource.Properties ?? {}) as Record<string, unknown>;
}

export function checkHttpRoutes(template: CfnTemplate): StaticFinding[] {
  return Object.entries(template.Resources).flatMap(([logicalId, resource]) => {
    if (resource.Type !== 'AWS::ApiGatewayV2::Route') return [];
    const properties = propertiesOf(resource);
    if (properties.AuthorizationType === 'AWS_IAM') return [];
    return [
      {
        policy: `route ${String(properties.RouteKey ?? logicalId)}`,
        source: TEMPLATE,
        statement: logicalId,
        message: `has AuthorizationType ${JSON.stringify(properties.AuthorizationType ?? 'NONE')}, not AWS_IAM`,
        hint: 'routeWithoutIam' as const,
      },
    ];
  });
}

/** A SourceArn built on this stack's HttpApi: `...:execute-api:...:<Ref HttpApi>/...`. */
function scopedToThisApi(sourceArn: unknown): boolean {
  const text = JSON.stringify(sourceArn ?? null);
  return text.includes(':execute-api:') && /\{"Ref":"HttpApi"\}/.test(text);
}

export function checkInvokePermissions(template: CfnTemplate): StaticFinding[] {
  return Object.entries(template.Resources).flatMap(([logicalId, resource]) => {
    if (resource.Type !== 'AWS::Lambda::Permission') return [];
    const properties = propertiesOf(resource);
    const problems: string[] = [];
    if (properties.Principal !== 'apigateway.amazonaws.com') {
      problems.push(`grants ${JSON.stringify(properties.Principal)}, not apigateway.amazonaws.com`);
    }
    if (!scopedToThisApi(properties.SourceArn)) {
      problems.push(
        properties.SourceArn === undefined
          ? 'has no SourceArn (any API Gateway API in any account could invoke the function)'
          : `has SourceArn ${JSON.stringify(properties.SourceArn)}, not this stack's HttpApi`,
      );
    }
    return problems.map((message) => ({
      policy: `Lambda permission ${logicalId}`,
      source: TEMPLATE,
      statement: logicalId,
      message,
      hint: 'invokePermissionTooWide' as const,
    }));
  });
}

/**
 * Caller rules: each names the home account (an HTTP API has no resource policy, so a rule for
 * another account can only ever match a forged event), and none that reaches a broad set of
 * people (broadReach) may start or stop unless it says why (acknowledgeBroad).
 */
export function checkCallerRules(
  rules: readonly CallerRule[],
  home: { homeAccountId: string },
): StaticFinding[] {
  return rules.flatMap((rule, index) => {
    const findings: StaticFinding[] = [];
    const where = {
      policy: 'caller rules',
      source: 'serverless.yml params.callers',
      statement: `callers[${index}]`,
    };
    if (rule.account !== home.homeAccountId) {
      findings.push({
        ...where,
        message: `${rule.principal} in ${rule.account}: not the home account ${home.homeAccountId}, so no real caller can match it (an HTTP API has no resource policy), only a forged event`,
        hint: 'callerRuleOtherAccount',
      });
    }
    const changes = rule.actions.filter((a) => a !== 'status');
    const reach = broadReach(rule);
    if (reach && changes.length > 0 && rule.acknowledgeBroad === undefined) {
      findings.push({
        ...where,
        message: `${rule.principal} in ${rule.account} may ${changes.join(' and ')}: it reaches ${reach}`,
        hint: 'callerRuleTooWide',
      });
    }
    return findings;
  });
}

/**
 * What each caller rule lets its callers run, task by task: a rule without `tasks` allows only
 * `ec2`, so the note shows who may also start or stop databases.
 */
export function callerTaskNotes(rules: readonly CallerRule[]): string[] {
  return rules.map((rule, index) => {
    const tasks = tasksOf(rule).join(', ');
    const implicit = rule.tasks === undefined ? ' (no "tasks": only ec2)' : '';
    return `callers[${index}] ${rule.principal}: ${rule.actions.join(', ')} for task ${tasks}${implicit}`;
  });
}
