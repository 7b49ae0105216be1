/** The predict stage: the ceiling, forecasts in time, backtests, trust checks, and live watching. */

// Ceiling and the paper's early-fit protocol
export { ceilingOf } from './ceiling.ts';
export { earlyFitPoints, forecastFromEarlyFit, type EarlyFitOptions } from './early-fit.ts';
export type { EarlyForecast, ForecastPoint } from './types.ts';

// Forecasts in time
export { forecastRun, forecastJson } from './forecast.ts';
export type { ForecastOptions, RunForecast, ForecastJson } from './forecast.ts';
export { modelRun, predictInTime, predictFromEntropy } from './run-model.ts';
export type { RunModel, RunModelOptions, Prediction } from './run-model.ts';

// Intervals of predictions from observed entropy
export { lawInflation, lawInflationCheck, type FromEntropyOptions, type LawInflation } from './from-entropy.ts';
export { readingNoise, secondDifferenceScatter } from './reading-noise.ts';

// Entropy against step
export { fitEntropyDecay, predictEntropy, stepAtEntropy } from './entropy-decay.ts';
export type { DecayFit, DecayModel } from './entropy-decay.ts';
export { chooseEntropyModel, entropyTrendVariance, modelGapVariance } from './entropy-model.ts';
export type { EntropyModelChoice, EntropyModelOptions, BootstrapOptions } from './entropy-model.ts';

// Backtests
export { backtest } from './backtest.ts';
export type { Backtest, BacktestOptions, BacktestRow, FractionSummary, PaperScore, RunBacktest } from './backtest.ts';
export { backtestJson } from './backtest-json.ts';
export type { BacktestJson, BacktestRowJson } from './backtest-json.ts';

// Knowing when not to trust a forecast
export { detectBurnIn, theilSen, type BurnInOptions } from './burn-in.ts';
export { entropyRangeWarning, entropyRisingWarning, formatLearningWarning, lateRegimeWarning } from './diagnostics.ts';
export type { PredictWarning, PredictWarningCode } from './warnings.ts';

// Live
export { watch } from './watch.ts';
export type { WatchOptions, WatchUpdate, Watcher } from './watch.ts';
export { LineTail, type TailChunk } from './line-tail.ts';
export { LiveRun, LIVE_FORMATS, type LiveRunOptions } from './live-run.ts';

// Synthetic runs (tests, benchmarks, calibration checks)
export { syntheticRun, type SyntheticRunOptions } from './synthetic.ts';

// Plain-text output for the CLI
export { formatForecast, formatBacktest } from './format.ts';
