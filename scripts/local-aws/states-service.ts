/**
 * AWS Step Functions over its real wire protocol (JSON 1.0: POST /, `X-Amz-Target:
 * AWSStepFunctions.<Operation>`, `application/x-amz-json-1.0`), for the calls the engine's
 * callers make: StartExecution, DescribeExecution, StopExecution and ListExecutions. Signed with
 * SigV4 (signing name `states`) and authorised by the Authorizer as IAM does: StartExecution and
 * ListExecutions on the state machine ARN, DescribeExecution and StopExecution on the execution
 * ARN. Validation follows the service's model and documented rules; the runs themselves are in
 * states-executions.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Authorizer, Decision } from '../shared/authorization';
import type { Caller } from './authenticate';
import { AwsError } from './aws-error';
import type { CallCounters } from './call-counters';
import { authenticateJsonCaller } from './json-authenticate';
import type { AwsHttpResponse } from './render-response';
import type { SessionStore } from './sessions';
import type { ReceivedRequest } from './sigv4-verify';
import {
  EXECUTION_STATUSES,
  type ExecutionRecord,
  type ExecutionStatus,
  type StateMachineExecutions,
} from './states-executions';

export const STATES_TARGET_PREFIX = 'AWSStepFunctions.';

/** Step Functions' quotas and model constraints. */
const MAX_ARN = 256;
const MAX_NAME = 80;
/** Step Functions payloads stay at 256 KiB (the 2026-01-29 raise to 1 MB was for EventBridge, SQS and async Lambda). */
const MAX_INPUT_BYTES = 256 * 1024;
const MAX_ERROR = 256;
const MAX_CAUSE = 32_768;
const MAX_RESULTS = 1000;
const DEFAULT_RESULTS = 100;
const MAX_NEXT_TOKEN = 3096;
/** Tags: 50 per resource, keys 1-128 and values 0-256 characters (Step Functions quotas). */
const MAX_TAGS = 50;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
/** The characters a tag key or value may hold (TagResource API reference). */
const TAG_TEXT = /^[\p{L}\p{N}\s_.:/=+\-@]*$/u;

export interface StatesEndpointState {
  world: { sessions: SessionStore };
  authorizer: Authorizer;
  calls: CallCounters;
  executions: StateMachineExecutions;
  wallNow: () => number;
  log: (line: string) => void;
}

export const isStatesRequest = (request: ReceivedRequest): boolean =>
  (request.headers['x-amz-target'] ?? '').startsWith(STATES_TARGET_PREFIX);

const PARTITIONS = '(?:aws|aws-cn|aws-us-gov)';
const STATE_MACHINE_ARN = new RegExp(
  `^arn:${PARTITIONS}:states:[a-z0-9-]+:\\d{12}:stateMachine:[^:]{1,80}(?::[^:]{1,80})?$`,
);
const EXECUTION_ARN = new RegExp(
  `^arn:${PARTITIONS}:states:[a-z0-9-]+:\\d{12}:execution:[^:]{1,80}:[^:]{1,80}$`,
);
/**
 * What a name must not contain (the StartExecution reference): whitespace, brackets, wildcards,
 * `"#%\^|~\`$&,;:/` and control characters (U+0000-001F, U+007F-009F).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are the rule
const FORBIDDEN_IN_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

const invalid = (code: string, message: string) => new AwsError(code, message, 400);

/** The message the service's front end gives a model constraint (`ValidationException`). */
function constraint(value: unknown, field: string, rule: string): AwsError {
  const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
  return invalid(
    'ValidationException',
    `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${rule}`,
  );
}

type Input = Record<string, unknown>;

function optionalString(input: Input, field: string, max: number, min = 0): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw invalid('SerializationException', `${field} must be a string, not ${typeof value}.`);
  }
  if (value.length < min || value.length > max) {
    throw constraint(
      value.length > 100 ? `${value.slice(0, 100)}...` : value,
      field,
      `Member must have length between ${min} and ${max}`,
    );
  }
  return value;
}

function requiredString(input: Input, field: string, max: number): string {
  const value = optionalString(input, field, max, 1);
  if (value === undefined) throw constraint(undefined, field, 'Member must not be null');
  return value;
}

function stateMachineArnOf(value: string): string {
  if (STATE_MACHINE_ARN.test(value)) return value;
  if (EXECUTION_ARN.test(value)) {
    throw invalid(
      'InvalidArn',
      "Invalid Arn: 'Resource type not valid in this context: execution'",
    );
  }
  throw invalid('InvalidArn', `Invalid Arn: '${value}'`);
}

