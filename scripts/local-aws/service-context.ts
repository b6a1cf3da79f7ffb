import type { Authorizer } from '../lib/authorization';
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
