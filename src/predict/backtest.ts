import type { RunSeries } from '../ingest/types.ts';
import { InputError, UsageError } from '../util/errors.ts';
import type { BootstrapOptions } from './entropy-model.ts';
import { earlyFitPoints } from './early-fit.ts';
import { modelRun, predictFromEntropy, predictInTime, type FromEntropyOptions, type Prediction, type RunModel, type RunModelOptions } from './run-model.ts';
import type { PredictWarning } from './warnings.ts';

/** Options for `backtest`. */
export interface BacktestOptions extends RunModelOptions, BootstrapOptions {
  /** Fractions of each run's points to fit on. Defaults to 0.05, 0.10, …, 0.90. */
  fractions?: number[];
  /**
   * What the held-out points are predicted from: 'time' forecasts R in time (entropy curve × law, what
   * `forecastRun` does); 'entropy' uses the entropy actually observed there (the paper's protocol).
   * Defaults to 'time'.
   */
  mode?: 'time' | 'entropy';
  /** Level of the intervals whose coverage is scored. Defaults to 0.9. */
  confidence?: number;
}

/** The score of one cut of one run. Numbers are null when the early part could not be modelled. */
export interface BacktestRow {
  fraction: number;
  /** Points the fit saw (the first ⌈fraction·n⌉, at least 3), burn-in included. */
  fitPoints: number;
  /** RMSE of the predictions over every later point. */
  rmse: number | null;
  /** |predicted − actual| at the run's last point. */
  finalError: number | null;
  /** Share of the later points inside the prediction intervals. */
  coverage: number | null;
  /** Held-out points scored (0 when the cut failed). */
  scored: number;
  /** Burn-in points the cut's fit left out. */
  burnIn: number;
  /** Why the cut failed, when it did. */
  error?: string;
}

/** The paper's protocol for one run: first 15% of points → the rest, from observed entropy. */
export interface PaperScore {
  fitPoints: number;
  rmse: number | null;
  finalError: number | null;
  coverage: number | null;
}

/** The backtest of one run. */
export interface RunBacktest {
  run: string;
  points: number;
  rows: BacktestRow[];
  paper: PaperScore;
  /** Warnings of the model fitted to the whole run: what a user of the finished run would be told. */
  warnings: PredictWarning[];
}

/** Scores over all runs at one fraction. */
export interface FractionSummary {
  fraction: number;
  /** Runs whose cut could be modelled. */
  runs: number;
  meanRmse: number | null;
  medianRmse: number | null;
  meanFinalError: number | null;
  /** Pooled coverage: covered held-out points over all held-out points. */
  coverage: number | null;
}

/** What `backtest` returns. */
export interface Backtest {
  mode: 'time' | 'entropy';
  confidence: number;
  runs: RunBacktest[];
  byFraction: FractionSummary[];
  /** Pooled coverage over every scored point of every cut and run. */
  coverage: number | null;
  /** Mean over runs of the paper-protocol RMSE. */
  paperMeanRmse: number | null;
}

const DEFAULT_FRACTIONS = Array.from({ length: 18 }, (_, i) => Math.round((i + 1) * 5) / 100);

function cut(series: RunSeries, k: number): RunSeries {
  return { run: series.run, step: series.step.subarray(0, k), entropy: series.entropy.subarray(0, k), metric: series.metric.subarray(0, k) };
}

/** RMSE, final absolute error and covered count of predictions against the series from index k. */
function score(series: RunSeries, k: number, preds: Prediction[]): { rmse: number; finalError: number; covered: number } {
  let sse = 0;
  let covered = 0;
  for (let j = 0; j < preds.length; j++) {
    const actual = series.metric[k + j];
    sse += (preds[j].predicted - actual) ** 2;
    if (actual >= preds[j].interval[0] && actual <= preds[j].interval[1]) covered++;
  }
  const last = preds.length - 1;
  return { rmse: Math.sqrt(sse / preds.length), finalError: Math.abs(preds[last].predicted - series.metric[k + last]), covered };
}

