/**
 * Predictions of R where the law's variables were observed (the paper's protocol: entropy known, R not
 * yet), with intervals for a new reading that real runs hold to.
 */
import { entropyExp } from '../fit/laws/entropy-exp.ts';
import type { Law } from '../fit/laws/types.ts';
import { fitLaw, type FitLawOptions } from '../fit/nonlinear/fit-law.ts';
import { studentTQuantile } from '../fit/student-t.ts';
import type { LawFit } from '../fit/types.ts';
import { predictionBand } from '../fit/uncertainty/prediction-band.ts';
import { checkConfidence } from '../util/checks.ts';
import { InputError, UsageError } from '../util/errors.ts';

/** One prediction with its interval. */
export interface Prediction {
  step: number;
  /** The entropy the prediction used (modelled for forecasts in time, observed otherwise); absent for laws of step alone. */
  entropy?: number;
  predicted: number;
  /** Standard deviation of a new observation of R there (prediction, not confidence, scale). */
  sd: number;
  interval: [number, number];
}

/** Points of a run as the checks read them. */
export interface UsedPoints {
  step: Float64Array;
  entropy: Float64Array;
  metric: Float64Array;
}

/** The law's variables at points [from, to) of `used`: entropy for H, the step for `step` and C. */
export type ColumnsOf = (used: UsedPoints, from: number, to: number) => Float64Array[];

/** The columns of the paper's law: entropy only. */
export const entropyColumns: ColumnsOf = (used, from, to) => [used.entropy.subarray(from, to)];

/** Options of `predictFromObserved` beyond the level and the inflation. */
export interface FromObservedOptions {
  /**
   * Floor on the residual scale: the reading noise of R (`readingNoise`, which `modelRun` stores as
   * `readingNoise`). Defaults to 0 (no floor: the textbook interval).
   */
  readingNoise?: number;
  /**
   * Degrees of freedom of `inflation`: the number of held-out points it was measured on (`modelRun` stores
   * it as `lawInflationPoints`). When the inflation is above 1 the interval's scale comes from those points,
   * so the t quantile uses the smaller of this and the law's n − 2. Defaults to Infinity (the inflation is
   * taken as known).
   */
  inflationDof?: number;
}

/**
 * Predicts R from the law's variables actually observed (the paper's protocol: entropy known, R not yet):
 * the law's value with a prediction interval for a new reading. The base is the textbook one (the law's
 * delta-method uncertainty there plus the residual scatter s; Student t with the fit's dof), with three
 * corrections for what it assumes and real runs break. In the backtests of bench/predict-backtest.ts (fit
 * on the first 10–90%, predict the rest), the textbook 90% intervals covered 71% of later points on the
 * three verl GSM8K logs, 81% with the inflation alone, and 90% with all three; on 36 seeded runs that
 * follow the law exactly, where the textbook interval is exact (92% on those cuts), the corrections cost
 * 3 points (95%):
 * - `readingNoise` is a floor on s, and the law's parameter covariance, which is proportional to s², is
 *   scaled with it: a new reading cannot be predicted more closely than the reading noise the law cannot explain,
 *   and with 3–7 points s is often far below that by chance. The t quantile keeps the law's dof, so the floor only widens.
 * - `inflation` (which `modelRun` sets as `lawInflation`) multiplies the standard deviation, for the law's
 *   drift when extrapolated along the run;
 * - and, when it is above 1, the t quantile takes the dof of that inflation (`inflationDof`): a factor
 *   measured on a third of the points (2 of 6, 3 of 9) is itself uncertain.
 * Degenerate case: a law that fits its points exactly (s = 0) has no covariance to scale, and the
 * interval is the floor alone. Throws a `UsageError` for a bad level, inflation, floor or dof.
 * @example predictFromObserved(entropyExp, fit, [[0.1]], [100])[0].predicted // => b − a·exp(0.1)
 */
