/**
 * Settings for property-based tests, the same in every package: a fixed seed by default, so a run
 * is reproducible and CI never fails at random; a failure prints its seed, which `FUZZ_SEED` replays;
 * `FUZZ_SCALE` multiplies the number of cases (`npm run fuzz` sets it, for the long mode).
 */
export interface FuzzParameters {
  seed: number;
  numRuns: number;
  endOnFailure: true;
}

/** The default seed: any fixed number would do; this one is the project's. */
export const DEFAULT_FUZZ_SEED = 20_261_201;

/** Parameters for `fc.assert` with `runs` cases in `npm test`, scaled by `FUZZ_SCALE` in the long mode. */
export function fuzzParameters(runs: number, env: Record<string, string | undefined> = process.env): FuzzParameters {
  const seed = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : DEFAULT_FUZZ_SEED;
  const scale = env.FUZZ_SCALE ? Math.max(1, Number(env.FUZZ_SCALE)) : 1;
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, not ${env.FUZZ_SEED}`);
  return { seed, numRuns: Math.round(runs * scale), endOnFailure: true };
}

/** A test's time limit for `ms` at the normal scale, grown with `FUZZ_SCALE` like its case count. */
export function fuzzTimeout(ms: number, env: Record<string, string | undefined> = process.env): number {
  return ms * (env.FUZZ_SCALE ? Math.max(1, Number(env.FUZZ_SCALE)) : 1);
}
