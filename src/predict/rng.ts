/**
 * A small seeded random source for the bootstrap: forecasts must be reproducible run to run, so nothing
 * here touches `Math.random`. mulberry32 (32-bit state) is plenty for a few thousand resamples.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * A deterministic generator from a 32-bit seed (mulberry32).
 * @example seededRng(1).int(10) // => the same integer on every run
 */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

/**
 * A standard normal draw (Box–Muller, one of the pair), for synthetic runs in tests and benchmarks.
 * @example normal(seededRng(3)) // => a reproducible N(0, 1) draw
 */
export function normal(rng: Rng): number {
  // 1 − u keeps the logarithm's argument in (0, 1].
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
