import { fanOut } from '../../../handlers/core/fan-out';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function handlers(run: (item: number) => Promise<string>) {
  return {
    run,
    onError: (item: number, error: unknown) => `${item}:error:${(error as Error).message}`,
    notStarted: (item: number, remaining: number) => `${item}:not-started:${remaining}`,
  };
}

describe('Function: fanOut', () => {
  it('never has more jobs in flight than the concurrency, and keeps input order', async () => {
    // Prepare
    let inFlight = 0;
    let maxInFlight = 0;
    const items = Array.from({ length: 10 }, (_, i) => i);
    const run = async (item: number) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Later items finish first, so order must come from the index, not completion.
      for (let i = 0; i < 10 - item; i++) await tick();
      inFlight -= 1;
      return `${item}:ok`;
    };

    // Act
    const results = await fanOut(
      items,
      { concurrency: 3, reserveMillis: 0, remainingMillis: () => 60_000 },
      handlers(run),
    );

    // Assess
    expect(maxInFlight).toBe(3);
    expect(results).toEqual(items.map((i) => `${i}:ok`));
  });

  it('keeps going when one job fails', async () => {
    // Prepare
    const run = async (item: number) => {
      if (item === 1) throw new Error('boom');
      return `${item}:ok`;
    };

    // Act
    const results = await fanOut(
      [0, 1, 2],
      { concurrency: 1, reserveMillis: 0, remainingMillis: () => 60_000 },
      handlers(run),
    );

    // Assess
    expect(results).toEqual(['0:ok', '1:error:boom', '2:ok']);
  });

  it('starts nothing more once the remaining time drops to the reserve', async () => {
    // Prepare
    let remaining = 10_000;
    const run = async (item: number) => {
      remaining -= 4_000;
      return `${item}:ok`;
    };

    // Act
    const results = await fanOut(
      [0, 1, 2, 3],
      { concurrency: 1, reserveMillis: 3_000, remainingMillis: () => remaining },
      handlers(run),
    );

    // Assess
    expect(results).toEqual(['0:ok', '1:ok', '2:not-started:2000', '3:not-started:2000']);
  });

  it('returns an empty list for no items', async () => {
    // Prepare
    const run = jest.fn(async () => 'never');

    // Act
    const results = await fanOut(
      [],
      { concurrency: 4, reserveMillis: 0, remainingMillis: () => 1 },
      handlers(run),
    );

    // Assess
    expect(results).toEqual([]);
    expect(run).not.toHaveBeenCalled();
  });
});
