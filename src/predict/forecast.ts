import type { Ceiling } from '../fit/types.ts';
import type { RunSeries } from '../ingest/types.ts';
import { UsageError } from '../util/errors.ts';
import { ceilingOf } from './ceiling.ts';
import { stepAtEntropy, type DecayFit } from './entropy-decay.ts';
import type { BootstrapOptions } from './entropy-model.ts';
import { modelRun, predictInTime, type RunModel, type RunModelOptions } from './run-model.ts';
import { fmt, type PredictWarning } from './warnings.ts';

/** Options for `forecastRun`. Give `at` or `steps`, not both. */
export interface ForecastOptions extends RunModelOptions, BootstrapOptions {
  /** The step to forecast R at. Defaults to twice the run's length so far (2·last − first step). */
  at?: number;
  /** Steps beyond the last observed step to forecast at (at = last + steps). */
  steps?: number;
  /** How close to the ceiling counts as reaching it, in units of R. Defaults to 0.01. */
  epsilon?: number;
  /** Level of the forecast interval, in (0, 1). Defaults to 0.9. The ceiling's interval is always 95%. */
  confidence?: number;
}

/** A forecast of one run (see `forecastRun`). */
export interface RunForecast {
  run: string;
  at: number;
  /** The entropy forecast at `at` by the entropy curve. */
  entropyAt: number;
  predicted: number;
  interval: [number, number];
  confidence: number;
  /** b − a, R at H = 0, with a 95% interval. */
  ceiling: Ceiling;
  /** The last observed point. */
  last: { step: number; entropy: number; metric: number };
  /** ceiling − the last observed R. */
  headroom: number;
  epsilon: number;
  /** First step at which the forecast R is within ε of the ceiling; null when the entropy curve never gets low enough. */
  ceilingStep: number | null;
  /** ceilingStep − last observed step (0 when already within ε); null with ceilingStep. */
  stepsToCeiling: number | null;
  burnIn: number;
  law: { a: number; b: number; n: number; r2: number; sigma: number };
  entropyModel: DecayFit;
  /** Leave-future-out RMSE of each entropy curve, where they were compared. */
  entropyScores: Record<string, number | null>;
  warnings: PredictWarning[];
}

function targetStep(series: RunSeries, at: number | undefined, steps: number | undefined): number {
  const first = series.step[0];
  const last = series.step[series.step.length - 1];
  if (at !== undefined && steps !== undefined) throw new UsageError('give either at or steps, not both');
  if (at !== undefined) {
    if (!Number.isFinite(at)) throw new UsageError(`invalid at: ${at} (expected a step number)`);
    return at;
  }
  if (steps !== undefined) {
    if (!(Number.isFinite(steps) && steps >= 0)) throw new UsageError(`invalid steps: ${steps} (expected a number ≥ 0)`);
    return last + steps;
  }
  return 2 * last - first;
}

/**
 * The step where R comes within ε of the ceiling b − a: b − a·exp(H) ≥ b − a − ε ⇔ H ≤ ln(1 + ε/a),
 * found on the entropy curve. Null when a ≤ 0 or the curve's floor lies above that entropy.
 */
function ceilingStepOf(model: RunModel, epsilon: number): number | null {
  const { a } = model.law.params;
  if (!(a > 0) || !model.entropy) return null;
  const level = Math.log1p(epsilon / a);
  const last = model.series.step[model.series.step.length - 1];
  if (model.series.entropy[model.series.entropy.length - 1] <= level) return last;
  const t = stepAtEntropy(model.entropy.fit, level);
  return t === null ? null : Math.max(last, Math.ceil(t));
}

/**
 * Forecasts a run's validation performance at a future step, before training finishes: R at `at` with an
 * interval (`predictInTime`: entropy curve × entropy law, both uncertainties propagated), the ceiling b − a
 * at H = 0 with its 95% interval, the headroom left (ceiling − last observed R), and the step at which the
 * run should come within ε of its ceiling. Carries every trust warning of `modelRun`, plus one when the
 * ceiling is out of reach. Deterministic (seeded bootstrap). Throws an `InputError` for runs too short to
 * model (fewer than 4 points after burn-in), a `UsageError` for bad options.
 * @example forecastRun(series, { at: 1000 }).interval // => [0.52..., 0.57...]
 */
export function forecastRun(series: RunSeries, options: ForecastOptions = {}): RunForecast {
  const { at, steps, epsilon = 0.01, confidence = 0.9, replicates, seed, ...modelOptions } = options;
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new UsageError(`invalid epsilon: ${epsilon} (expected a positive number)`);
  const target = targetStep(series, at, steps);
  const model = modelRun(series, modelOptions);
  const [p] = predictInTime(model, [target], { confidence, replicates, seed });
  const ceiling = ceilingOf(model.law, 0.95);
  const n = series.step.length;
  const last = { step: series.step[n - 1], entropy: series.entropy[n - 1], metric: series.metric[n - 1] };
  const ceilingStep = ceilingStepOf(model, epsilon);
  const warnings = [...model.warnings];
  const fit = model.entropy!.fit;
  if (ceilingStep === null && model.law.params.a > 0) {
    warnings.push({
      code: 'ceiling-out-of-reach',
      message:
        `the entropy curve levels off at H = ${fmt(fit.floor)}, above the ${fmt(Math.log1p(epsilon / model.law.params.a))} ` +
        `needed to come within ε = ${fmt(epsilon)} of the ceiling: the run is not predicted to reach it`,
    });
  }
  return {
    run: series.run,
    at: target,
    entropyAt: p.entropy,
    predicted: p.predicted,
    interval: p.interval,
    confidence,
    ceiling,
    last,
    headroom: ceiling.value - last.metric,
    epsilon,
    ceilingStep,
    stepsToCeiling: ceilingStep === null ? null : ceilingStep - last.step,
    burnIn: model.burnIn,
    law: { ...model.law.params, n: model.law.n, r2: model.law.r2, sigma: model.law.sigma },
    entropyModel: fit,
    entropyScores: model.entropy!.scores,
    warnings,
  };
}

/** The forecast's JSON shape (snake_case, as the CLI's `forecast --json` prints it). */
export interface ForecastJson {
  run: string;
  at: number;
  predicted: number;
  interval90: [number, number];
  ceiling: { value: number; ci95: [number, number] };
  headroom: number;
  steps_to_ceiling: number | null;
  warnings: string[];
}

/**
 * The JSON form of a forecast: exactly run, at, predicted, interval90, ceiling {value, ci95}, headroom,
 * steps_to_ceiling (steps after the last observed one; null when out of reach) and warnings (messages).
 * `interval90` is the forecast's interval, computed at 90% unless the forecast asked for another level.
 * @example forecastJson(forecastRun(series)).interval90 // => [lo, hi]
 */
export function forecastJson(f: RunForecast): ForecastJson {
  return {
    run: f.run,
    at: f.at,
    predicted: f.predicted,
    interval90: f.interval,
    ceiling: { value: f.ceiling.value, ci95: f.ceiling.ci },
    headroom: f.headroom,
    steps_to_ceiling: f.stepsToCeiling,
    warnings: f.warnings.map((w) => w.message),
  };
}