export function predictFromObserved(
  law: Law,
  fit: LawFit,
  columns: readonly ArrayLike<number>[],
  steps: ArrayLike<number>,
  confidence = 0.9,
  inflation = 1,
  options: FromObservedOptions = {},
): Prediction[] {
  const { readingNoise = 0, inflationDof = Infinity } = options;
  checkConfidence(confidence);
  if (!(inflation > 0 && Number.isFinite(inflation))) throw new UsageError(`invalid inflation: ${inflation} (expected a positive number)`);
  if (!(readingNoise >= 0 && Number.isFinite(readingNoise))) {
    throw new UsageError(`invalid reading noise: ${readingNoise} (expected a finite number ≥ 0)`);
  }
  if (!(inflationDof > 0)) throw new UsageError(`invalid inflation dof: ${inflationDof} (expected a positive number)`);
  const dof = inflation > 1 ? Math.min(fit.dof, inflationDof) : fit.dof;
  const t = studentTQuantile(0.5 + confidence / 2, dof);
  const scale = Math.max(fit.sigma, readingNoise);
  // The covariance of the parameters is s²·(JᵀJ)⁻¹: raising s to the floor raises it by (floor / s)².
  const ratio = fit.sigma > 0 ? (scale / fit.sigma) ** 2 : 1;
  const band = predictionBand(law, fit, columns);
  const h = law.variables.indexOf('H');
  const out: Prediction[] = [];
  for (let j = 0; j < steps.length; j++) {
    const predicted = band.value[j];
    const sd = inflation * Math.sqrt(ratio * band.stderr[j] ** 2 + scale * scale);
    out.push({ step: steps[j], ...(h >= 0 ? { entropy: columns[h][j] } : {}), predicted, sd, interval: [predicted - t * sd, predicted + t * sd] });
  }
  return out;
}

/** What `lawInflationCheck` measured: the factor and the number of held-out points behind it. */
export interface LawInflation {
  /** At least 1; 1 when it could not be measured. */
  factor: number;
  /** Held-out points it was measured on (the dof of the factor); 0 when it could not be measured. */
  points: number;
}

/**
 * How much the law's own prediction intervals understate its error when extrapolated along the run: the
 * law is fitted to the earlier two thirds of the points and predicts the latest third (at least 2 points)
 * from their observed variables; the factor is the root mean square of those errors in units of the
 * textbook standard deviations (`predictFromObserved` without floor or inflation), at least 1. Real runs
 * drift off the law as entropy falls, while seeded synthetic runs that follow it stay near 1. Needs 6
 * points (and an early fit that converges and is not exact); otherwise factor 1 on 0 points. O(n).
 * @example lawInflationCheck(modelRun(series).used) // => { factor: 1.4..., points: 7 }
 */
export function lawInflationCheck(used: UsedPoints, law: Law = entropyExp, columnsOf: ColumnsOf = entropyColumns, fitOptions: FitLawOptions = {}): LawInflation {
  const none = { factor: 1, points: 0 };
  const n = used.step.length;
  if (n < 6) return none;
  const k = n - Math.max(2, Math.round(n / 3));
  let fit: LawFit;
  try {
    fit = fitLaw(law, { columns: columnsOf(used, 0, k), y: used.metric.subarray(0, k) }, { ...fitOptions, sigma: undefined });
  } catch (error) {
    if (error instanceof InputError) return none;
    throw error;
  }
  // An early fit that failed, or that runs through its points exactly, has no scale to measure errors in.
  if (!fit.converged || !(fit.sigma > 0)) return none;
  const preds = predictFromObserved(law, fit, columnsOf(used, k, n), used.step.subarray(k));
  let z2 = 0;
  for (let j = 0; j < preds.length; j++) z2 += ((used.metric[k + j] - preds[j].predicted) / preds[j].sd) ** 2;
  return { factor: Math.max(1, Math.sqrt(z2 / preds.length)), points: preds.length };
}