const mean = (v: number[]): number | null => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : null);
function median(v: number[]): number | null {
  if (!v.length) return null;
  const s = [...v].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The corrections of `predictFromEntropy` that `modelRun` measured on the fitted points. */
function fromEntropy(model: RunModel): FromEntropyOptions {
  return { readingNoise: model.readingNoise, inflationDof: model.lawInflationPoints || Infinity };
}

function backtestRun(series: RunSeries, fractions: number[], options: Required<Pick<BacktestOptions, 'mode' | 'confidence'>> & BacktestOptions): RunBacktest {
  const { mode, confidence, replicates, seed, fractions: _f, ...modelOptions } = options;
  const n = series.step.length;
  const rows: BacktestRow[] = [];
  for (const fraction of fractions) {
    const k = earlyFitPoints(n, fraction);
    if (k >= n) continue;
    const held = { step: series.step.subarray(k), entropy: series.entropy.subarray(k) };
    try {
      const model = modelRun(cut(series, k), modelOptions);
      const preds =
        mode === 'time'
          ? predictInTime(model, held.step, { confidence, replicates, seed })
          : predictFromEntropy(model.law, held.step, held.entropy, confidence, model.lawInflation, fromEntropy(model));
      const s = score(series, k, preds);
      rows.push({ fraction, fitPoints: k, rmse: s.rmse, finalError: s.finalError, coverage: s.covered / preds.length, scored: preds.length, burnIn: model.burnIn });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      rows.push({ fraction, fitPoints: k, rmse: null, finalError: null, coverage: null, scored: 0, burnIn: 0, error: e.message });
    }
  }
  // The paper's protocol: no burn-in rule, observed entropy, first 15%.
  const k = earlyFitPoints(n, 0.15);
  let paper: PaperScore = { fitPoints: k, rmse: null, finalError: null, coverage: null };
  if (k < n) {
    try {
      const model = modelRun(cut(series, k), { burnIn: 'none' });
      const preds = predictFromEntropy(model.law, series.step.subarray(k), series.entropy.subarray(k), confidence, model.lawInflation, fromEntropy(model));
      const s = score(series, k, preds);
      paper = { fitPoints: k, rmse: s.rmse, finalError: s.finalError, coverage: s.covered / preds.length };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  let warnings: PredictWarning[] = [];
  try {
    warnings = modelRun(series, modelOptions).warnings;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    warnings = [{ code: 'few-points', message: e.message }];
  }
  return { run: series.run, points: n, rows, paper, warnings };
}

/**
 * Backtests forecasts on finished runs: each run is cut at each fraction of its points, modelled on the
 * early part (`modelRun`, burn-in rule included unless turned off) and scored on every later point: RMSE,
 * the error at the final point, and the coverage of the prediction intervals. Also scores the paper's
 * protocol (first 15% → rest, observed entropy, no burn-in rule) once per run, and summarises each fraction
 * over runs. Cuts that cannot be modelled (too few points) are kept as rows with null scores. Deterministic.
 * Throws a `UsageError` for fractions outside (0, 1).
 * @example backtest([series]).byFraction[2].medianRmse // => 0.01...
 */
export function backtest(series: RunSeries[], options: BacktestOptions = {}): Backtest {
  const { fractions = DEFAULT_FRACTIONS, mode = 'time', confidence = 0.9 } = options;
  for (const f of fractions) if (!(f > 0 && f < 1)) throw new UsageError(`invalid fraction: ${f} (expected a number in (0, 1))`);
  if (mode !== 'time' && mode !== 'entropy') throw new UsageError(`invalid backtest mode: ${String(mode)} (expected time or entropy)`);
  const runs = series.map((s) => backtestRun(s, fractions, { ...options, mode, confidence }));
  const byFraction: FractionSummary[] = fractions.map((fraction) => {
    const rows = runs.flatMap((r) => r.rows.filter((x) => x.fraction === fraction && x.rmse !== null));
    const scored = rows.reduce((s, x) => s + x.scored, 0);
    const covered = rows.reduce((s, x) => s + (x.coverage as number) * x.scored, 0);
    return {
      fraction,
      runs: rows.length,
      meanRmse: mean(rows.map((x) => x.rmse as number)),
      medianRmse: median(rows.map((x) => x.rmse as number)),
      meanFinalError: mean(rows.map((x) => x.finalError as number)),
      coverage: scored ? covered / scored : null,
    };
  });
  const all = runs.flatMap((r) => r.rows.filter((x) => x.coverage !== null));
  const scored = all.reduce((s, x) => s + x.scored, 0);
  return {
    mode,
    confidence,
    runs,
    byFraction,
    coverage: scored ? all.reduce((s, x) => s + (x.coverage as number) * x.scored, 0) / scored : null,
    paperMeanRmse: mean(runs.flatMap((r) => (r.paper.rmse === null ? [] : [r.paper.rmse]))),
  };
}
