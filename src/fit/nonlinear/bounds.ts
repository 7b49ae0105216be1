/**
 * Box constraints by change of variables (as MINUIT and lmfit do): the solver works on an unbounded u and
 * the law sees p(u), which cannot leave [lo, hi]. Two-sided: p = lo + (hi − lo)(sin u + 1)/2; one-sided:
 * p = lo − 1 + √(u² + 1) (or the mirror for an upper bound). The Jacobian is chained with dp/du; the
 * reported covariance is computed afterwards in the law's own parameters, not in u.
 */
import { AT_BOUND_TOLERANCE } from '../../util/tolerances.ts';

/** Maps between a law's parameters p and the solver's unbounded unknowns u. */
export interface BoundsMap {
  /** Whether any parameter is bounded (when false, p = u and the map is skipped). */
  readonly active: boolean;
  toInternal(p: ArrayLike<number>): Float64Array;
  toExternal(u: ArrayLike<number>, out: Float64Array): Float64Array;
  /** dp_k/du_k for each k. */
  derivative(u: ArrayLike<number>, out: Float64Array): Float64Array;
  /** Names of parameters sitting on (within 1e-10 relative of) a bound. */
  atBound(p: ArrayLike<number>, names: readonly string[]): string[];
}

/**
 * Builds the bounds map; a start outside its bounds is moved just inside them.
 * @example boundsMap([0], [1]).toExternal([0], new Float64Array(1)) // => [0.5]
 */
export function boundsMap(lower: readonly number[] = [], upper: readonly number[] = []): BoundsMap {
  const lo = (k: number) => lower[k] ?? -Infinity;
  const hi = (k: number) => upper[k] ?? Infinity;
  const n = Math.max(lower.length, upper.length);
  let active = false;
  for (let k = 0; k < n; k++) if (Number.isFinite(lo(k)) || Number.isFinite(hi(k))) active = true;
  return {
    active,
    toInternal(p) {
      const u = Float64Array.from(p);
      for (let k = 0; k < p.length; k++) {
        const l = lo(k);
        const h = hi(k);
        if (Number.isFinite(l) && Number.isFinite(h)) {
          const t = Math.min(1, Math.max(-1, (2 * (p[k] - l)) / (h - l) - 1));
          u[k] = Math.asin(t);
        } else if (Number.isFinite(l)) {
          const t = Math.max(p[k] - l + 1, 1);
          u[k] = Math.sqrt(t * t - 1);
        } else if (Number.isFinite(h)) {
          const t = Math.max(h - p[k] + 1, 1);
          u[k] = Math.sqrt(t * t - 1);
        }
      }
      return u;
    },
    toExternal(u, out) {
      for (let k = 0; k < u.length; k++) {
        const l = lo(k);
        const h = hi(k);
        // Clamped: rounding (in the sine, or in l − 1 + 1) could otherwise step a hair outside the box.
        if (Number.isFinite(l) && Number.isFinite(h)) out[k] = Math.min(h, Math.max(l, l + ((h - l) * (Math.sin(u[k]) + 1)) / 2));
        else if (Number.isFinite(l)) out[k] = Math.max(l, l - 1 + Math.sqrt(u[k] * u[k] + 1));
        else if (Number.isFinite(h)) out[k] = Math.min(h, h + 1 - Math.sqrt(u[k] * u[k] + 1));
        else out[k] = u[k];
      }
      return out;
    },
    derivative(u, out) {
      for (let k = 0; k < u.length; k++) {
        const l = lo(k);
        const h = hi(k);
        if (Number.isFinite(l) && Number.isFinite(h)) out[k] = ((h - l) * Math.cos(u[k])) / 2;
        else if (Number.isFinite(l)) out[k] = u[k] / Math.sqrt(u[k] * u[k] + 1);
        else if (Number.isFinite(h)) out[k] = -u[k] / Math.sqrt(u[k] * u[k] + 1);
        else out[k] = 1;
      }
      return out;
    },
    atBound(p, names) {
      const hits: string[] = [];
      for (let k = 0; k < p.length; k++) {
        const near = (b: number) => Number.isFinite(b) && Math.abs(p[k] - b) <= AT_BOUND_TOLERANCE * Math.max(1, Math.abs(b));
        if (near(lo(k)) || near(hi(k))) hits.push(names[k]);
      }
      return hits;
    },
  };
}