function executionArnOf(value: string): string {
  if (EXECUTION_ARN.test(value)) return value;
  if (STATE_MACHINE_ARN.test(value)) {
    throw invalid(
      'InvalidArn',
      "Invalid Arn: 'Resource type not valid in this context: stateMachine'",
    );
  }
  throw invalid('InvalidArn', `Invalid Arn: '${value}'`);
}

const epochSeconds = (date: Date) => date.getTime() / 1000;

function summaryOf(record: ExecutionRecord) {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: epochSeconds(record.startDate),
    ...(record.stopDate ? { stopDate: epochSeconds(record.stopDate) } : {}),
  };
}

interface Operation {
  /** What IAM authorises the call on, from the validated input. */
  resourceArn(input: Input): string;
  /** Request context keys IAM sees for this call (aws:TagKeys of the tag actions). */
  context?(input: Input): Record<string, string[]>;
  run(state: StatesEndpointState, input: Input): unknown;
}

const OPERATIONS: Record<string, Operation> = {
  StartExecution: {
    resourceArn: (input) => stateMachineArnOf(requiredString(input, 'stateMachineArn', MAX_ARN)),
    run(state, input) {
      const arn = stateMachineArnOf(requiredString(input, 'stateMachineArn', MAX_ARN));
      const given = optionalString(input, 'name', Number.MAX_SAFE_INTEGER);
      optionalString(input, 'traceHeader', 256);
      const name = given ?? randomUUID();
      if (name.length < 1 || name.length > MAX_NAME || FORBIDDEN_IN_NAME.test(name)) {
        throw invalid('InvalidName', `Invalid Name: '${name}'`);
      }
      const text = optionalString(input, 'input', Number.MAX_SAFE_INTEGER) ?? '{}';
      if (Buffer.byteLength(text, 'utf8') > MAX_INPUT_BYTES) {
        throw invalid(
          'InvalidExecutionInput',
          `Invalid State Machine Execution Input: 'The input is ${Buffer.byteLength(text, 'utf8')} bytes; the maximum is ${MAX_INPUT_BYTES}'`,
        );
      }
      try {
        JSON.parse(text);
      } catch (error) {
        throw invalid(
          'InvalidExecutionInput',
          `Invalid State Machine Execution Input: '${error instanceof Error ? error.message : String(error)}'`,
        );
      }
      const machine = state.executions.machine(arn);
      if (!machine) {
        throw invalid('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
      }
      const existing = state.executions.list(arn).find((r) => r.name === name);
      if (existing) {
        // Standard workflows: the same name and input while it runs is the same execution.
        if (existing.status === 'RUNNING' && existing.input === text) {
          return {
            executionArn: existing.executionArn,
            startDate: epochSeconds(existing.startDate),
          };
        }
        throw invalid(
          'ExecutionAlreadyExists',
          `Execution Already Exists: '${existing.executionArn}'`,
        );
      }
      const record = state.executions.start(machine, name, text);
      return { executionArn: record.executionArn, startDate: epochSeconds(record.startDate) };
    },
  },
  DescribeExecution: {
    resourceArn: (input) => executionArnOf(requiredString(input, 'executionArn', MAX_ARN)),
    run(state, input) {
      const record = existingExecution(state, input);
      const included = input.includedData ?? 'ALL_DATA';
      if (included !== 'ALL_DATA' && included !== 'METADATA_ONLY') {
        throw constraint(
          included,
          'includedData',
          'Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]',
        );
      }
      const data = included === 'ALL_DATA';
      return {
        ...summaryOf(record),
        ...(data ? { input: record.input, inputDetails: { included: true } } : {}),
        ...(data && record.output !== undefined
          ? { output: record.output, outputDetails: { included: true } }
          : {}),
        ...(record.error !== undefined ? { error: record.error } : {}),
        ...(record.cause !== undefined ? { cause: record.cause } : {}),
        redriveCount: 0,
        redriveStatus: 'NOT_REDRIVABLE',
      };
    },
  },
  StopExecution: {
    resourceArn: (input) => executionArnOf(requiredString(input, 'executionArn', MAX_ARN)),
    run(state, input) {
      const error = optionalString(input, 'error', MAX_ERROR);
      const cause = optionalString(input, 'cause', MAX_CAUSE);
      const record = existingExecution(state, input);
      state.executions.stop(record, error, cause);
      return { stopDate: epochSeconds(record.stopDate ?? new Date()) };
    },
  },
  ListExecutions: {
    resourceArn(input) {
      if (input.mapRunArn !== undefined) {
        throw invalid('ValidationException', 'Map Runs are not served by the local endpoint.');
      }
      const arn = optionalString(input, 'stateMachineArn', MAX_ARN, 1);
      if (arn === undefined) {
        throw invalid('ValidationException', 'Must provide a StateMachine ARN or MapRun ARN');
      }
      return stateMachineArnOf(arn);
    },
    run(state, input) {
      const arn = stateMachineArnOf(requiredString(input, 'stateMachineArn', MAX_ARN));
      const status = statusFilterOf(input.statusFilter);
      const max = maxResultsOf(input.maxResults);
      const token = optionalString(input, 'nextToken', MAX_NEXT_TOKEN, 1);
      if (!state.executions.machine(arn)) {
        throw invalid('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
      }
      const all = state.executions.list(arn, status);
      const start = token === undefined ? 0 : pageStart(all, token, arn, status);
      const page = all.slice(start, start + max);
      const last = page.at(-1);
      return {
        executions: page.map(summaryOf),
        ...(last && start + max < all.length
          ? { nextToken: encodeToken({ arn, status, after: last.executionArn }) }
          : {}),
      };
    },
  },
  TagResource: {
    resourceArn: (input) => stateMachineArnOf(requiredString(input, 'resourceArn', MAX_ARN)),
    context: (input) => ({
      'aws:TagKeys': Array.isArray(input.tags)
        ? input.tags.map((t: Input | string) => String(typeof t === 'string' ? t : t?.key))
        : [],
    }),
    run(state, input) {
      const arn = existingMachineArn(state, input);
      if (!Array.isArray(input.tags))
        throw constraint(undefined, 'tags', 'Member must not be null');
      const given = input.tags.map((tag: Input, i: number) => [
        tagText(tag?.key, `tags.${i + 1}.member.key`, 1, MAX_TAG_KEY),
        tagText(tag?.value, `tags.${i + 1}.member.value`, 0, MAX_TAG_VALUE),
      ]);
      const tags = state.executions.tagsOf(arn);
      const keys = new Set([...tags.keys(), ...given.map(([key]) => key)]);
      if (keys.size > MAX_TAGS) {
        throw invalid('TooManyTags', `Too many tags: a resource has at most ${MAX_TAGS}`);
      }
      for (const [key, value] of given) tags.set(key as string, value as string);
      return {};
    },
  },
  UntagResource: {
    resourceArn: (input) => stateMachineArnOf(requiredString(input, 'resourceArn', MAX_ARN)),
    context: (input) => ({
      'aws:TagKeys': Array.isArray(input.tagKeys)
        ? input.tagKeys.map((t: Input | string) => String(typeof t === 'string' ? t : t?.key))
        : [],
    }),
    run(state, input) {
      const arn = existingMachineArn(state, input);
      if (!Array.isArray(input.tagKeys)) {
        throw constraint(undefined, 'tagKeys', 'Member must not be null');
      }
      const tags = state.executions.tagsOf(arn);
      input.tagKeys.forEach((key: unknown, i: number) => {
        tags.delete(tagText(key, `tagKeys.${i + 1}.member`, 1, MAX_TAG_KEY));
      });
      return {};
    },
  },
  ListTagsForResource: {
    resourceArn: (input) => stateMachineArnOf(requiredString(input, 'resourceArn', MAX_ARN)),
    run(state, input) {
      const arn = existingMachineArn(state, input);
      return {
        tags: [...state.executions.tagsOf(arn)].map(([key, value]) => ({ key, value })),
      };
    },
  },
};

function existingMachineArn(state: StatesEndpointState, input: Input): string {
  const arn = stateMachineArnOf(requiredString(input, 'resourceArn', MAX_ARN));
  if (!state.executions.exists(arn)) {
    throw invalid('ResourceNotFound', `Resource not found: '${arn}'`);
  }
  return arn;
}

function tagText(value: unknown, field: string, min: number, max: number): string {
  if (typeof value !== 'string') throw constraint(value, field, 'Member must not be null');
  if (value.length < min || value.length > max) {
    throw constraint(value, field, `Member must have length between ${min} and ${max}`);
  }
  if (!TAG_TEXT.test(value)) {
    throw constraint(
      value,
      field,
      'Member must satisfy regular expression pattern: ^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$',
    );
  }
  return value;
}

function existingExecution(state: StatesEndpointState, input: Input): ExecutionRecord {
  const arn = executionArnOf(requiredString(input, 'executionArn', MAX_ARN));
  const record = state.executions.find(arn);
  if (!record) throw invalid('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  return record;
}

function statusFilterOf(value: unknown): ExecutionStatus | undefined {
  if (value === undefined || value === null) return undefined;
  if (!EXECUTION_STATUSES.includes(value as ExecutionStatus)) {
    throw constraint(
      value,
      'statusFilter',
      `Member must satisfy enum value set: [${[...EXECUTION_STATUSES, 'PENDING_REDRIVE'].join(', ')}]`,
    );
  }
  return value as ExecutionStatus;
}

function maxResultsOf(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_RESULTS;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalid('SerializationException', `maxResults must be an integer, not ${String(value)}.`);
  }
  if (value < 0 || value > MAX_RESULTS) {
    throw constraint(
      value,
      'maxResults',
      `Member must have value less than or equal to ${MAX_RESULTS}`,
    );
  }
  // 0 is the model's default: "the default of 100".
  return value === 0 ? DEFAULT_RESULTS : value;
}

interface PageToken {
  arn: string;
  status: ExecutionStatus | undefined;
  /** The last execution of the previous page: stable while new executions start. */
  after: string;
}

const encodeToken = (token: PageToken) =>
  Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');

/** A token only continues the listing it came from (same machine and filter), as in AWS. */
function pageStart(
  all: readonly ExecutionRecord[],
  text: string,
  arn: string,
  status: ExecutionStatus | undefined,
): number {
  let token: Partial<PageToken> | undefined;
  try {
    token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<PageToken>;
  } catch {
    token = undefined;
  }
  const index = all.findIndex((r) => r.executionArn === token?.after);
  if (!token || token.arn !== arn || token.status !== status || index < 0) {
    throw invalid('InvalidToken', `Invalid Token: '${text.slice(0, 100)}'`);
  }
  return index + 1;
}

function json(status: number, body: unknown, requestId: string): AwsHttpResponse {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': requestId,
      date: new Date().toUTCString(),
    },
    body: JSON.stringify(body),
  };
}

