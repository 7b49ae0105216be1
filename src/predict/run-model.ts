/**
 * A run modelled for prediction: its analysis (points, law, fit) plus what forecasts need on top — the
 * entropy curve H(t) for laws of entropy, and the corrections that predictions from observed entropy use.
 */
import { studentTQuantile } from '../fit/student-t.ts';
import type { LawFit } from '../fit/types.ts';
import { predictionBand } from '../fit/uncertainty/prediction-band.ts';
import { variableSlope } from '../fit/evaluate.ts';
import type { Law } from '../fit/laws/types.ts';
import type { RunSeries } from '../ingest/types.ts';
import { checkConfidence } from '../util/checks.ts';
import { InputError } from '../util/errors.ts';
import { analyzeRun, type AnalyzeOptions, type RunAnalysis } from './analyze.ts';
import { entropyRisingWarning } from './diagnostics.ts';
import { predictEntropy } from './entropy-decay.ts';
import { chooseEntropyModel, entropyTrendVariance, modelGapVariance, type BootstrapOptions, type EntropyModelChoice, type EntropyModelOptions } from './entropy-model.ts';
import { lawInflationCheck, type Prediction } from './from-observed.ts';
import { readingNoise } from './reading-noise.ts';
import { fittedValues, runColumns, type RunColumn } from './run-fit.ts';
import type { RunWarning } from './warnings.ts';

/** Options for `modelRun`: the analysis options (when given a series) and the entropy curve's. */
export interface RunModelOptions extends Omit<AnalyzeOptions, 'fraction' | 'bootstrap'>, EntropyModelOptions {}

/** A run modelled for prediction: the law R(H), the entropy curve H(t), and what to distrust. */
export interface RunModel {
  analysis: RunAnalysis;
  series: RunSeries;
  /** Leading points excluded as burn-in. */
  burnIn: number;
  /** The points both fits used. */
  used: RunSeries;
  law: Law;
  variables: readonly RunColumn[];
  fit: LawFit;
  /**
   * Factor (≥ 1) on the standard deviation of R given the observed variables, from how well the law fitted
   * to the earlier two thirds of the points predicted the latest third (`lawInflationCheck`); 1 with fewer
   * than 6 points. Applied to predictions from observed entropy (`predictFromObserved`), not to forecasts in time.
   */
  lawInflation: number;
  /** Held-out points `lawInflation` was measured on (its dof); 0 when not measured. */
  lawInflationPoints: number;
  /**
   * Reading noise of R that the law cannot explain (`readingNoise` over the used points; 0 with fewer than
   * 3): the floor on the residual scale of predictions from observed entropy, not of forecasts in time.
   */
  readingNoise: number;
  /** The entropy curve, for laws of entropy; null when fewer than 4 points remain or the law does not read H. */
  entropy: EntropyModelChoice | null;
  /** The analysis's warnings, then those of the entropy curve. */
  warnings: RunWarning[];
}

/**
 * Models a run for prediction: its analysis (given, or `analyzeRun(series, options)`: burn-in, law, fit,
 * diagnostics), the entropy-vs-step curve chosen by leave-future-out error when the law reads entropy, and
 * the corrections of predictions from observed entropy. Throws an `InputError` when the run cannot be fit.
 * @example modelRun(series).fit.params // => { a, b }
 */
export function modelRun(input: RunSeries | RunAnalysis, options: RunModelOptions = {}): RunModel {
  const { model: entropyModel, holdout, ...analyzeOptions } = options;
  const analysis = 'selection' in input ? input : analyzeRun(input, analyzeOptions);
  if (!analysis.fit) throw new InputError(`${analysis.run}: ${analysis.error ?? 'no fit'}`);
  const { used, law, variables, fit } = analysis;
  const n = used.step.length;
  const readsEntropy = variables.includes('H');
  const entropy = readsEntropy && n >= 4 ? chooseEntropyModel(used.step, used.entropy, { model: entropyModel, holdout }) : null;
  const warnings = [...analysis.warnings];
  if (entropy && !warnings.some((w) => w.code === 'entropy-rising')) {
    const rising = entropyRisingWarning(used, entropy.fit);
    if (rising) warnings.push(rising);
  }
  if (n < 6) {
    warnings.push({
      code: 'few-points',
      message: `only ${n} points after burn-in: the entropy curve is not checked on held-out points and intervals are wide`,
    });
  }
  const inflation = lawInflationCheck(used, law, (u, a, b) => runColumns(u, variables, a, b), analysis.fitOptions);
  return {
    analysis,
    series: analysis.series,
    burnIn: analysis.selection.burnIn,
    used,
    law,
    variables,
    fit,
    lawInflation: inflation.factor,
    lawInflationPoints: inflation.points,
    readingNoise: readingNoise(used, fittedValues(analysis, used, fit)),
    entropy,
    warnings,
  };
}

