import type { Authorizer } from '../shared/authorization';
import type { Caller } from './authenticate';
import type { Faults } from './faults';
import type { QueryParams } from './query-params';
import type { ThrottleRegistry } from './throttling';
import type { World } from './world';

/** What every action handler may use. */
export interface ServiceContext {
  world: World;
  authorizer: Authorizer;
  faults: Faults;
  throttles: ThrottleRegistry;
}

/** One authenticated call to an action. */
export interface ActionRequest {
  caller: Caller;
  params: QueryParams;
}

/** Returns the XML inside the response element (EC2) or the <XResult> element (STS). */
export type ActionHandler = (context: ServiceContext, request: ActionRequest) => Promise<string>;

/** An action the endpoint speaks: its handler and the Query parameters AWS's model gives it. */
export interface ActionDefinition {
  handler: ActionHandler;
  /** Accepted names besides Action and Version; `N` and `M` stand for list indexes (1, 2, …). */
  parameters: readonly string[];
  /** The parameters that are booleans: `true` or `false`, nothing else. */
  booleans?: readonly string[];
}