async function authorize(
  authorizer: Authorizer,
  caller: Caller,
  action: string,
  resourceArn: string,
  context?: Record<string, string[]>,
): Promise<Decision> {
  if (!authorizer.authorizeRequest) {
    return {
      allowed: false,
      result: 'ImplicitlyDenied',
      explanation: `this authorizer cannot evaluate ${action}`,
    };
  }
  return authorizer.authorizeRequest({
    callerSessionArn: caller.session.sessionArn,
    callerRoleArn: caller.session.role.arn,
    action,
    resourceArn,
    resourceAccountId: resourceArn.split(':')[4] ?? caller.accountId,
    region: caller.region,
    ...(context ? { context } : {}),
  });
}

/** One Step Functions call; every outcome is counted like the other services' calls. */
export async function handleStatesRequest(
  state: StatesEndpointState,
  request: ReceivedRequest,
): Promise<AwsHttpResponse> {
  const requestId = randomUUID();
  const operation = (request.headers['x-amz-target'] ?? '').slice(STATES_TARGET_PREFIX.length);
  let accountId = 'unknown';
  let region = 'unknown';
  let outcome = 'OK';
  try {
    const caller = await authenticateJsonCaller({
      request,
      sessions: state.world.sessions,
      wallNow: state.wallNow(),
      signingName: 'states',
    });
    accountId = caller.accountId;
    region = caller.region;
    const handler = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
    if (!handler) {
      throw invalid(
        'UnknownOperationException',
        `The local endpoint serves ${Object.keys(OPERATIONS).join(', ')}, not ${operation || '(none)'}.`,
      );
    }
    const input = parseBody(request.body);
    const resourceArn = handler.resourceArn(input);
    const action = `states:${operation}`;
    const decision = await authorize(
      state.authorizer,
      caller,
      action,
      resourceArn,
      handler.context?.(input),
    );
    if (!decision.allowed) {
      throw invalid(
        'AccessDeniedException',
        `User: ${caller.session.sessionArn} is not authorized to perform: ${action} on resource: ${resourceArn} because no identity-based policy allows the ${action} action`,
      );
    }
    return json(200, handler.run(state, input), requestId);
  } catch (thrown) {
    if (!(thrown instanceof AwsError)) {
      state.log(
        `local-aws: unexpected failure: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`,
      );
    }
    const error =
      thrown instanceof AwsError
        ? thrown
        : new AwsError('InternalFailure', 'The request processing has failed.', 500);
    outcome = error.code;
    return json(error.httpStatus, { __type: error.code, message: error.message }, requestId);
  } finally {
    state.calls.record({
      service: 'states',
      accountId,
      region,
      action: operation || '(none)',
      outcome,
    });
  }
}

function parseBody(body: string): Input {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw invalid('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed as Input;
}