/**
 * The residual bootstrap understates how far a refitted τ (or p) can wander when the curve is extrapolated
 * (mean squared standardised error ≈ 1.8 on seeded synthetic runs with 12–36 points); its variance is
 * doubled so that 90% intervals cover about 90% there.
 */
const BOOTSTRAP_INFLATION = 2;

/**
 * The law's variables at future steps: the entropy curve's H(t) for H, the step itself for step and C.
 * Throws an `InputError` when the law reads entropy and the run has no entropy curve.
 */
export function futureColumns(model: RunModel, steps: ArrayLike<number>): Float64Array[] {
  const t = Float64Array.from(steps);
  return model.variables.map((v) => {
    if (v !== 'H') return t;
    if (!model.entropy) {
      throw new InputError(`${model.series.run}: forecasting in time needs at least 4 points after burn-in (got ${model.used.step.length})`);
    }
    const curve = model.entropy.fit;
    return t.map((s) => predictEntropy(curve, s));
  });
}

/**
 * Predicts R at future steps. For a law of entropy the entropy curve gives H(t) and the law maps it to R;
 * the interval adds, to first order in H, the law's uncertainty there (delta method over the parameters'
 * covariance), the entropy curve's uncertainty (seeded bootstrap, `entropyTrendVariance`, doubled; plus
 * `modelGapVariance`) and the scatter of a single entropy reading, both scaled by the law's slope ∂R/∂H,
 * and the scatter of a single R reading about the law; Student t with the smaller of the two fits'
 * degrees of freedom. A law of the step alone predicts R(t) directly, with its own band and scatter.
 * Throws an `InputError` when a law of entropy has no entropy curve.
 * @example predictInTime(modelRun(series), [1000])[0].interval // => [lo, hi]
 */
export function predictInTime(model: RunModel, steps: ArrayLike<number>, options: BootstrapOptions & { confidence?: number } = {}): Prediction[] {
  const { confidence = 0.9, ...bootstrap } = options;
  checkConfidence(confidence);
  const { law, fit } = model;
  const columns = futureColumns(model, steps);
  const band = predictionBand(law, fit, columns);
  const h = model.variables.indexOf('H');
  let varH: Float64Array | null = null;
  let slope: Float64Array | null = null;
  let dof = fit.dof;
  if (h >= 0 && model.entropy) {
    const { fit: curve, alternative } = model.entropy;
    const trend = entropyTrendVariance(model.used.step, model.used.entropy, curve, steps, bootstrap);
    varH = trend.map((v, j) => BOOTSTRAP_INFLATION * v + modelGapVariance(curve, alternative, steps[j]) + curve.sigma * curve.sigma);
    slope = variableSlope(law, fit, columns, h);
    // The fewer degrees of freedom of the two fits set the quantile: the weaker one limits the interval.
    dof = Math.max(1, Math.min(fit.dof, curve.dof));
  }
  const t = studentTQuantile(0.5 + confidence / 2, dof);
  const out: Prediction[] = [];
  for (let j = 0; j < steps.length; j++) {
    const predicted = band.value[j];
    // No `lawInflation` and no `readingNoise` floor here: the entropy terms already widen these intervals,
    // and with the factor the backtests over-covered (real verl logs 99%, seeded synthetic runs 95% for
    // nominal 90%); they cover 92% and 95% without either (bench/predict-backtest.ts).
    const entropyTerm = varH && slope ? slope[j] * slope[j] * varH[j] : 0;
    const sd = Math.sqrt(band.stderr[j] ** 2 + fit.sigma ** 2 + entropyTerm);
    out.push({ step: steps[j], ...(h >= 0 ? { entropy: columns[h][j] } : {}), predicted, sd, interval: [predicted - t * sd, predicted + t * sd] });
  }
  return out;
}
