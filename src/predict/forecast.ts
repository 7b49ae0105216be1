import { evaluateFit } from '../fit/evaluate.ts';
import type { Estimate } from '../fit/types.ts';
import type { RunSeries } from '../ingest/types.ts';
import { UsageError } from '../util/errors.ts';
import { sig as fmt } from '../util/format.ts';
import type { RunAnalysis } from './analyze.ts';
import { stepAtEntropy, type DecayFit } from './entropy-decay.ts';
import type { BootstrapOptions } from './entropy-model.ts';
import { modelRun, predictInTime, type RunModel, type RunModelOptions } from './run-model.ts';
import type { RunWarning } from './warnings.ts';

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
  /** The entropy forecast at `at` by the entropy curve; null for a law of the step alone. */
  entropyAt: number | null;
  predicted: number;
  interval: [number, number];
  confidence: number;
  /** The law's ceiling (b − a, R at H = 0, for the paper's law) as the run's analysis gives it; null for a law without one. */
  ceiling: Estimate | null;
  /** The last observed point. */
  last: { step: number; entropy: number; metric: number };
  /** ceiling − the last observed R; null without a ceiling. */
  headroom: number | null;
  epsilon: number;
  /** First step at which the forecast R is within ε of the ceiling; null when the entropy curve never gets low enough. */
  ceilingStep: number | null;
  /** ceilingStep − last observed step (0 when already within ε); null with ceilingStep. */
  stepsToCeiling: number | null;
  burnIn: number;
  /** The law and its fit's numbers. */
  law: { name: string; formula: string; params: Record<string, number>; n: number; r2: number; sigma: number };
  /** The entropy curve, for laws of entropy; null for laws of the step alone. */
  entropyModel: DecayFit | null;
  /** Leave-future-out RMSE of each entropy curve, where they were compared. */
  entropyScores: Record<string, number | null>;
  warnings: RunWarning[];
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
 * The step where R comes within ε of the ceiling. For a law of entropy that is where the entropy curve
 * reaches the entropy H* at which the law is ε below its ceiling (for b − a·exp(H): H* = ln(1 + ε/a)),
 * found by bisection on the law, which must fall as H rises; for a law of the step, the first step past
 * the last one where the law itself is within ε. Null when it is never reached (an entropy floor above H*,
 * a law that does not approach its ceiling) or the law has no ceiling.
 */
function ceilingStepOf(model: RunModel, ceiling: number, epsilon: number): { step: number | null; level: number | null } {
  const { law, fit, series } = model;
  const last = series.step[series.step.length - 1];
  const at = (x: number) => evaluateFit(law, fit, [[x]])[0];
  const target = ceiling - epsilon;
  if (model.variables.length !== 1) return { step: null, level: null };
  if (model.variables[0] === 'H') {
    const hLast = series.entropy[series.entropy.length - 1];
    const top = Math.max(hLast, 1);
    // The law must be above the target at H = 0 and below it somewhere above; else ε is never a gap.
    if (!(at(0) >= target) || !(at(top) < target)) return { step: null, level: null };
    let lo = 0;
    let hi = top;
    for (let i = 0; i < 200 && hi - lo > 1e-14 * top; i++) {
      const mid = (lo + hi) / 2;
      if (at(mid) >= target) lo = mid;
      else hi = mid;
    }
    const level = lo;
    if (hLast <= level) return { step: last, level };
    if (!model.entropy) return { step: null, level };
    const t = stepAtEntropy(model.entropy.fit, level);
    return { step: t === null ? null : Math.max(last, Math.ceil(t)), level };
  }
  if (at(last) >= target) return { step: last, level: null };
  let hi = Math.max(1, Math.abs(last));
  while (at(last + hi) < target) {
    hi *= 2;
    if (hi > 1e15) return { step: null, level: null };
  }
  let lo = 0;
  while (hi - lo > 0.5) {
    const mid = (lo + hi) / 2;
    if (at(last + mid) >= target) hi = mid;
    else lo = mid;
  }
  return { step: Math.ceil(last + hi), level: null };
}

/**
 * Forecasts a run's validation performance at a future step, before training finishes: R at `at` with an
 * interval (`predictInTime`: entropy curve × law, both uncertainties propagated), the ceiling as the run's
 * analysis gives it (the same in every command), the headroom left (ceiling − last observed R), and the
 * step at which the run should come within ε of its ceiling. Carries every warning of `modelRun`, plus
 * one when the ceiling is out of reach. Deterministic (seeded bootstrap). Given a series, analyses it
 * first with `options`. Throws an `InputError` for runs that cannot be fit or are too short to model
 * (fewer than 4 points after burn-in for a law of entropy), a `UsageError` for bad options.
 * @example forecastRun(series, { at: 1000 }).interval // => [0.52..., 0.57...]
 */
export function forecastRun(input: RunSeries | RunAnalysis, options: ForecastOptions = {}): RunForecast {
  const { at, steps, epsilon = 0.01, confidence = 0.9, replicates, seed, ...modelOptions } = options;
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new UsageError(`invalid epsilon: ${epsilon} (expected a positive number)`);
  const series = 'selection' in input ? input.series : input;
  const target = targetStep(series, at, steps);
  const model = modelRun(input, modelOptions);
  const [p] = predictInTime(model, [target], { confidence, replicates, seed });
  const ceiling = model.analysis.ceiling;
  const n = series.step.length;
  const last = { step: series.step[n - 1], entropy: series.entropy[n - 1], metric: series.metric[n - 1] };
  const reach = ceiling ? ceilingStepOf(model, ceiling.value, epsilon) : { step: null, level: null };
  const warnings = [...model.warnings];
  const curve = model.entropy?.fit ?? null;
  if (ceiling && reach.step === null && curve && reach.level !== null) {
    warnings.push({
      code: 'ceiling-out-of-reach',
      message:
        `the entropy curve levels off at H = ${fmt(curve.floor)}, above the ${fmt(reach.level)} ` +
        `needed to come within ε = ${fmt(epsilon)} of the ceiling: the run is not predicted to reach it`,
    });
  }
  const { fit } = model;
  return {
    run: series.run,
    at: target,
    entropyAt: p.entropy ?? null,
    predicted: p.predicted,
    interval: p.interval,
    confidence,
    ceiling,
    last,
    headroom: ceiling ? ceiling.value - last.metric : null,
    epsilon,
    ceilingStep: reach.step,
    stepsToCeiling: reach.step === null ? null : reach.step - last.step,
    burnIn: model.burnIn,
    law: { name: fit.law, formula: fit.formula, params: fit.params, n: fit.n, r2: fit.r2, sigma: fit.sigma },
    entropyModel: curve,
    entropyScores: model.entropy?.scores ?? {},
    warnings,
  };
}
