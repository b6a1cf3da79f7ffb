/** A module in the shape main.ts loads with --authorizer: a `createAuthorizer(context)` factory. */
import type { AuthorizerFactory } from '../../scripts/local-aws';
import { createFakeAuthorizer } from './fake-authorizer';

export const createAuthorizer: AuthorizerFactory = ({ seed }) => createFakeAuthorizer(seed);
