/**
 * The analysis of one run, in one place: which points are used (steps, burn-in), the law fitted to them,
 * its ceiling, what to distrust (diagnostics), and, when asked, the paper's early-fit forecast. Every
 * command that fits (fit, predict, forecast, backtest, report, across, watch) starts from `analyzeRun`, so
 * one run with one set of flags gets one ceiling and one list of warnings everywhere.
 */
import type { FitLawOptions } from '../fit/nonlinear/fit-law.ts';
import type { Law } from '../fit/laws/types.ts';
import type { Estimate, LawFit } from '../fit/types.ts';
import { bootstrapLaw, type BootstrapResult } from '../fit/uncertainty/bootstrap.ts';
import { lawCeiling } from '../fit/uncertainty/prediction-band.ts';
import type { Dataset, RunInfo, RunSeries } from '../ingest/types.ts';
import { checkConfidence, checkFraction, checkInteger } from '../util/checks.ts';
import { InputError } from '../util/errors.ts';
import {
  ceilingBoundsWarning,
  entropyRangeWarning,
  entropyRisingWarning,
  entropyScaleWarning,
  formatLearningWarning,
  lateRegimeWarning,
  trainerWarnings,
  trainRewardWarning,
} from './diagnostics.ts';
import { forecastFromEarlyFit, type EarlyForecast } from './early-fit.ts';
import { entropyError, fitUsed, refit, resolveLaw, runColumns, type RunLaw } from './run-fit.ts';
import { selectPoints, type PointSelection, type SelectOptions } from './select.ts';
import type { RunWarning } from './warnings.ts';

/** Options for `analyzeRun`: the points, the law and its fit, and what else to compute. */
export interface AnalyzeOptions extends SelectOptions {
  /** The law: a built-in name, an expression over H, step and C, or a `Law`. Defaults to 'entropy-exp'. */
  law?: string | Law;
  /** For a built-in law of one variable, the run column it reads (H, step or C). Defaults to the law's own. */
  x?: string;
  /** Starting values by parameter name. Defaults to the law's data-driven start. */
  start?: Readonly<Record<string, number>>;
  /** Huber loss by IRLS. Defaults to false. */
  robust?: boolean;
  /** Level of the parameter and ceiling intervals. Defaults to 0.95. */
  confidence?: number;
  /** Also forecast from the first `fraction` of the points (the paper's protocol; see `forecastFromEarlyFit`). */
  fraction?: number;
  /** Also bootstrap the fit with this many resamples (seeded by `seed`). Defaults to none. */
  bootstrap?: number;
  /** Seed of the bootstrap. Defaults to 1. */
  seed?: number;
}

/** What the toolkit knows about one run after fitting: the shape every command prints and the report draws. */
export interface RunAnalysis extends RunLaw {
  run: string;
  /** The run as `ingest` described it (source, format, keys, metadata); absent for a bare series. */
  info?: RunInfo;
  /** Every point of the run. */
  series: RunSeries;
  /** Which points the fit used. */
  selection: PointSelection;
  /** The points the fit used. */
  used: RunSeries;
  /** The fit on the used points; null when the run cannot be fit (see `error`). */
  fit: LawFit | null;
  /** The law's ceiling with its interval; null without a fit or for a law without a ceiling. */
  ceiling: Estimate | null;
  /** What to distrust, from the log, the points and the fit. */
  warnings: RunWarning[];
  /** Why there is no fit, e.g. "the law requires at least 3 points (got 2)". */
  error?: string;
  /** The early-fit forecast, when `fraction` was given and it could be made. */
  early?: EarlyForecast | null;
  /** Why the early-fit forecast could not be made. */
  earlyError?: string;
  bootstrap?: BootstrapResult;
}

/** Checks the options of `analyzeRun` once, so a bad flag fails before any run is read. */
export function checkAnalyzeOptions(options: AnalyzeOptions): void {
  const { confidence = 0.95, fraction, bootstrap, seed = 1 } = options;
  checkConfidence(confidence);
  if (fraction !== undefined) checkFraction(fraction);
  if (bootstrap !== undefined) checkInteger(bootstrap, 'bootstrap', 10);
  checkInteger(Math.abs(seed), 'seed');
}

