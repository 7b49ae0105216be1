/**
 * fast-check, configured once for every property test: import `fc` from here, never from 'fast-check'
 * (test/repo/self-contained.test.ts checks). `npm test` runs every property on one fixed seed, so a run
 * gives the same answer each time; `FC_SEED=<integer>` explores another seed and `FC_SEED=random` a fresh
 * one per property. A failure prints `{ seed, path }`: `FC_SEED=<seed> FC_PATH=<path>` replays that case
 * at once (the path belongs to one property, so run that test file alone).
 */
import fc from 'fast-check';

/** The seed `npm test` uses when FC_SEED is not set. */
export const DEFAULT_SEED = 20250527;

/** The global parameters FC_SEED and FC_PATH ask for; throws on a value that is not one. */
export function propertySettings(env: NodeJS.ProcessEnv = process.env): fc.GlobalParameters {
  const seed = env.FC_SEED?.trim() || String(DEFAULT_SEED);
  const path = env.FC_PATH?.trim();
  if (seed === 'random') {
    if (path) throw new Error('FC_PATH needs the FC_SEED it was found with, not FC_SEED=random');
    return {};
  }
  if (!/^-?\d+$/.test(seed) || !Number.isSafeInteger(Number(seed))) throw new Error(`FC_SEED must be an integer or "random", not ${JSON.stringify(seed)}`);
  return { seed: Number(seed), ...(path ? { path } : {}) };
}

fc.configureGlobal(propertySettings());

export { fc };
