/**
 * The paper's protocol: fit the law on the first ~15% of a run's points and predict R at every later point
 * from the entropy (the law's variables) observed there (Cui et al. 2025, §prediction).
 */
import { lawCeiling } from '../fit/uncertainty/prediction-band.ts';
import type { Estimate, LawFit } from '../fit/types.ts';
import { checkConfidence, checkFraction } from '../util/checks.ts';
import { InputError } from '../util/errors.ts';
import type { RunAnalysis } from './analyze.ts';
import { entropyError, fittedValues, fitUsed, runColumns } from './run-fit.ts';
import { detectBurnIn } from './burn-in.ts';
import { lawInflationCheck, predictFromObserved } from './from-observed.ts';
import { readingNoise } from './reading-noise.ts';
import { sliceSeries } from './select.ts';
import type { RunWarning } from './warnings.ts';

/** Options for `forecastFromEarlyFit`: the fraction and the interval level. */
export interface EarlyFitOptions {
  /**
   * Fraction of the run's points (by step) to fit on, in (0, 1]. Defaults to 0.15, the paper's protocol
   * (the first ~15% of training predicts the rest). The fit uses ⌈fraction·n⌉ points, and at least 3.
   */
  fraction?: number;
  /** Level of the held-out points' prediction intervals. Defaults to 0.9. */
  intervalConfidence?: number;
}

/** One held-out point of an early-fit forecast. */
export interface ForecastPoint {
  step: number;
  /** The entropy observed there (what the prediction used, for laws of entropy). */
  entropy: number;
  predicted: number;
  /** Prediction interval for the reading, at the forecast's `confidence`. */
  interval: [number, number];
  actual: number;
}

/** The early-fit forecast of one run. */
export interface EarlyForecast {
  fraction: number;
  /** Points the early part holds (the first ⌈fraction·n⌉ of the run's selected window, at least 3). */
  fitPoints: number;
  /** Leading points of the early part left out as burn-in (the run's burn-in rule, applied to what it saw). */
  burnIn: number;
  /** All points of the window. */
  points: number;
  fit: LawFit;
  /** The ceiling the early fit implies, with its interval; null for a law without one. */
  ceiling: Estimate | null;
  /** The level of the held-out intervals. */
  confidence: number;
  /** The held-out points with their predictions. */
  heldOut: ForecastPoint[];
  /** RMSE of the predictions over the held-out points; null when none are held out. */
  rmse: number | null;
  /** Share of held-out readings inside their intervals; null when none are held out. */
  coverage: number | null;
  /** The last point's prediction; null when none are held out. */
  final: { step: number; predicted: number; actual: number } | null;
  warnings: RunWarning[];
}

/** Number of leading points the early fit uses: ⌈fraction·n⌉, at least 3, at most n. */
export function earlyFitPoints(n: number, fraction: number): number {
  return Math.min(n, Math.max(3, Math.ceil(fraction * n - 1e-9)));
}

/**
 * Fits the law on the first `fraction` of a run's points and predicts R for every later point from the
 * entropy actually observed there, with prediction intervals (`predictFromObserved`, corrected by what the
 * early points themselves show). The early part gets the run's point rules: the same steps window and
 * burn-in rule, applied to the early points alone, as a run still training would see them; a warning says
 * when the whole run's burn-in excluded more. `analyzeRun(series, { fraction })` runs it as part of the
 * analysis. Throws an `InputError` when the early part cannot be fit, a `UsageError` for bad options.
 * @example forecastFromEarlyFit(analyzeRun(series), { fraction: 0.15 }).rmse // => 0.009...
 */
export function forecastFromEarlyFit(analysis: RunAnalysis, options: EarlyFitOptions = {}): EarlyForecast {
  const { fraction = 0.15, intervalConfidence = 0.9 } = options;
  checkFraction(fraction);
  checkConfidence(intervalConfidence);
  const { series, selection } = analysis;
  const window = sliceSeries(series, selection.from, selection.to);
  const n = window.step.length;
  const k = earlyFitPoints(n, fraction);
  const early = sliceSeries(window, 0, k);
  const { law, variables } = analysis;
  // The run's rule, on what the early points show (for a law of the step alone, 'auto' keeps them all).
  const detect = variables.includes('H') && !entropyError(early.entropy);
  const burnIn = selection.rule === 'auto' ? (detect ? detectBurnIn(early.entropy, early.metric) : 0) : selection.rule === 'count' ? Math.min(selection.burnIn, k) : 0;
  const used = sliceSeries(early, burnIn, k);
  if (used.step.length < 3) throw new InputError(`the early fit needs at least 3 points after burn-in (got ${used.step.length} of the first ${k})`);
  const fit = fitUsed(analysis, used);
  const ceiling = law.ceiling ? lawCeiling(law, fit) : null;
  const inflation = lawInflationCheck(used, law, (u, a, b) => runColumns(u, variables, a, b), analysis.fitOptions);
  const noise = readingNoise(used, fittedValues(analysis, used, fit));
  const held = sliceSeries(window, k, n);
  const preds = predictFromObserved(law, fit, runColumns(held, variables), held.step, intervalConfidence, inflation.factor, {
    readingNoise: noise,
    inflationDof: inflation.points || Infinity,
  });
  const heldOut: ForecastPoint[] = [];
  let sse = 0;
  let covered = 0;
  preds.forEach((p, j) => {
    const actual = held.metric[j];
    sse += (p.predicted - actual) ** 2;
    if (actual >= p.interval[0] && actual <= p.interval[1]) covered++;
    heldOut.push({ step: held.step[j], entropy: held.entropy[j], predicted: p.predicted, interval: p.interval, actual });
  });
  const warnings: RunWarning[] = [];
  if (selection.rule === 'auto' && selection.burnIn > burnIn) {
    warnings.push({
      code: 'early-burn-in',
      message:
        `the whole run's fit leaves out ${selection.burnIn} format-learning point(s), the first ${k} points alone show ${burnIn}: ` +
        'the early fit includes format learning, so its forecast starts low',
    });
  }
  if (inflation.points === 0 && heldOut.length > 0) {
    warnings.push({
      code: 'few-points',
      message:
        `the early fit has ${used.step.length} point(s) after burn-in, too few to check its own extrapolation (that needs 6): ` +
        'its intervals assume the law holds beyond them and can be far too narrow',
    });
  }
  const last = heldOut.at(-1);
  return {
    fraction,
    fitPoints: k,
    burnIn,
    points: n,
    fit,
    ceiling,
    confidence: intervalConfidence,
    heldOut,
    rmse: heldOut.length > 0 ? Math.sqrt(sse / heldOut.length) : null,
    coverage: heldOut.length > 0 ? covered / heldOut.length : null,
    final: last ? { step: last.step, predicted: last.predicted, actual: last.actual } : null,
    warnings,
  };
}
