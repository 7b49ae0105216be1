/**
 * Robust fitting with Huber's loss by iteratively reweighted least squares (IRLS). Residuals within c
 * (in units of σ) count fully, larger ones with weight c/|r|; at the IRLS fixed point Σ ψ(rᵢ)·∂rᵢ/∂p = 0
 * with Huber's ψ, the same optimum as scipy.optimize.least_squares(loss='huber', f_scale=c).
 */
import { median } from 'simple-statistics';
import type { Law, LawData } from '../laws/types.ts';
import type { LawFit } from '../types.ts';
import { ROBUST_TOLERANCE } from '../../util/tolerances.ts';

/** Options for robust (Huber) fits. */
export interface RobustOptions {
  /**
   * Huber threshold c, in units of y/σ. Defaults to 1.345 × 1.4826 × the median absolute deviation of
   * the ordinary fit's residuals (95% efficiency under normal errors, robust to the outliers themselves).
   */
  scale?: number;
  /** Most reweighting rounds. Defaults to 100. */
  maxIterations?: number;
  /** Stop when no parameter changes by more than this, relative. Defaults to 1e-12. */
  tolerance?: number;
}


/** Residuals (y − f)/σ at parameters p, with the caller's σ (not the IRLS-adjusted one). */
function scaledResiduals(law: Law, data: LawData, p: number[]): Float64Array {
  const r = new Float64Array(data.y.length);
  law.evaluate(p, data.columns, r);
  for (let i = 0; i < r.length; i++) r[i] = (data.y[i] - r[i]) / (data.sigma ? data.sigma[i] : 1);
  return r;
}

/**
 * Runs IRLS around a weighted fitter `core(data, start)`; returns the last weighted fit with `robust` set.
 * A fit that does not converge is returned as is (flagged by `converged`).
 * @example huberFit(law, data, { scale: 0.02 }, core).robust.weights // => weights in (0, 1]
 */
export function huberFit(law: Law, data: LawData, options: RobustOptions, core: (data: LawData, start?: number[]) => LawFit): LawFit {
  const { maxIterations = 100, tolerance = ROBUST_TOLERANCE } = options;
  const n = data.y.length;
  const base = data.sigma;
  const residuals = (f: LawFit) => scaledResiduals(law, data, f.values);
  let fit = core(data);
  if (!fit.converged) return fit;
  let r = residuals(fit);
  const centre = median(Array.from(r));
  const c = options.scale ?? 1.345 * 1.4826 * median(Array.from(r, (v) => Math.abs(v - centre)));
  const weights = new Float64Array(n).fill(1);
  if (!(c > 0)) return { ...fit, robust: { scale: 0, weights, iterations: 0 } };
  const sigma = new Float64Array(n);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    for (let i = 0; i < n; i++) {
      weights[i] = Math.abs(r[i]) <= c ? 1 : c / Math.abs(r[i]);
      sigma[i] = (base ? base[i] : 1) / Math.sqrt(weights[i]);
    }
    const next = core({ ...data, sigma }, fit.values);
    if (!next.converged) return next;
    let change = 0;
    for (let j = 0; j < next.values.length; j++) {
      change = Math.max(change, Math.abs(next.values[j] - fit.values[j]) / Math.max(Math.abs(next.values[j]), 1e-300));
    }
    fit = next;
    r = residuals(fit);
    if (change <= tolerance) break;
  }
  return { ...fit, robust: { scale: c, weights: Float64Array.from(weights), iterations: iterations + 1 } };
}
