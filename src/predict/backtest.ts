/**
 * Backtests on finished runs: cut each run early, analyse the early part exactly as a running job would be
 * analysed (same law, steps window and burn-in rule), forecast the rest, and score the forecasts.
 */
import type { RunSeries } from '../ingest/types.ts';
import { checkConfidence } from '../util/checks.ts';
import { InputError, UsageError } from '../util/errors.ts';
import { median } from 'simple-statistics';
import { analyzeRun, checkAnalyzeOptions, type AnalyzeOptions, type RunAnalysis } from './analyze.ts';
import { earlyFitPoints } from './early-fit.ts';
import type { BootstrapOptions, EntropyModelOptions } from './entropy-model.ts';
import { predictFromObserved, type FromObservedOptions, type Prediction } from './from-observed.ts';
import { runColumns } from './run-fit.ts';
import { modelRun, predictInTime, type RunModel } from './run-model.ts';
import { sliceSeries } from './select.ts';
import type { RunWarning } from './warnings.ts';

/** Options for `backtest`: the runs' analysis options, the entropy curve's, and what to score. */
export interface BacktestOptions extends Omit<AnalyzeOptions, 'fraction' | 'bootstrap'>, EntropyModelOptions, BootstrapOptions {
  /** Fractions of each run's points to fit on. Defaults to 0.05, 0.10, …, 0.90. */
  fractions?: number[];
  /**
   * What the held-out points are predicted from: 'time' forecasts R in time (entropy curve × law, what
   * `forecastRun` does); 'entropy' uses the law's variables actually observed there (the paper's
   * protocol). Defaults to 'time'.
   */
  mode?: 'time' | 'entropy';
  /** Level of the intervals whose coverage is scored. Defaults to 0.9. */
  confidence?: number;
}

/** The score of one cut of one run. Numbers are null when the early part could not be modelled. */
export interface BacktestRow {
  fraction: number;
  /** Points the fit saw (the first ⌈fraction·n⌉ of the run's window, at least 3), burn-in included. */
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
  /** The ceiling the cut's fit gives; null without one. */
  ceiling: number | null;
  /** Why the cut failed, when it did. */
  error?: string;
}

/** The paper's protocol for one run: first 15% of points → the rest, from observed entropy, no burn-in rule. */
export interface PaperScore {
  fitPoints: number;
  rmse: number | null;
  finalError: number | null;
  coverage: number | null;
}

/** The backtest of one run. */
export interface RunBacktest {
  run: string;
  /** Points of the run's window (all its points unless `minStep`/`maxStep`). */
  points: number;
  rows: BacktestRow[];
  paper: PaperScore;
  /** Warnings of the model fitted to the whole run: what a user of the finished run would be told. */
  warnings: RunWarning[];
  /** How every held-out prediction of every cut fared: how far ahead it was, and whether it was covered. */
  horizons: { ahead: number; covered: boolean }[];
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

/**
 * Pooled coverage by how far ahead a prediction was, as a fraction of the run's span of steps: the
 * interval of a forecast a few steps ahead and one to the end of the run are held to the same level.
 */
export interface HorizonSummary {
  /** The bin: predictions (step − cut step)/(span of the run) in [from, to). */
  from: number;
  to: number;
  points: number;
  coverage: number | null;
}

/** What `backtest` returns. */
export interface Backtest {
  mode: 'time' | 'entropy';
  confidence: number;
  /** The law every cut was fitted with. */
  law: string;
  runs: RunBacktest[];
  byFraction: FractionSummary[];
  byHorizon: HorizonSummary[];
  /** Pooled coverage over every scored point of every cut and run. */
  coverage: number | null;
  /** Mean over runs of the paper-protocol RMSE. */
  paperMeanRmse: number | null;
}

const DEFAULT_FRACTIONS = Array.from({ length: 18 }, (_, i) => Math.round((i + 1) * 5) / 100);
/** Horizon bins, as fractions of the run's span of steps. */
const HORIZONS: [number, number][] = [
  [0, 0.1],
  [0.1, 0.25],
  [0.25, 0.5],
  [0.5, Infinity],
];

/** RMSE, final absolute error and covered count of predictions against `actual`. */
function score(actual: ArrayLike<number>, preds: Prediction[]): { rmse: number; finalError: number; covered: boolean[] } {
  let sse = 0;
  const covered = preds.map((p, j) => {
    sse += (p.predicted - actual[j]) ** 2;
    return actual[j] >= p.interval[0] && actual[j] <= p.interval[1];
  });
  const last = preds.length - 1;
  return { rmse: Math.sqrt(sse / preds.length), finalError: Math.abs(preds[last].predicted - actual[last]), covered };
}

const mean = (v: number[]): number | null => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : null);

