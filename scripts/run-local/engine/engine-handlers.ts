/**
 * Imports the engine's four handlers, and Step Functions' EventBridge integration served with
 * their EventBridge client (the last-resort summary). Called after the caller has set the functions'
 * environment (they read it once, at import); in Jest inside an isolated module registry, so
 * each call is a fresh container.
 */
import { type EngineHandlers, putEventsIntegration } from '../../local-aws';

export async function importEngineHandlers(): Promise<EngineHandlers> {
  return {
    plan: (await import('../../../handlers/engine/plan')).handler as EngineHandlers['plan'],
    work: (await import('../../../handlers/engine/work')).handler as EngineHandlers['work'],
    recheck: (await import('../../../handlers/engine/recheck'))
      .handler as EngineHandlers['recheck'],
    summarise: (await import('../../../handlers/engine/summarise'))
      .handler as EngineHandlers['summarise'],
    putEvents: putEventsIntegration((await import('../../../handlers/aws/events')).eventBridge),
  };
}
