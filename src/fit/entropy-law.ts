import { checkConfidence } from '../util/checks.ts';
import { InputError, UsageError } from '../util/errors.ts';
import { MIN_RELATIVE_SPREAD } from '../util/tolerances.ts';
import { studentTQuantile } from './student-t.ts';
import type { LawFit } from './types.ts';

/** Options for `fitEntropyLaw`. */
export interface EntropyLawOptions {
  /**
   * Per-point standard deviations σ of R (scipy's `sigma`); each point is weighted by 1/σ². Like
   * curve_fit's default (`absolute_sigma=False`), only their relative size matters: the covariance is scaled
   * by the reduced chi-square. Defaults to none (ordinary least squares).
   */
  sigma?: ArrayLike<number>;
  /** Confidence level of the intervals, in (0, 1). Defaults to 0.95. */
  confidence?: number;
}

/**
 * Fits R = −a·exp(H) + b by exact (weighted) linear least squares in X = exp(H): the law is linear in X
 * with slope −a and intercept b, so no iteration is needed. This is the `entropy-exp` law's fast path: the
 * result is the same `LawFit` that `fitLaw(entropyExp, …)` returns (a, b, their standard errors and
 * covariance by the usual OLS formulas, equal to scipy.optimize.curve_fit's, Student-t intervals with n − 2
 * degrees of freedom, R² and RMSE), computed without the general engine's allocations. O(n).
 *
 * Throws an `InputError` for fewer than 3 points, non-finite values, or entropy without spread (a is then
 * not identifiable); a `UsageError` for bad options.
 * @example fitEntropyLaw([0.1, 0.3, 0.5], [0.7, 0.55, 0.38]).params // => { a: 0.79..., b: 1.57... }
 */
export function fitEntropyLaw(
  entropy: ArrayLike<number>,
  metric: ArrayLike<number>,
  options: EntropyLawOptions = {},
): LawFit {
  const { sigma, confidence = 0.95 } = options;
  checkConfidence(confidence);
  const n = entropy.length;
  if (metric.length !== n) {
    throw new UsageError(`the entropy law needs as many metric values as entropy values (${metric.length} vs ${n})`);
  }
  if (sigma && sigma.length !== n) throw new UsageError(`the entropy law needs one sigma per point (${sigma.length} vs ${n})`);
  if (n < 3) throw new InputError(`the law requires at least 3 points (got ${n})`);
  return _fitEntropyLaw(entropy, metric, sigma, confidence);
}

/**
 * The core of `fitEntropyLaw`: options checked, values checked here while summing. Two passes: one for
 * exp(H) and the weighted sums, taken around the first point (a shift inside the data's range keeps
 * the sums well conditioned when exp(H) barely moves), one for the residuals, so the residual sum of
 * squares never comes from a difference of large sums.
 */
function _fitEntropyLaw(
  entropy: ArrayLike<number>,
  metric: ArrayLike<number>,
  sigma: ArrayLike<number> | undefined,
  confidence: number,
): LawFit {
  const n = entropy.length;
  const x = scratch(n);
  const x0 = Math.exp(entropy[0]);
  const y0 = metric[0];
  let sw = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let xMin = Infinity;
  let xMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const h = entropy[i];
    const y = metric[i];
    if (!Number.isFinite(h) || !Number.isFinite(y)) {
      throw new InputError(`the law requires finite values (point ${i + 1}: H = ${h}, R = ${y})`);
    }
    let w = 1;
    if (sigma) {
      const s = sigma[i];
      if (!(s > 0 && Number.isFinite(s))) throw new UsageError(`invalid sigma at point ${i + 1}: ${s} (expected a positive number)`);
      w = 1 / (s * s);
    }
    const xi = Math.exp(h);
    x[i] = xi;
    if (xi < xMin) xMin = xi;
    if (xi > xMax) xMax = xi;
    const dx = xi - x0;
    const dy = y - y0;
    sw += w;
    sx += w * dx;
    sy += w * dy;
    sxx += w * dx * dx;
    sxy += w * dx * dy;
    syy += w * dy * dy;
  }
  if (!(xMax - xMin > MIN_RELATIVE_SPREAD * Math.abs(xMax))) {
    const [lo, hi] = [Math.log(xMin), Math.log(xMax)];
    throw new InputError(
      lo === hi
        ? `the law requires entropy that varies (all ${n} points have H = ${lo}): a and b cannot be told apart`
        : `the law requires entropy that varies more (H from ${lo} to ${hi} over ${n} points): exp(H) cannot tell a from b`,
    );
  }
  // Centre the shifted sums: Σw(x − x̄)² = Σw(x − x0)² − (Σw(x − x0))²/Σw, and likewise for the others.
  const mx = sx / sw;
  const my = sy / sw;
  sxx -= sx * mx;
  sxy -= sx * my;
  syy -= sy * my;
  const xBar = x0 + mx;
  const yBar = y0 + my;
  const slope = sxy / sxx;
  // `|| 0` turns −0 (flat R) into 0, so printed and JSON output never shows "-0".
  const a = -slope || 0;
  const b = yBar - slope * xBar;

  let ssrWeighted = 0;
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    const r = metric[i] - (b - a * x[i]);
    const rr = r * r;
    ssr += rr;
    if (sigma) ssrWeighted += rr / (sigma[i] * sigma[i]);
  }
  if (!sigma) ssrWeighted = ssr;
  const dof = n - 2;
  const s2 = ssrWeighted / dof;
  const varA = s2 / sxx;
  const varB = s2 * (1 / sw + (xBar * xBar) / sxx);
  // cov(b, slope) = −s²·x̄/Sxx, and a = −slope.
  const covAB = (s2 * xBar) / sxx;
  const seA = Math.sqrt(varA);
  const seB = Math.sqrt(varB);
  const t = studentTQuantile(0.5 + confidence / 2, dof);
  // With no spread in R the slope is exactly 0 and R² is undefined; report 1 for an exact fit, else 0.
  const r2 = syy > 0 ? Math.max(0, 1 - ssrWeighted / syy) : ssrWeighted === 0 ? 1 : 0;
  return {
    law: 'entropy-exp',
    formula: ENTROPY_EXP_FORMULA,
    paramNames: ENTROPY_EXP_PARAMS,
    values: [a, b],
    params: { a, b },
    stderr: { a: seA, b: seB },
    ci: { a: [a - t * seA, a + t * seA], b: [b - t * seB, b + t * seB] },
    covariance: [
      [varA, covAB],
      [covAB, varB],
    ],
    confidence,
    n,
    dof,
    ssr: ssrWeighted,
    chiSquareReduced: s2,
    sigma: Math.sqrt(s2),
    r2,
    rmse: Math.sqrt(ssr / n),
    converged: true,
    reason: 'exact linear least squares',
    iterations: 0,
    evaluations: 1,
    startsTried: 1,
    atBound: [],
    warnings: [],
  };
}

/** The `entropy-exp` law's formula and parameter names, shared with its `Law` object. */
export const ENTROPY_EXP_FORMULA = 'R = −a·exp(H) + b';
export const ENTROPY_EXP_PARAMS: readonly string[] = Object.freeze(['a', 'b']);

let scratchBuffer = new Float64Array(256);

/**
 * A reusable buffer for exp(H): fits over many runs would otherwise allocate one array per run, which
 * costs as much as the arithmetic. Safe because the fit is synchronous and does not recurse.
 */
function scratch(n: number): Float64Array {
  if (scratchBuffer.length < n) scratchBuffer = new Float64Array(Math.max(n, 2 * scratchBuffer.length));
  return scratchBuffer;
}
