/**
 * Shared by every property: how many generated cases each runs, and the seed. A fixed seed keeps
 * the suite reproducible; FC_SEED overrides it to explore (a failure prints the seed and path to
 * keep as a regression test).
 */
export const NUM_RUNS = 10_000;
export const SEED = Number(process.env.FC_SEED ?? 20261201);
