import { median } from 'simple-statistics';
import { UsageError } from '../util/errors.ts';

/** Options for `detectBurnIn`. */
export interface BurnInOptions {
  /**
   * How far below the law a leading point must lie to count as burn-in, in robust standard deviations of
   * the later points' residuals. Defaults to 6: format learning sits 10–30 of them below (the
   * Qwen2.5-0.5B GSM8K logs), while ordinary noise on a handful of reference points reaches 4–5.
   */
  threshold?: number;
  /** Largest fraction of the points that may be excluded. Defaults to 0.5. */
  maxFraction?: number;
  /** Reference points the law is fitted to when testing a point (and so the least that remain). Defaults to 5. */
  minKeep?: number;
}


/**
 * Theil–Sen line through (x, y): the median of pairwise slopes and the median intercept. It ignores up to
 * ~29% of wild points, so a second format-learning point cannot drag the reference law towards the first.
 * O(n²) pairs.
 */
export function theilSen(x: ArrayLike<number>, y: ArrayLike<number>): { slope: number; intercept: number } {
  const n = x.length;
  const slopes: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) if (x[j] !== x[i]) slopes.push((y[j] - y[i]) / (x[j] - x[i]));
  }
  const slope = slopes.length ? median(slopes) : 0;
  const intercepts: number[] = [];
  for (let i = 0; i < n; i++) intercepts.push(y[i] - slope * x[i]);
  return { slope, intercept: median(intercepts) };
}

/**
 * The number of leading points to leave out of a fit as burn-in. The rule: walking from the first point,
 * a point is burn-in while it lies below the law fitted robustly (Theil–Sen in exp(H)) to the points after
 * it by more than `threshold` robust standard deviations (1.4826·MAD of those points' residuals, at least
 * 1% of their range of R). The walk stops at the first point that fits, after `maxFraction` of the points,
 * or when fewer than `minKeep` would remain. This is what format learning looks like in R against H:
 * accuracy far lower than the entropy alone explains, catching up while entropy barely moves.
 * Only points *below* the law count: a leading point above it is not a known failure mode.
 * @example detectBurnIn([0.54, 0.53, 0.33, 0.30, 0.25, 0.17, 0.16], [0.01, 0.18, 0.46, 0.46, 0.48, 0.50, 0.50]) // => 2
 */
export function detectBurnIn(entropy: ArrayLike<number>, metric: ArrayLike<number>, options: BurnInOptions = {}): number {
  const { threshold = 6, maxFraction = 0.5, minKeep = 5 } = options;
  if (!(threshold > 0)) throw new UsageError(`invalid burn-in threshold: ${threshold} (expected a positive number)`);
  if (!(maxFraction >= 0 && maxFraction < 1)) {
    throw new UsageError(`invalid burn-in maxFraction: ${maxFraction} (expected a number in [0, 1))`);
  }
  const n = entropy.length;
  const x = Array.from(entropy, Math.exp);
  let m = 0;
  while (m < maxFraction * n && n - m - 1 >= minKeep) {
    const xs = x.slice(m + 1);
    const ys = Array.from(metric).slice(m + 1);
    const { slope, intercept } = theilSen(xs, ys);
    const resid = ys.map((y, i) => y - intercept - slope * xs[i]);
    const centre = median(resid);
    const mad = median(resid.map((r) => Math.abs(r - centre)));
    const range = Math.max(...ys) - Math.min(...ys);
    const scale = Math.max(1.4826 * mad, 0.01 * range, 1e-12);
    const r = metric[m] - intercept - slope * x[m] - centre;
    if (!(r < -threshold * scale)) break;
    m++;
  }
  return m;
}
