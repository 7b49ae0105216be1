/** The predict stage: the analysis of a run, the ceiling, forecasts, backtests, cross-run tests, live watching. */

// The analysis of one run: points, law, fit, ceiling, warnings (every command starts here)
export { analyzeRun, analyzeDataset, checkAnalyzeOptions, type AnalyzeOptions, type RunAnalysis } from './analyze.ts';
export { resolveLaw, runColumns, fitUsed, refit, fittedValues, entropyError, RUN_COLUMNS, type RunColumn, type RunLaw } from './run-fit.ts';
export { selectPoints, sliceSeries, checkSelectOptions, type PointSelection, type SelectOptions } from './select.ts';
export type { RunWarning, RunWarningCode } from './warnings.ts';

// The paper's early-fit protocol
export { earlyFitPoints, forecastFromEarlyFit, type EarlyFitOptions, type EarlyForecast, type ForecastPoint } from './early-fit.ts';

// Forecasts in time
export { forecastRun, type ForecastOptions, type RunForecast } from './forecast.ts';
export { forecastPath, type ForecastPath, type ForecastPathOptions } from './forecast-path.ts';
export { modelRun, predictInTime, futureColumns, type RunModel, type RunModelOptions } from './run-model.ts';

// Predictions from observed entropy and their intervals
export { predictFromObserved, lawInflationCheck, entropyColumns, type FromObservedOptions, type LawInflation, type Prediction, type ColumnsOf, type UsedPoints } from './from-observed.ts';
export { readingNoise, secondDifferenceScatter } from './reading-noise.ts';

// Entropy against step
export { fitEntropyDecay, predictEntropy, stepAtEntropy } from './entropy-decay.ts';
export type { DecayFit, DecayModel } from './entropy-decay.ts';
export { chooseEntropyModel, entropyTrendVariance, modelGapVariance } from './entropy-model.ts';
export type { EntropyModelChoice, EntropyModelOptions, BootstrapOptions as EntropyBootstrapOptions } from './entropy-model.ts';

// How early the ceiling could have been known
export { ceilingConvergence, analysisOptions, cutPoints, type CeilingConvergence, type ConvergenceCut, type ConvergenceOptions, type SettledAt } from './ceiling-convergence.ts';

// Backtests and law comparisons
export { backtest, compareBacktests } from './backtest.ts';
export type { Backtest, BacktestOptions, BacktestRow, FractionSummary, HorizonSummary, PaperScore, RunBacktest } from './backtest.ts';
export { compareLawsOnRun, parseLawList, type CompareOnRunOptions, type RunComparison } from './compare.ts';

// Training methods side by side (the entropy mechanism)
export { compareMethods, readMethodRuns, methodOf, endMean, covarianceCorrelation, COVARIANCE_KEY, ENTROPY_DELTA_KEY, type MethodRun, type MethodSummary, type MethodsOptions, type MethodKeys, type Spread } from './methods.ts';

// Across runs
export { acrossRuns, groupRuns, poolingTests, scalingFits, type AcrossOptions, type AcrossResult, type FamilyScaling, type GroupBy, type GroupTest, type SizePrediction } from './across.ts';

// Knowing when not to trust a fit or a forecast
export { detectBurnIn, theilSen, type BurnInOptions } from './burn-in.ts';
export {
  ceilingBoundsWarning,
  entropyRangeWarning,
  entropyRisingWarning,
  entropyScaleWarning,
  formatLearningWarning,
  lateRegimeWarning,
  trainerWarnings,
  trainRewardWarning,
} from './diagnostics.ts';

// JSON records, one shape per kind
export {
  runRecord,
  predictRecord,
  earlyRecord,
  forecastRecord,
  backtestRecord,
  comparisonRecord,
  ingestRecord,
  fitRecord,
  estimateRecord,
  metaRecord,
  warningRecords,
  type BacktestRowRecord,
} from './json.ts';

// Live
export { watch } from './watch.ts';
export type { WatchOptions, WatchUpdate, Watcher } from './watch.ts';

// Synthetic runs (tests, benchmarks, calibration checks)
export { syntheticRun, type SyntheticRunOptions } from './synthetic.ts';
