/**
 * Shared by every property: how many generated cases each runs, and the seed. A fixed seed keeps
 * the suite reproducible; FC_SEED overrides it to explore (a failure prints the seed and path to
 * keep as a regression test).
 */
export const NUM_RUNS = 10_000;
export const SEED = Number(process.env.FC_SEED ?? 20261201);

/**
 * Jest's limit for one in-process property of NUM_RUNS cases through the entry points: a guard
 * against a hang, not a speed goal (the machine may be shared; the benchmark measures speed).
 */
export const PROPERTY_TIMEOUT_MS = 300_000;
