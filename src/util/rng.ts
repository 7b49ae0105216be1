/**
 * Seeded randomness, the toolkit's only source of it: nothing touches `Math.random`, so bootstraps,
 * synthetic runs, initialisation, batching and sampling are reproducible from their seeds.
 *
 * - `Rng`, a sequential stream (mulberry32, 32-bit state): bootstrap resamples, synthetic runs, weight
 *   initialisation and batches. Plenty for the thousands of draws these need.
 * - `hashUniform`, a counter-based draw from (seed, row, step): what the harness's sampling uses on both
 *   backends (the same arithmetic is in WGSL), so a sample does not depend on the order work runs in.
 */

/** A seeded sequential generator (mulberry32), with normal draws by Box–Muller. */
export class Rng {
  private state: number;

  /** @example new Rng(1).int(10) // => the same integer on every run */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Box–Muller, one of the pair). */
  normal(): number {
    // 1 − u keeps the logarithm's argument in (0, 1].
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** PCG-style 32-bit hash (Jarzynski & Olano 2020, "Hash Functions for GPU Rendering"). */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/**
 * A uniform number in [0, 1) from (seed, row, step), with 24 bits so it is exact in float32.
 * @example
 * hashUniform(1, 2, 3) === hashUniform(1, 2, 3) // => true
 */
export function hashUniform(seed: number, row: number, step: number): number {
  const h = pcgHash((seed ^ pcgHash((row ^ pcgHash(step >>> 0)) >>> 0)) >>> 0);
  return (h >>> 8) / 16777216;
}
