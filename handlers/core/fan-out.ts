/**
 * Runs one job per item with at most `concurrency` in flight, keeping results in input order.
 * A failing job never stops the others, and no job starts once the invocation is close to its
 * deadline: those items get the `notStarted` result instead.
 */

export interface FanOutOptions {
  concurrency: number;
  /** Time the invocation must keep in hand; below it, nothing new starts. */
  reserveMillis: number;
  remainingMillis: () => number;
}

export interface FanOutHandlers<T, R> {
  run: (item: T, index: number) => Promise<R>;
  /** Result for an item whose job threw (a bug or an unexpected error). */
  onError: (item: T, error: unknown) => R;
  /** Result for an item that was never started, given the time left when the cut-off happened. */
  notStarted: (item: T, remainingMillis: number) => R;
}

export async function fanOut<T, R>(
  items: readonly T[],
  options: FanOutOptions,
  handlers: FanOutHandlers<T, R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let cutOffAt: number | undefined;

  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index] as T;
      if (cutOffAt === undefined) {
        const remaining = options.remainingMillis();
        if (remaining <= options.reserveMillis) cutOffAt = remaining;
      }
      if (cutOffAt !== undefined) {
        results[index] = handlers.notStarted(item, cutOffAt);
        continue;
      }
      try {
        results[index] = await handlers.run(item, index);
      } catch (error) {
        results[index] = handlers.onError(item, error);
      }
    }
  };

  const size = Math.max(1, Math.min(Math.floor(options.concurrency), items.length));
  await Promise.all(Array.from({ length: size }, worker));
  return results;
}
