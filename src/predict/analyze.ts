import { fitEntropyLaw } from '../fit/entropy-law.ts';
import type { Ceiling, EntropyLawFit } from '../fit/types.ts';
import type { Dataset, RunInfo, RunSeries } from '../ingest/types.ts';
import { InputError } from '../util/errors.ts';
import { ceilingOf } from './ceiling.ts';
import { forecastFromEarlyFit } from './early-fit.ts';
import type { EarlyForecast } from './types.ts';

/** What the toolkit knows about one run after fitting: the shape the CLI prints and the report draws. */
export interface RunAnalysis {
  info: RunInfo;
  series: RunSeries;
  /** The law fitted on all points; null when the run cannot be fit (see `error`). */
  fit: EntropyLawFit | null;
  ceiling: Ceiling | null;
  /** Why there is no fit or forecast, e.g. "fitEntropyLaw requires at least 3 points (got 2)". */
  error?: string;
  /** The early-fit forecast, when one was asked for and could be made. */
  forecast?: EarlyForecast | null;
  /** Why the forecast could not be made, when it was asked for. */
  forecastError?: string;
}

/** Options for `analyzeDataset`. */
export interface AnalyzeOptions {
  /** Confidence level of the intervals. Defaults to 0.95. */
  confidence?: number;
  /** When set, also forecast each run from its first `fraction` of points (see `forecastFromEarlyFit`). */
  fraction?: number;
}

/**
 * Fits every run of a dataset and derives its ceiling (and, with `fraction`, the early-fit forecast).
 * A run that cannot be fit keeps its place with an `error` instead of failing the others; only
 * `InputError`s are caught this way, anything else is a bug and propagates.
 */
export function analyzeDataset(dataset: Pick<Dataset, 'runs' | 'series'>, options: AnalyzeOptions = {}): RunAnalysis[] {
  const { confidence = 0.95, fraction } = options;
  return dataset.runs.map((info, i) => {
    const series = dataset.series[i];
    const result: RunAnalysis = { info, series, fit: null, ceiling: null };
    const failure = attempt(() => {
      result.fit = fitEntropyLaw(series.entropy, series.metric, { confidence });
      result.ceiling = ceilingOf(result.fit);
    });
    if (failure) result.error = failure;
    if (fraction !== undefined) {
      result.forecast = null;
      const forecastFailure = attempt(() => {
        result.forecast = forecastFromEarlyFit(series, { fraction, confidence });
      });
      if (forecastFailure) result.forecastError = forecastFailure;
    }
    return result;
  });
}

/** Runs `f`; returns the message of an `InputError` it throws, or undefined. */
function attempt(f: () => void): string | undefined {
  try {
    f();
    return undefined;
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
}
