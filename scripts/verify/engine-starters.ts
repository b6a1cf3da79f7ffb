/**
 * Who may start the engine (states:StartExecution), from the packaged template: a way to drive
 * a run beside execute-api:Invoke and lambda:InvokeFunction. Only the roles listed here may
 * grant it; any other role of the stack that does (or grants states:* or *) is a finding.
 */
import type { CfnTemplate } from '../shared/stack/package-stage';
import type { StaticFinding } from './static-checks';

/** The roles that may start the engine, and why each does. */
export const ENGINE_STARTERS: Readonly<Record<string, string>> = {
  HttpEngineRunsRole: 'the http function, for POST /instances/{action} after the caller rules',
  EngineStartRole:
    'the engineStart function, for the schedules (params.scheduledRuns: engine, the default)',
  EngineStateMachineRole: "the engine itself, for its Distributed Map's child executions",
};

const TEMPLATE = 'packaged template (cloudformation-template-update-stack.json)';
/** Actions that include states:StartExecution. */
const STARTS = /^(\*|states:\*|states:Start\*|states:StartExecution)$/i;

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function grantsStart(statement: Statement): boolean {
  if (statement.Effect !== 'Allow') return false;
  // A NotAction Allow grants everything it does not name.
  if (statement.NotAction !== undefined) {
    return !asArray(statement.NotAction).some((a) => STARTS.test(a));
  }
  return asArray(statement.Action).some((a) => STARTS.test(a));
}

/** The stack's roles whose inline policies allow states:StartExecution, with the statement. */
export function engineStarters(template: CfnTemplate): { roleId: string; statement: string }[] {
  return Object.entries(template.Resources).flatMap(([roleId, resource]) => {
    if (resource.Type !== 'AWS::IAM::Role') return [];
    const policies = (resource.Properties?.Policies ?? []) as {
      PolicyDocument?: { Statement?: Statement | Statement[] };
    }[];
    return policies.flatMap((policy) =>
      asArray(policy.PolicyDocument?.Statement).flatMap((statement, index) =>
        grantsStart(statement) ? [{ roleId, statement: statement.Sid ?? `#${index}` }] : [],
      ),
    );
  });
}

export function checkEngineStarters(template: CfnTemplate): StaticFinding[] {
  return engineStarters(template)
    .filter(({ roleId }) => ENGINE_STARTERS[roleId] === undefined)
    .map(({ roleId, statement }) => ({
      policy: `role ${roleId}`,
      source: TEMPLATE,
      statement,
      message: 'allows states:StartExecution: it could start engine runs, past the caller rules',
      hint: 'engineStarterUnexpected' as const,
    }));
}

/** verify's note: the roles that may start the engine, so the ways to drive a run are listed. */
export function engineStartersNote(template: CfnTemplate): string | undefined {
  const roles = [...new Set(engineStarters(template).map(({ roleId }) => roleId))];
  if (roles.length === 0) return undefined;
  const named = roles.map((id) => `${id}: ${ENGINE_STARTERS[id] ?? 'not expected'}`);
  return `states:StartExecution on the engine drives a run too; roles that may: ${named.join('; ')}`;
}
