import { fitEntropyLaw, predictMetric, type EntropyLawOptions } from '../fit/entropy-law.ts';
import type { RunSeries } from '../ingest/types.ts';
import { UsageError } from '../util/errors.ts';
import type { EarlyForecast, ForecastPoint } from './types.ts';

/** Options for `forecastFromEarlyFit`. */
export interface EarlyFitOptions extends EntropyLawOptions {
  /**
   * Fraction of the run's points (by step) to fit on, in (0, 1]. Defaults to 0.15, the paper's protocol
   * (the first ~15% of training predicts the rest). The fit uses ⌈fraction·n⌉ points, and at least 3.
   */
  fraction?: number;
}

/** Number of leading points the early fit uses: ⌈fraction·n⌉, at least 3, at most n. */
export function earlyFitPoints(n: number, fraction: number): number {
  return Math.min(n, Math.max(3, Math.ceil(fraction * n - 1e-9)));
}

/**
 * Fits the law on the first `fraction` of a run's points and predicts R for every later point from the
 * entropy actually observed there (Cui et al. 2025, §prediction). Returns the held-out predictions, their
 * RMSE and the final point's error. Throws what `fitEntropyLaw` throws when the early part is degenerate.
 * @example forecastFromEarlyFit(series, { fraction: 0.15 }).rmse // => 0.009...
 */
export function forecastFromEarlyFit(series: RunSeries, options: EarlyFitOptions = {}): EarlyForecast {
  const { fraction = 0.15, ...fitOptions } = options;
  if (!(fraction > 0 && fraction <= 1)) {
    throw new UsageError(`invalid fraction: ${fraction} (expected a number in (0, 1])`);
  }
  const n = series.step.length;
  const k = earlyFitPoints(n, fraction);
  const sigma = fitOptions.sigma ? Array.from(fitOptions.sigma).slice(0, k) : undefined;
  const fit = fitEntropyLaw(series.entropy.subarray(0, k), series.metric.subarray(0, k), { ...fitOptions, sigma });
  const heldOut: ForecastPoint[] = [];
  let sse = 0;
  for (let i = k; i < n; i++) {
    const predicted = predictMetric(fit, series.entropy[i]);
    const actual = series.metric[i];
    sse += (predicted - actual) ** 2;
    heldOut.push({ step: series.step[i], entropy: series.entropy[i], predicted, actual });
  }
  const last = heldOut.at(-1);
  return {
    fraction,
    fitPoints: k,
    points: n,
    fit,
    heldOut,
    rmse: heldOut.length > 0 ? Math.sqrt(sse / heldOut.length) : null,
    final: last ? { step: last.step, predicted: last.predicted, actual: last.actual } : null,
  };
}
