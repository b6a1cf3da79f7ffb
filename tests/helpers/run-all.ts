/**
 * Runs `job` over `items` with at most `limit` at once, through the product's own fan-out
 * (handlers/core/fan-out.ts), and rejects with the first failure (in input order) once every job has settled.
 */
import { fanOut } from '../../handlers/core/fan-out';

type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

export async function runAll<T, R>(
  items: readonly T[],
  limit: number,
  job: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const settled = await fanOut<T, Settled<R>>(
    items,
    { concurrency: limit, reserveMillis: 0, remainingMillis: () => Number.POSITIVE_INFINITY },
    {
      run: async (item, index) => ({ ok: true, value: await job(item, index) }),
      onError: (_item, error) => ({ ok: false, error }),
      notStarted: () => ({ ok: false, error: new Error('not started') }),
    },
  );
  return settled.map((result) => {
    if (!result.ok) throw result.error;
    return result.value;
  });
}