/** The corrections of `predictFromObserved` that `modelRun` measured on the fitted points. */
function fromObserved(model: RunModel): FromObservedOptions {
  return { readingNoise: model.readingNoise, inflationDof: model.lawInflationPoints || Infinity };
}

/** Predictions at `held` from a model of the early part, in the chosen mode. */
function predict(model: RunModel, held: RunSeries, options: BacktestOptions & { mode: 'time' | 'entropy'; confidence: number }): Prediction[] {
  const { mode, confidence, replicates, seed } = options;
  if (mode === 'time') return predictInTime(model, held.step, { confidence, replicates, seed });
  return predictFromObserved(model.law, model.fit, runColumns(held, model.variables), held.step, confidence, model.lawInflation, fromObserved(model));
}

function backtestRun(input: RunSeries | RunAnalysis, fractions: number[], options: BacktestOptions & { mode: 'time' | 'entropy'; confidence: number }): RunBacktest {
  const { mode: _m, confidence: _c, fractions: _f, replicates: _r, seed: _s, model: entropyModel, holdout, ...analyzeOptions } = options;
  const full = 'selection' in input ? input : analyzeRun(input, analyzeOptions);
  const { series, selection } = full;
  const window = sliceSeries(series, selection.from, selection.to);
  const n = window.step.length;
  const span = n > 1 ? window.step[n - 1] - window.step[0] : 1;
  const rows: BacktestRow[] = [];
  const horizons: RunBacktest['horizons'] = [];
  const modelOf = (cut: RunSeries, extra: Partial<AnalyzeOptions> = {}) => modelRun(analyzeRun(cut, { ...analyzeOptions, ...extra }, full.info), { model: entropyModel, holdout });
  for (const fraction of fractions) {
    const k = earlyFitPoints(n, fraction);
    if (k >= n) continue;
    const held = sliceSeries(window, k, n);
    try {
      // The run as it was when its k-th point of the window was logged, analysed as a running job would be.
      const model = modelOf(sliceSeries(series, 0, selection.from + k));
      const preds = predict(model, held, options);
      const s = score(held.metric, preds);
      const cutStep = window.step[k - 1];
      s.covered.forEach((covered, j) => horizons.push({ ahead: (held.step[j] - cutStep) / span, covered }));
      const covered = s.covered.filter(Boolean).length;
      rows.push({ fraction, fitPoints: k, rmse: s.rmse, finalError: s.finalError, coverage: covered / preds.length, scored: preds.length, burnIn: model.burnIn, ceiling: model.analysis.ceiling?.value ?? null });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      rows.push({ fraction, fitPoints: k, rmse: null, finalError: null, coverage: null, scored: 0, burnIn: 0, ceiling: null, error: e.message });
    }
  }
  // The paper's protocol: no burn-in rule, observed variables, first 15%.
  const k = earlyFitPoints(n, 0.15);
  let paper: PaperScore = { fitPoints: k, rmse: null, finalError: null, coverage: null };
  if (k < n) {
    try {
      const model = modelOf(sliceSeries(series, 0, selection.from + k), { burnIn: 'none' });
      const held = sliceSeries(window, k, n);
      const s = score(held.metric, predict(model, held, { ...options, mode: 'entropy' }));
      paper = { fitPoints: k, rmse: s.rmse, finalError: s.finalError, coverage: s.covered.filter(Boolean).length / s.covered.length };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  let warnings: RunWarning[];
  try {
    warnings = modelRun(full, { model: entropyModel, holdout }).warnings;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    warnings = [...full.warnings, { code: 'few-points', message: e.message }];
  }
  return { run: series.run, points: n, rows, paper, warnings, horizons };
}

/**
 * Backtests forecasts on finished runs: each run is cut at each fraction of its points, the early part is
 * analysed (`analyzeRun` with the same options: law, steps, burn-in rule) and modelled, and every later
 * point is scored: RMSE, the error at the final point, and the coverage of the prediction intervals, also
 * pooled by how far ahead the prediction was. Also scores the paper's protocol (first 15% → rest, observed
 * entropy, no burn-in rule) once per run, and summarises each fraction over runs. Cuts that cannot be
 * modelled (too few points) are kept as rows with null scores. Deterministic. Throws a `UsageError` for
 * fractions outside (0, 1) or bad options.
 * @example backtest([series]).byFraction[2].medianRmse // => 0.01...
 */
export function backtest(runs: readonly (RunSeries | RunAnalysis)[], options: BacktestOptions = {}): Backtest {
  const { fractions = DEFAULT_FRACTIONS, mode = 'time', confidence = 0.9 } = options;
  for (const f of fractions) if (!(f > 0 && f < 1)) throw new UsageError(`invalid fraction: ${f} (expected a number in (0, 1))`);
  if (mode !== 'time' && mode !== 'entropy') throw new UsageError(`invalid backtest mode: ${String(mode)} (expected time or entropy)`);
  checkConfidence(confidence);
  checkAnalyzeOptions(options);
  const results = runs.map((s) => backtestRun(s, fractions, { ...options, mode, confidence }));
  const byFraction: FractionSummary[] = fractions.map((fraction) => {
    const rows = results.flatMap((r) => r.rows.filter((x) => x.fraction === fraction && x.rmse !== null));
    const scored = rows.reduce((s, x) => s + x.scored, 0);
    const covered = rows.reduce((s, x) => s + (x.coverage as number) * x.scored, 0);
    return {
      fraction,
      runs: rows.length,
      meanRmse: mean(rows.map((x) => x.rmse as number)),
      medianRmse: rows.length ? median(rows.map((x) => x.rmse as number)) : null,
      meanFinalError: mean(rows.map((x) => x.finalError as number)),
      coverage: scored ? covered / scored : null,
    };
  });
  const all = results.flatMap((r) => r.horizons);
  const byHorizon = HORIZONS.map(([from, to]) => {
    const inBin = all.filter((h) => h.ahead >= from && h.ahead < to);
    return { from, to, points: inBin.length, coverage: inBin.length ? inBin.filter((h) => h.covered).length / inBin.length : null };
  });
  return {
    mode,
    confidence,
    law: typeof options.law === 'object' ? options.law.name : (options.law ?? 'entropy-exp'),
    runs: results,
    byFraction,
    byHorizon,
    coverage: all.length ? all.filter((h) => h.covered).length / all.length : null,
    paperMeanRmse: mean(results.flatMap((r) => (r.paper.rmse === null ? [] : [r.paper.rmse]))),
  };
}

/**
 * Backtests of several laws on the same cuts of the same runs (`backtest` once per law, the rest of the
 * options shared): which law forecasts these runs better? Entropy is not always the better predictor
 * (Khatri et al. 2025 fit ScaleRL's sigmoid in compute).
 * @example compareBacktests(series, ['entropy-exp', 'power']).map((b) => b.coverage)
 */
export function compareBacktests(runs: readonly RunSeries[], laws: readonly string[], options: Omit<BacktestOptions, 'law'> = {}): Backtest[] {
  return laws.map((law) => backtest(runs, { ...options, law }));
}
