/**
 * AWS Organizations over its real wire protocol (JSON 1.1: POST /, `X-Amz-Target:
 * AWSOrganizationsV20161128.<Operation>`, `application/x-amz-json-1.1`), for the calls that
 * `npm run targets` makes: DescribeOrganization, ListRoots, ListOrganizationalUnitsForParent and
 * ListAccountsForParent, paginated with NextToken/MaxResults as AWS does (at most 20 a page).
 *
 * The signature is checked like the other services' (the same SigV4 verification and session
 * store), and each call is authorised by the Authorizer, which evaluates the caller's identity
 * policy. The organization comes from organizations-model.ts, attached to the world at start.
 */
import { randomUUID } from 'node:crypto';
import type { Authorizer, OrganizationsCheck } from '../shared/authorization';
import { roleArn, roleUniqueId } from './arns';
import type { CallCounters } from './call-counters';
import type { TemporaryCredentials } from './credentials';
import {
  type AccountPlace,
  OrganizationIndex as Index,
  MANAGEMENT_ACCOUNT_ID,
  ORGANIZATION_READER_ROLE,
  type OrganizationIndex,
  type OrganizationSeed,
} from './organizations-model';
import type { AwsHttpResponse } from './render-response';
import { credentialsOf, type RoleSession } from './sessions';
import {
  parseAuthorization,
  type ReceivedRequest,
  signatureMatches,
  signingTime,
} from './sigv4-verify';
import type { World } from './world';

export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128.';

const MAX_SIGNATURE_SKEW_MS = 15 * 60 * 1000;
const PAGE_MAX = 20;

/** The organization attached to each world (a world has at most one). */
const organizations = new WeakMap<World, OrganizationIndex>();

export function attachOrganization(world: World, seed: OrganizationSeed): OrganizationIndex {
  const index = new Index(seed);
  organizations.set(world, index);
  return index;
}

export function organizationOf(world: World): OrganizationIndex | undefined {
  return organizations.get(world);
}

/** Where an account sits in the world's organization, if it is a member. */
export function organizationPlaceOf(
  world: World,
  accountId: string,
): { organizationId: string; place: AccountPlace } | undefined {
  const index = organizations.get(world);
  const place = index?.places.get(accountId);
  return index && place ? { organizationId: index.seed.id, place } : undefined;
}

/**
 * Credentials of the management account's read-only role: what a person would have from
 * `aws sso login` into the management (or delegated administrator) account.
 */
export function organizationReaderCredentials(world: World): TemporaryCredentials {
  const arn = roleArn(MANAGEMENT_ACCOUNT_ID, ORGANIZATION_READER_ROLE);
  const session = world.sessions.issue({
    role: {
      accountId: MANAGEMENT_ACCOUNT_ID,
      name: ORGANIZATION_READER_ROLE,
      arn,
      roleId: roleUniqueId(arn),
      maxSessionDurationSeconds: 3600,
    },
    sessionName: 'targets-generator',
    lifetimeSeconds: 3600,
  });
  return credentialsOf(session);
}

class OrganizationsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface OrganizationsState {
  world: World;
  authorizer: Authorizer;
  calls: CallCounters;
  wallNow: () => number;
  log: (line: string) => void;
}

export function isOrganizationsRequest(request: ReceivedRequest): boolean {
  return (request.headers['x-amz-target'] ?? '').startsWith(ORGANIZATIONS_TARGET_PREFIX);
}

function json(status: number, body: unknown, requestId: string): AwsHttpResponse {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
    },
    body: JSON.stringify(body),
  };
}

