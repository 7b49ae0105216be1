/**
 * Pointwise bands for a fitted curve by the delta method: Var f(x; p̂) ≈ g(x)ᵀ·Cov·g(x) with g the
 * gradient of f in the parameters (the law's analytic Jacobian). The confidence band is for the curve
 * itself; the prediction band (`observation: true`) adds the residual variance for a new measurement.
 */
import { checkConfidence } from '../../util/checks.ts';
import { UsageError } from '../../util/errors.ts';
import type { Law } from '../laws/types.ts';
import type { Estimate, LawFit } from '../types.ts';
import { studentTQuantile } from '../student-t.ts';

/** Options for `predictionBand`. */
export interface PredictionBandOptions {
  /** Confidence level in (0, 1). Defaults to the fit's. */
  confidence?: number;
  /** Band for a new observation (adds s², the reduced chi-square) instead of the mean curve. Defaults to false. */
  observation?: boolean;
  /** σ of the new observations, when the fit was weighted (multiplies s²). Defaults to 1. */
  sigma?: ArrayLike<number>;
}

/** Curve values with their standard errors and a two-sided band at `confidence`. */
export interface Band {
  value: Float64Array;
  stderr: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  confidence: number;
}

/**
 * Evaluates a fitted law at new points (columns in `law.variables` order) with a delta-method band using
 * Student's t with the fit's degrees of freedom. O(m·k²) for m points and k parameters.
 * @example predictionBand(entropyExp3, fit, [[0, 0.5, 1]]).upper // => upper 95% limits of the curve
 */
export function predictionBand(law: Law, fit: LawFit, columns: readonly ArrayLike<number>[], options: PredictionBandOptions = {}): Band {
  const { confidence = fit.confidence, observation = false, sigma } = options;
  checkConfidence(confidence);
  if (columns.length !== law.variables.length) throw new UsageError(`law ${law.name} needs ${law.variables.length} column(s)`);
  const m = columns[0]?.length ?? 0;
  const k = law.params.length;
  const value = new Float64Array(m);
  const jac = new Float64Array(m * k);
  law.evaluate(fit.values, columns, value);
  law.jacobian(fit.values, columns, jac);
  const stderr = new Float64Array(m);
  const lower = new Float64Array(m);
  const upper = new Float64Array(m);
  const t = studentTQuantile(0.5 + confidence / 2, fit.dof);
  for (let i = 0; i < m; i++) {
    let v = 0;
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) v += jac[a * m + i] * fit.covariance[a][b] * jac[b * m + i];
    }
    if (observation) v += fit.chiSquareReduced * (sigma ? sigma[i] * sigma[i] : 1);
    stderr[i] = Math.sqrt(Math.max(0, v));
    lower[i] = value[i] - t * stderr[i];
    upper[i] = value[i] + t * stderr[i];
  }
  return { value, stderr, lower, upper, confidence };
}

/**
 * The law's ceiling (R at H = 0 for entropy laws, the asymptote for `power` and `scalerl-sigmoid`) with a
 * delta-method standard error gᵀ·Cov·g, using the covariance of the parameters: for entropy-exp,
 * Var(b − a) = Var a + Var b − 2·Cov(a, b), and a and b are so strongly correlated that leaving out the
 * covariance would overstate the uncertainty several-fold. The interval uses Student's t with the fit's
 * degrees of freedom. Throws a `UsageError` for a law without a ceiling.
 * @example lawCeiling(entropyExp, fit).value // => b − a
 */
export function lawCeiling(law: Law, fit: LawFit, confidence = fit.confidence): Estimate {
  if (!law.ceiling || !law.ceilingGradient) throw new UsageError(`law ${law.name} has no ceiling`);
  checkConfidence(confidence);
  const value = law.ceiling(fit.values);
  const g = law.ceilingGradient(fit.values);
  let v = 0;
  for (let a = 0; a < g.length; a++) for (let b = 0; b < g.length; b++) if (g[a] && g[b]) v += g[a] * fit.covariance[a][b] * g[b];
  const stderr = Math.sqrt(Math.max(0, v));
  const t = studentTQuantile(0.5 + confidence / 2, fit.dof);
  return { value, stderr, ci: [value - t * stderr, value + t * stderr], confidence };
}
