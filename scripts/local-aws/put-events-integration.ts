/**
 * Step Functions' optimised EventBridge integration (`arn:aws:states:::events:putEvents`), served
 * here with an SDK client: the state's Parameters are PutEvents' input, except that each entry's
 * `Detail` may be a JSON object, which Step Functions serialises (Step Functions Developer Guide,
 * "Add EventBridge events with Step Functions"). Its output is PutEvents' response.
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';

interface IntegrationEntry {
  Source?: string;
  DetailType?: string;
  Detail?: unknown;
  EventBusName?: string;
}

export function putEventsIntegration(client: EventBridgeClient) {
  return async (input: never, _context: Context): Promise<unknown> => {
    const { Entries = [] } = input as { Entries?: IntegrationEntry[] };
    const out = await client.send(
      new PutEventsCommand({
        Entries: Entries.map(({ Detail, ...entry }) => ({
          ...entry,
          Detail: typeof Detail === 'string' ? Detail : JSON.stringify(Detail),
        })),
      }),
    );
    return { Entries: out.Entries ?? [], FailedEntryCount: out.FailedEntryCount ?? 0 };
  };
}
