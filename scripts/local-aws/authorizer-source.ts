import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Authorizer } from '../shared/authorization';
import { REPO_ROOT } from '../shared/repo-root';
import { roleArn } from './arns';
import {
  MANAGEMENT_ACCOUNT_ID,
  ORGANIZATION_READER_POLICY,
  ORGANIZATION_READER_ROLE,
} from './organizations-model';
import { STAGE_OPERATOR_ROLE, stageOperatorPolicy } from './scheduler-operator';
import type { Seed } from './seed-schema';

/**
 * The one place that knows where the real Authorizer lives and how it is built:
 * scripts/verify/index.ts (verify's face) exports `createPolicyAuthorizer(world: PolicyWorld)`, and the
 * world it needs is derived from the seed below. Any other module can stand in through
 * --authorizer if it exports `createAuthorizer(context)` (or a default factory).
 */
export const POLICY_AUTHORIZER_MODULE = path.join(__dirname, '..', 'verify', 'index.ts');

export { REPO_ROOT };

/** What a stand-in factory is given: the seed (role parameters per account) and the repository root. */
export interface AuthorizerFactoryContext {
  seed: Seed;
  repoRoot: string;
}

export type AuthorizerFactory = (
  context: AuthorizerFactoryContext,
) => Authorizer | Promise<Authorizer>;

/**
 * The PolicyWorld of scripts/verify/world.ts, as far as the seed fills it (typed here by
 * shape, so this module does not depend on the policy code at compile time).
 */
export interface SeedPolicyWorld {
  stage: string;
  homeAccountId: string;
  region: string;
  targets: Array<{ accountId: string; roleParameters: Record<string, string | string[]> }>;
  organizations: Record<string, string>;
  /** Principals other than the execution and target roles, with their identity policies. */
  principals: Array<{ arn: string; identityPolicies: Array<{ name: string; policy: unknown }> }>;
}

export class AuthorizerUnavailableError extends Error {
  override name = 'AuthorizerUnavailableError';
}

/** Every deployed target role with the parameters it was deployed with (empty values left out, as CloudFormation defaults them). */
export function policyWorldFromSeed(seed: Seed): SeedPolicyWorld {
  return {
    stage: seed.home.stage,
    homeAccountId: seed.home.accountId,
    region: seed.home.region,
    targets: seed.accounts.flatMap((account) =>
      account.roles.flatMap((role) =>
        role.parameters
          ? [
              {
                accountId: account.accountId,
                roleParameters: Object.fromEntries(
                  Object.entries(role.parameters).filter(([, value]) => value.length > 0),
                ),
              },
            ]
          : [],
      ),
    ),
    organizations: Object.fromEntries(
      seed.accounts.flatMap((account) =>
        account.organizationId ? [[account.accountId, account.organizationId]] : [],
      ),
    ),
    // The management account's read-only role that `npm run targets` signs with, and the home
    // account's operator role that `npm run switch` signs with.
    principals: [
      {
        arn: roleArn(MANAGEMENT_ACCOUNT_ID, ORGANIZATION_READER_ROLE),
        identityPolicies: [
          { name: 'read-organization', policy: structuredClone(ORGANIZATION_READER_POLICY) },
        ],
      },
      {
        arn: roleArn(seed.home.accountId, STAGE_OPERATOR_ROLE),
        identityPolicies: [{ name: 'stage-switch', policy: stageOperatorPolicy(seed) }],
      },
    ],
  };
}

export async function loadAuthorizer(
  modulePath: string | undefined,
  context: AuthorizerFactoryContext,
): Promise<Authorizer> {
  const file = path.resolve(modulePath ?? POLICY_AUTHORIZER_MODULE);
  if (!existsSync(file)) {
    throw new AuthorizerUnavailableError(
      modulePath
        ? `No authorizer module at ${file}.`
        : `No policy authorizer yet: ${path.relative(context.repoRoot, file)} does not exist. It should export ` +
            '`createPolicyAuthorizer(world)`. Until then, pass --authorizer <module> exporting `createAuthorizer`.',
    );
  }
  const loaded = (await import(file)) as Record<string, unknown>;
  let built: unknown;
  if (typeof loaded.createPolicyAuthorizer === 'function') {
    built = await loaded.createPolicyAuthorizer(policyWorldFromSeed(context.seed));
  } else {
    const factory = loaded.createAuthorizer ?? loaded.default;
    if (typeof factory !== 'function') {
      throw new AuthorizerUnavailableError(
        `${file} exports no createPolicyAuthorizer, createAuthorizer or default factory function.`,
      );
    }
    built = await (factory as AuthorizerFactory)(context);
  }
  const authorizer = built as
    | (Partial<Authorizer> & { ready?: () => Promise<unknown> })
    | undefined;
  if (
    typeof authorizer?.authorizeAssumeRole !== 'function' ||
    typeof authorizer.authorizeEc2 !== 'function'
  ) {
    throw new AuthorizerUnavailableError(
      `${file} did not produce an Authorizer (authorizeAssumeRole and authorizeEc2).`,
    );
  }
  // Load the policies now, so a broken template fails at start and not on the first call.
  if (typeof authorizer.ready === 'function') await authorizer.ready();
  return authorizer as Authorizer;
}
