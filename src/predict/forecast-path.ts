/**
 * A forecast in time as a curve: R predicted at evenly spaced steps from the last observed one onwards,
 * each with its interval, for a chart of where the run is heading (the live page of `watch --report`).
 */
import type { RunSeries } from '../ingest/types.ts';
import { checkInteger } from '../util/checks.ts';
import { UsageError } from '../util/errors.ts';
import type { RunAnalysis } from './analyze.ts';
import type { BootstrapOptions } from './entropy-model.ts';
import type { Prediction } from './from-observed.ts';
import { modelRun, predictInTime, type RunModelOptions } from './run-model.ts';

/** Options for `forecastPath`. */
export interface ForecastPathOptions extends RunModelOptions, BootstrapOptions {
  /** The last step of the path. Defaults to twice the run's length so far (2·last − first step), as `forecastRun`'s `at`. */
  until?: number;
  /** Steps on the path, the last observed step and `until` included. Defaults to 40. */
  samples?: number;
  /** Level of the intervals, in (0, 1). Defaults to 0.9. */
  confidence?: number;
}

/** R forecast along the steps ahead of a run. */
export interface ForecastPath {
  run: string;
  confidence: number;
  /** From the last observed step to `until`, in step order. */
  points: Prediction[];
}

/**
 * Forecasts R at `samples` evenly spaced steps from the run's last observed step to `until`, with intervals:
 * `predictInTime` on the run's model (entropy curve × law for a law of entropy; the law itself for a law of
 * the step), so each point is what `forecastRun` with that `at` and the same options gives. Given a series,
 * analyses it first. Throws an `InputError` when the run cannot be modelled (as `forecastRun`), a
 * `UsageError` for bad options.
 * @example forecastPath(analyzeRun(series), { until: 1000 }).points.at(-1).interval // => [0.52…, 0.57…]
 */
export function forecastPath(input: RunSeries | RunAnalysis, options: ForecastPathOptions = {}): ForecastPath {
  const { until, samples = 40, confidence = 0.9, replicates, seed, ...modelOptions } = options;
  checkInteger(samples, 'samples', 2);
  const series = 'selection' in input ? input.series : input;
  const first = series.step[0];
  const last = series.step[series.step.length - 1];
  const end = until ?? 2 * last - first;
  if (!(Number.isFinite(end) && end >= last)) throw new UsageError(`invalid until: ${end} (expected a step at or after the last one, ${last})`);
  const steps = Array.from({ length: samples }, (_, i) => (i === samples - 1 ? end : last + ((end - last) * i) / (samples - 1)));
  const model = modelRun(input, modelOptions);
  return { run: series.run, confidence, points: predictInTime(model, steps, { confidence, replicates, seed }) };
}
