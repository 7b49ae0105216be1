/**
 * Seeded bootstrap intervals for a law's parameters, its ceiling and any derived quantity. Residual
 * resampling (default) keeps the observed x design, which matters for training curves where the points are
 * a time series; pairs resampling is offered for heteroskedastic data. Percentile intervals.
 */
import { checkConfidence } from '../../util/checks.ts';
import { quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { UsageError } from '../../util/errors.ts';
import { Rng } from '../../util/rng.ts';
import type { Law, LawData } from '../laws/types.ts';
import { fitLaw, type FitLawOptions } from '../nonlinear/fit-law.ts';

/** Options for `bootstrapLaw`. */
export interface BootstrapOptions {
  /** Number of resamples. Defaults to 1000. */
  samples?: number;
  /** Seed of the random source (the same seed gives the same intervals). Defaults to 1. */
  seed?: number;
  /** Confidence level of the percentile intervals, in (0, 1). Defaults to 0.95. */
  confidence?: number;
  /** `residuals` (resample residuals onto the fitted curve) or `pairs` (resample points). Defaults to `residuals`. */
  method?: 'residuals' | 'pairs';
  /** Extra quantities of the parameters to bootstrap, by name. Defaults to none (the ceiling is added when the law has one). */
  derived?: Readonly<Record<string, (params: Readonly<Record<string, number>>) => number>>;
  /** Options of every refit (σ, bounds, robust …). Defaults to none. */
  fit?: FitLawOptions;
}

/** A bootstrap percentile interval around the estimate of the full-data fit. */
export interface BootstrapInterval {
  estimate: number;
  /** Standard deviation of the bootstrap replicates. */
  stderr: number;
  lower: number;
  upper: number;
}

/** The outcome of `bootstrapLaw`. */
export interface BootstrapResult {
  samples: number;
  /** Resamples whose refit did not converge (left out of the intervals). */
  failed: number;
  seed: number;
  method: 'residuals' | 'pairs';
  confidence: number;
  params: Record<string, BootstrapInterval>;
  /** The ceiling (when the law has one) and the requested derived quantities. */
  derived: Record<string, BootstrapInterval>;
}


/**
 * Bootstraps a law fit: refits `samples` resampled data sets (each started from the full-data solution)
 * and returns percentile intervals. Throws an `InputError` (from the full fit) for unusable data, a
 * `UsageError` for bad options or when the full-data fit does not converge. Cost: `samples` refits.
 * @example bootstrapLaw(entropyExp, data, { samples: 500, seed: 7 }).derived.ceiling // => { estimate, lower, upper, … }
 */
export function bootstrapLaw(law: Law, data: LawData, options: BootstrapOptions = {}): BootstrapResult {
  const { samples = 1000, seed = 1, confidence = 0.95, method = 'residuals', derived = {}, fit: fitOptions = {} } = options;
  if (!(Number.isInteger(samples) && samples >= 10)) throw new UsageError(`invalid bootstrap samples: ${samples} (expected an integer ≥ 10)`);
  checkConfidence(confidence);
  if (method !== 'residuals' && method !== 'pairs') throw new UsageError(`invalid bootstrap method: ${method} (expected residuals or pairs)`);
  const full = fitLaw(law, data, fitOptions);
  if (!full.converged) throw new UsageError(`cannot bootstrap ${law.name}: the fit to all points did not converge (${full.reason})`);
  const quantities: Record<string, (p: Readonly<Record<string, number>>) => number> = { ...derived };
  if (law.ceiling && !('ceiling' in quantities)) quantities.ceiling = (p) => law.ceiling!(law.params.map((q) => p[q]));
  const names = Object.keys(quantities);
  const n = data.y.length;
  const fitted = new Float64Array(n);
  law.evaluate(full.values, data.columns, fitted);
  const residuals = Float64Array.from(data.y, (v, i) => v - fitted[i]);
  const rng = new Rng(seed);
  const draws = law.params.map(() => [] as number[]);
  const derivedDraws = names.map(() => [] as number[]);
  const start = Object.fromEntries(law.params.map((q, j) => [q, full.values[j]]));
  const y = new Float64Array(n);
  const cols = data.columns.map(() => new Float64Array(n));
  const sigma = data.sigma ? new Float64Array(n) : undefined;
  let failed = 0;
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      if (method === 'residuals') {
        y[i] = fitted[i] + residuals[j];
        if (sigma) sigma[i] = data.sigma![i];
        cols.forEach((c, v) => (c[i] = data.columns[v][i]));
      } else {
        y[i] = data.y[j];
        if (sigma) sigma[i] = data.sigma![j];
        cols.forEach((c, v) => (c[i] = data.columns[v][j]));
      }
    }
    let refit;
    try {
      refit = fitLaw(law, { columns: cols, y }, { ...fitOptions, sigma, start: law.solve ? fitOptions.start : start });
    } catch {
      failed++;
      continue;
    }
    if (!refit.converged) {
      failed++;
      continue;
    }
    refit.values.forEach((v, j) => draws[j].push(v));
    names.forEach((name, j) => derivedDraws[j].push(quantities[name](refit.params)));
  }
  if (samples - failed < 2) throw new UsageError(`cannot bootstrap ${law.name}: only ${samples - failed} of ${samples} refits converged`);
  const interval = (estimate: number, values: number[]): BootstrapInterval => {
    // Percentile intervals, linearly interpolated between order statistics (numpy's default, which
    // simple-statistics' quantileSorted follows exactly).
    const sorted = Array.from(Float64Array.from(values).sort());
    return { estimate, stderr: sampleStandardDeviation(values), lower: quantileSorted(sorted, (1 - confidence) / 2), upper: quantileSorted(sorted, (1 + confidence) / 2) };
  };
  return {
    samples,
    failed,
    seed,
    method,
    confidence,
    params: Object.fromEntries(law.params.map((q, j) => [q, interval(full.values[j], draws[j])])),
    derived: Object.fromEntries(names.map((name, j) => [name, interval(quantities[name](full.params), derivedDraws[j])])),
  };
}