/**
 * Analyses one run: selects its points (`minStep`, `maxStep`, burn-in: 'auto' by default, which for a law
 * of the step alone keeps every point), fits the law
 * to them (the exact path for entropy-exp), derives the ceiling, and collects the warnings (format
 * learning, rising entropy, too little entropy range, a late regime change, a ceiling a bounded metric
 * cannot reach, the training reward as R, implausible entropy, the solver's own). A run that cannot be fit
 * (too few points, constant R, entropy that is not an entropy, no convergence, parameters the data do not
 * determine) gets an `error` instead of numbers; only `InputError`s are caught this way. Throws a
 * `UsageError` for bad options.
 * @example analyzeRun(series).ceiling?.value // => 0.57…
 */
export function analyzeRun(series: RunSeries, options: AnalyzeOptions = {}, info?: RunInfo): RunAnalysis {
  checkAnalyzeOptions(options);
  const { law: spec, x, start, robust, confidence = 0.95, fraction, bootstrap, seed = 1, ...select } = options;
  const { law, variables } = resolveLaw(spec, x, start);
  const fitOptions: FitLawOptions = { confidence, ...(start ? { start } : {}), ...(robust ? { robust } : {}) };
  const readsEntropy = variables.includes('H');
  const entropyProblem = entropyError(series.entropy);
  // The burn-in rule finds points far below the entropy law (format learning); a law of the step alone
  // models the early rise itself, so for it 'auto' leaves every point in.
  const { selection, used } = selectPoints(series, select, readsEntropy && entropyProblem === null);
  const analysis: RunAnalysis = { run: series.run, info, series, selection, used, law, variables, fitOptions, fit: null, ceiling: null, warnings: [] };
  const warn = (w: RunWarning | null) => {
    if (w) analysis.warnings.push(w);
  };
  warn(trainRewardWarning(info?.metricKind, info?.metric ?? ''));
  for (const w of trainerWarnings(info?.trainer)) warn(w);
  // Steps the log has that are not points (R without H, or H without R), as ingest counted them.
  for (const note of info?.notes ?? []) warn({ code: 'points-dropped', message: note });
  try {
    if (readsEntropy && entropyProblem) throw new InputError(entropyProblem);
    if (readsEntropy) warn(entropyScaleWarning(used.entropy));
    const fit = fitUsed(analysis, used);
    analysis.fit = fit;
    if (law.ceiling) analysis.ceiling = lawCeiling(law, fit, confidence);
    for (const w of fit.warnings) warn({ code: 'fit', message: w });
    const window = { step: series.step.subarray(selection.from, selection.to), entropy: series.entropy.subarray(selection.from, selection.to), metric: series.metric.subarray(selection.from, selection.to) };
    warn(formatLearningWarning(window, selection.burnIn));
    warn(entropyRisingWarning(used));
    if (readsEntropy && variables.length === 1) warn(entropyRangeWarning(fit, used.entropy, law));
    warn(
      lateRegimeWarning(
        used,
        (k) => refit(analysis, used, k),
        law,
        (from, to) => runColumns(used, variables, from, to),
      ),
    );
    if (analysis.ceiling) warn(ceilingBoundsWarning(analysis.ceiling, used.metric));
    if (bootstrap) analysis.bootstrap = bootstrapLaw(law, { columns: runColumns(used, variables), y: used.metric }, { samples: bootstrap, seed, confidence, fit: fitOptions });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    analysis.error = error.message;
    analysis.fit = null;
    analysis.ceiling = null;
  }
  if (fraction !== undefined) {
    analysis.early = null;
    try {
      analysis.early = forecastFromEarlyFit(analysis, { fraction });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      analysis.earlyError = error.message;
    }
  }
  return analysis;
}

/**
 * Analyses every run of a dataset with the same options (see `analyzeRun`); a run that cannot be fit keeps
 * its place with an `error`.
 * @example analyzeDataset(await ingest(['runs/'])).map((r) => r.ceiling?.value)
 */
export function analyzeDataset(dataset: Pick<Dataset, 'runs' | 'series'>, options: AnalyzeOptions = {}): RunAnalysis[] {
  checkAnalyzeOptions(options);
  return dataset.runs.map((info, i) => analyzeRun(dataset.series[i], options, info));
}

