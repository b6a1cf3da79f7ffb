import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Authorizer } from '../lib/authorization';
import type { Seed } from './seed-schema';

/**
 * The one place that knows where the real Authorizer lives. The policy evaluation exports
 * `createPolicyAuthorizer` from scripts/lib/policy-authorizer.ts; any module exporting
 * `createPolicyAuthorizer`, `createAuthorizer` or a default factory can stand in for it.
 */
export const POLICY_AUTHORIZER_MODULE = path.join(__dirname, '..', 'lib', 'policy-authorizer.ts');

/** What a factory is given to build its Authorizer: the world (role parameters per account) and paths. */
export interface AuthorizerFactoryContext {
  seed: Seed;
  /** Repository root, for finding serverless.yml and resources/*.yml. */
  repoRoot: string;
}

export type AuthorizerFactory = (
  context: AuthorizerFactoryContext,
) => Authorizer | Promise<Authorizer>;

export class AuthorizerUnavailableError extends Error {
  override name = 'AuthorizerUnavailableError';
}

export const REPO_ROOT = path.join(__dirname, '..', '..');

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
            '`createPolicyAuthorizer(context)`. Until then, pass --authorizer <module> exporting `createAuthorizer`.',
    );
  }
  const loaded = (await import(file)) as Record<string, unknown>;
  const factory = loaded.createPolicyAuthorizer ?? loaded.createAuthorizer ?? loaded.default;
  if (typeof factory !== 'function') {
    throw new AuthorizerUnavailableError(
      `${file} exports no createPolicyAuthorizer, createAuthorizer or default factory function.`,
    );
  }
  const authorizer = (await (factory as AuthorizerFactory)(context)) as
    | Partial<Authorizer>
    | undefined;
  if (
    typeof authorizer?.authorizeAssumeRole !== 'function' ||
    typeof authorizer.authorizeEc2 !== 'function'
  ) {
    throw new AuthorizerUnavailableError(
      `The factory in ${file} did not return an Authorizer (authorizeAssumeRole and authorizeEc2).`,
    );
  }
  return authorizer as Authorizer;
}