async function authenticate(
  state: OrganizationsState,
  request: ReceivedRequest,
): Promise<RoleSession> {
  const auth = parseAuthorization(request.headers.authorization);
  if (auth === undefined) {
    throw new OrganizationsError(
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
    );
  }
  if (auth === 'malformed') {
    throw new OrganizationsError(
      'IncompleteSignatureException',
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).",
    );
  }
  if (auth.service !== 'organizations') {
    throw new OrganizationsError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: 'organizations'.`,
    );
  }
  const session = state.world.sessions.find(auth.accessKeyId);
  if (!session || request.headers['x-amz-security-token'] !== session.sessionToken) {
    throw new OrganizationsError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  const signedAt = signingTime(request.headers);
  if (signedAt === undefined || !(await signatureMatches(request, auth, session))) {
    throw new OrganizationsError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided.',
    );
  }
  if (Math.abs(state.wallNow() - signedAt) > MAX_SIGNATURE_SKEW_MS) {
    throw new OrganizationsError('InvalidSignatureException', 'Signature expired.');
  }
  if (state.world.sessions.isExpired(session)) {
    throw new OrganizationsError(
      'ExpiredTokenException',
      'The security token included in the request is expired',
    );
  }
  return session;
}

/** One page of `items` from NextToken (an offset, opaque to the caller) and MaxResults. */
function page<T>(
  items: readonly T[],
  input: Record<string, unknown>,
): { items: T[]; next?: string } {
  const max = input.MaxResults === undefined ? PAGE_MAX : Number(input.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > PAGE_MAX) {
    throw new OrganizationsError(
      'InvalidInputException',
      `MaxResults must be between 1 and ${PAGE_MAX}.`,
    );
  }
  let start = 0;
  if (input.NextToken !== undefined) {
    const decoded = Number(Buffer.from(String(input.NextToken), 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length) {
      throw new OrganizationsError('InvalidInputException', 'The NextToken is invalid.');
    }
    start = decoded;
  }
  const end = start + max;
  return {
    items: items.slice(start, end),
    ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}

function parentOf(index: OrganizationIndex, input: Record<string, unknown>): string {
  const parentId = typeof input.ParentId === 'string' ? input.ParentId : '';
  if (!index.isParent(parentId)) {
    throw new OrganizationsError(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified.",
    );
  }
  return parentId;
}

/** What IAM authorises a call on: the listed parent (root or OU), else `*`. */
function resourceArnOf(
  index: OrganizationIndex,
  operation: string,
  input: Record<string, unknown>,
): string {
  if (!operation.endsWith('ForParent')) return '*';
  const parentId = typeof input.ParentId === 'string' ? input.ParentId : '';
  const { managementAccountId, id } = index.seed;
  if (/^r-[0-9a-z]{4,32}$/.test(parentId)) {
    return `arn:aws:organizations::${managementAccountId}:root/${id}/${parentId}`;
  }
  if (/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/.test(parentId)) return unitArn(index, parentId);
  throw new OrganizationsError('InvalidInputException', 'ParentId is not a root or OU ID.');
}

type Operation = (index: OrganizationIndex, input: Record<string, unknown>) => unknown;

const unitArn = (index: OrganizationIndex, id: string) =>
  `arn:aws:organizations::${index.seed.managementAccountId}:ou/${index.seed.id}/${id}`;

const OPERATIONS: Record<string, Operation> = {
  DescribeOrganization: (index) => ({
    Organization: {
      Id: index.seed.id,
      Arn: `arn:aws:organizations::${index.seed.managementAccountId}:organization/${index.seed.id}`,
      FeatureSet: 'ALL',
      MasterAccountId: index.seed.managementAccountId,
      MasterAccountArn: `arn:aws:organizations::${index.seed.managementAccountId}:account/${index.seed.id}/${index.seed.managementAccountId}`,
    },
  }),
  ListRoots: (index, input) => {
    const { items, next } = page([index.seed.rootId], input);
    return {
      Roots: items.map((id) => ({
        Id: id,
        Arn: `arn:aws:organizations::${index.seed.managementAccountId}:root/${index.seed.id}/${id}`,
        Name: 'Root',
        PolicyTypes: [],
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },
  ListOrganizationalUnitsForParent: (index, input) => {
    const units = index.unitsByParent.get(parentOf(index, input)) ?? [];
    const { items, next } = page(units, input);
    return {
      OrganizationalUnits: items.map((u) => ({
        Id: u.id,
        Arn: unitArn(index, u.id),
        Name: u.name,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },
  ListAccountsForParent: (index, input) => {
    const accounts = index.accountsByParent.get(parentOf(index, input)) ?? [];
    const { items, next } = page(accounts, input);
    return {
      Accounts: items.map((a) => ({
        Id: a.id,
        Arn: `arn:aws:organizations::${index.seed.managementAccountId}:account/${index.seed.id}/${a.id}`,
        Email: a.email,
        Name: a.name,
        Status: a.status,
        State: a.status === 'ACTIVE' ? 'ACTIVE' : a.status,
        JoinedMethod: 'CREATED',
        JoinedTimestamp: 1_700_000_000,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },
};

/** One Organizations call; every outcome is counted like the other services' calls. */
export async function handleOrganizationsRequest(
  state: OrganizationsState,
  request: ReceivedRequest,
): Promise<AwsHttpResponse> {
  const requestId = randomUUID();
  const operation = (request.headers['x-amz-target'] ?? '').slice(
    ORGANIZATIONS_TARGET_PREFIX.length,
  );
  let accountId = 'unknown';
  let outcome = 'OK';
  try {
    const session = await authenticate(state, request);
    accountId = session.role.accountId;
    const handler = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
    if (!handler) {
      throw new OrganizationsError(
        'UnknownOperationException',
        `The operation ${operation} is not served here.`,
      );
    }
    let input: Record<string, unknown> = {};
    if (request.body.trim() !== '') {
      try {
        input = JSON.parse(request.body) as Record<string, unknown>;
      } catch {
        throw new OrganizationsError(
          'SerializationException',
          'The request body is not valid JSON.',
        );
      }
    }
    const index = organizationOf(state.world);
    const check: OrganizationsCheck = {
      callerSessionArn: session.sessionArn,
      callerRoleArn: session.role.arn,
      callerAccountId: session.role.accountId,
      action: `organizations:${operation}`,
      resourceArn: index ? resourceArnOf(index, operation, input) : '*',
    };
    const decision = state.authorizer.authorizeOrganizations
      ? await state.authorizer.authorizeOrganizations(check)
      : { allowed: false };
    if (!decision.allowed) {
      throw new OrganizationsError(
        'AccessDeniedException',
        `You don't have permissions to access this resource. (${session.sessionArn} may not call organizations:${operation})`,
      );
    }
    if (!index || index.seed.managementAccountId !== session.role.accountId) {
      throw new OrganizationsError(
        'AWSOrganizationsNotInUseException',
        'Your account is not a member of an organization.',
      );
    }
    return json(200, handler(index, input), requestId);
  } catch (thrown) {
    if (!(thrown instanceof OrganizationsError)) {
      state.log(
        `local-aws: unexpected failure: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`,
      );
    }
    const error =
      thrown instanceof OrganizationsError
        ? thrown
        : new OrganizationsError(
            'ServiceException',
            "AWS Organizations can't complete your request.",
            500,
          );
    outcome = error.type;
    return json(error.status, { __type: error.type, Message: error.message }, requestId);
  } finally {
    state.calls.record({
      service: 'organizations',
      accountId,
      region: 'us-east-1',
      action: operation || '(none)',
      outcome,
    });
  }
}
