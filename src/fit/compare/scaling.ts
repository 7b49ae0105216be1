/**
 * Coefficients across model sizes: Cui et al. find a and b each log-linear in model size (natural log of
 * parameters in billions): coef = α + β·ln(size). Weighted least squares with each coefficient's standard
 * error as σ when given, Student-t intervals, and a prediction with its interval for a larger model.
 */
import { checkConfidence } from '../../util/checks.ts';
import { InputError, UsageError } from '../../util/errors.ts';
import type { LawFit } from '../types.ts';
import { studentTQuantile } from '../student-t.ts';

/** Options for `fitLogLinear`. */
export interface LogLinearOptions {
  /** σ of each value (e.g. the coefficient's standard error); weights 1/σ². Defaults to none. */
  sigma?: ArrayLike<number>;
  /** Treat σ as absolute (no rescaling by the reduced chi-square). Defaults to false. */
  absoluteSigma?: boolean;
  /** Confidence level in (0, 1). Defaults to 0.95. */
  confidence?: number;
}

/** value = intercept + slope·ln(size). */
export interface LogLinearFit {
  intercept: number;
  slope: number;
  stderr: { intercept: number; slope: number };
  ci: { intercept: [number, number]; slope: [number, number] };
  /** Covariance of (intercept, slope). */
  covariance: [[number, number], [number, number]];
  /** Residual variance scale s² (1 with absolute σ) and degrees of freedom n − 2. */
  scale: number;
  dof: number;
  confidence: number;
}

/** A prediction at one size. */
export interface LogLinearPrediction {
  size: number;
  value: number;
  /** Standard error and interval of the fitted line at this size. */
  stderr: number;
  ci: [number, number];
  /** Interval for a new model's coefficient (adds the residual variance). */
  predictionInterval: [number, number];
}

/**
 * Fits value = α + β·ln(size) by weighted least squares (closed form, centred sums). Throws an
 * `InputError` for fewer than 3 sizes, non-positive sizes or sizes that are all equal.
 * @example fitLogLinear([0.5, 1.5, 7, 32], [0.05, 0.11, 0.2, 0.3]).slope // => 0.06…
 */
export function fitLogLinear(sizes: ArrayLike<number>, values: ArrayLike<number>, options: LogLinearOptions = {}): LogLinearFit {
  const { sigma, absoluteSigma = false, confidence = 0.95 } = options;
  checkConfidence(confidence);
  const n = sizes.length;
  if (values.length !== n || (sigma && sigma.length !== n)) throw new UsageError('fitLogLinear needs as many values (and sigmas) as sizes');
  if (n < 3) throw new InputError(`fitLogLinear requires at least 3 model sizes (got ${n})`);
  for (let i = 0; i < n; i++) {
    if (!(sizes[i] > 0) || !Number.isFinite(values[i])) throw new InputError(`fitLogLinear requires positive sizes and finite values (point ${i + 1})`);
    if (sigma && !(sigma[i] > 0)) throw new UsageError(`invalid sigma at point ${i + 1}: ${sigma[i]} (expected a positive number)`);
  }
  const x = Float64Array.from(sizes, Math.log);
  const w = Float64Array.from({ length: n }, (_, i) => (sigma ? 1 / (sigma[i] * sigma[i]) : 1));
  let sw = 0;
  let xbar = 0;
  let ybar = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i];
    xbar += w[i] * x[i];
    ybar += w[i] * values[i];
  }
  xbar /= sw;
  ybar /= sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += w[i] * (x[i] - xbar) ** 2;
    sxy += w[i] * (x[i] - xbar) * (values[i] - ybar);
  }
  if (!(sxx > 0)) throw new InputError('fitLogLinear requires at least two different model sizes');
  const slope = sxy / sxx;
  const intercept = ybar - slope * xbar;
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += w[i] * (values[i] - intercept - slope * x[i]) ** 2;
  const dof = n - 2;
  const scale = absoluteSigma ? 1 : ssr / dof;
  const varSlope = scale / sxx;
  const varIntercept = scale * (1 / sw + (xbar * xbar) / sxx);
  const cov = (-scale * xbar) / sxx;
  const t = studentTQuantile(0.5 + confidence / 2, dof);
  const se = { intercept: Math.sqrt(varIntercept), slope: Math.sqrt(varSlope) };
  return {
    intercept,
    slope,
    stderr: se,
    ci: { intercept: [intercept - t * se.intercept, intercept + t * se.intercept], slope: [slope - t * se.slope, slope + t * se.slope] },
    covariance: [
      [varIntercept, cov],
      [cov, varSlope],
    ],
    scale,
    dof,
    confidence,
  };
}

/**
 * Predicts the coefficient at `size` (same units as the fit) with the line's interval and a prediction
 * interval for a new model (adding s²·σ², σ defaulting to 1 without weights).
 * @example predictLogLinear(fit, 72).value // => the extrapolated coefficient for a 72B model
 */
export function predictLogLinear(fit: LogLinearFit, size: number, sigma = 1): LogLinearPrediction {
  if (!(size > 0)) throw new UsageError(`invalid model size: ${size} (expected a positive number)`);
  const x = Math.log(size);
  const value = fit.intercept + fit.slope * x;
  const [[vi, c], [, vs]] = fit.covariance;
  const variance = Math.max(0, vi + 2 * x * c + x * x * vs);
  const stderr = Math.sqrt(variance);
  const t = studentTQuantile(0.5 + fit.confidence / 2, fit.dof);
  const pred = Math.sqrt(variance + fit.scale * sigma * sigma);
  return { size, value, stderr, ci: [value - t * stderr, value + t * stderr], predictionInterval: [value - t * pred, value + t * pred] };
}

/**
 * Log-linear fits of each named coefficient across runs of different model sizes, weighting each run's
 * coefficient by its standard error. Returns one `LogLinearFit` per parameter name.
 * @example coefficientScaling([{ size: 0.5, fit: f05 }, { size: 7, fit: f7 }, { size: 32, fit: f32 }]).a.slope // => …
 */
export function coefficientScaling(
  runs: readonly { size: number; fit: Pick<LawFit, 'params' | 'stderr'> }[],
  params: readonly string[] = ['a', 'b'],
  options: Omit<LogLinearOptions, 'sigma'> & { weighted?: boolean } = {},
): Record<string, LogLinearFit> {
  const { weighted = true, ...rest } = options;
  const out: Record<string, LogLinearFit> = {};
  for (const p of params) {
    if (runs.some((r) => !(p in r.fit.params))) throw new UsageError(`coefficientScaling: not every fit has a parameter ${p}`);
    const sigma = weighted ? runs.map((r) => r.fit.stderr[p]) : undefined;
    out[p] = fitLogLinear(
      runs.map((r) => r.size),
      runs.map((r) => r.fit.params[p]),
      { ...rest, sigma },
    );
  }
  return out;
}
