/**
 * entropy-law: fit, forecast and report the entropy–performance law R = −a·exp(H) + b of RL-trained
 * reasoning models (Cui et al. 2025) from training logs. The CLI is a thin layer over these exports.
 */

// Errors and warnings
export { InputError, UsageError, formatLocation, type Location } from './util/errors.ts';
export { Warnings } from './util/warnings.ts';
export { Rng, hashUniform } from './util/rng.ts';

// Ingest
export {
  ingest,
  writeTidy,
  loadLog,
  detectFormat,
  chooseKeys,
  toSeries,
  parseVerlConsole,
  parseVerlJsonl,
  parseCsvTable,
  parseJsonlTable,
  readLineFile,
  readLineStream,
  READERS,
  sniffFile,
  claimDirectory,
  resolveRunMeta,
  metaFromName,
  metaFromConfigFiles,
  readManifest,
  parseModelSize,
  formatRunMeta,
} from './ingest/index.ts';
export type { Dataset, IngestOptions, IngestProgress, KeyChoice, LogFormat, MetricKind, MetaOrigin, RawRun, RunInfo, RunMeta, RunSeries } from './ingest/types.ts';

// Fit
export { fitEntropyLaw, predictMetric, type EntropyLawOptions } from './fit/entropy-law.ts';
export { studentTCdf, studentTQuantile } from './fit/student-t.ts';
export type { Ceiling, EntropyLawFit, ParamStats } from './fit/types.ts';
// Laws beyond the paper's: the registry, user expressions, the nonlinear engine, uncertainty, model choice.
export * from './fit/api.ts';

// Predict
export { ceilingOf } from './predict/ceiling.ts';
export { earlyFitPoints, forecastFromEarlyFit, type EarlyFitOptions } from './predict/early-fit.ts';
export type { EarlyForecast, ForecastPoint } from './predict/types.ts';
export {
  forecastRun,
  forecastJson,
  modelRun,
  predictInTime,
  predictFromEntropy,
  readingNoise,
  fitEntropyDecay,
  predictEntropy,
  chooseEntropyModel,
  backtest,
  backtestJson,
  detectBurnIn,
  watch,
  syntheticRun,
} from './predict/index.ts';
export type {
  ForecastOptions,
  RunForecast,
  ForecastJson,
  RunModel,
  DecayFit,
  DecayModel,
  Backtest,
  BacktestOptions,
  BacktestJson,
  PredictWarning,
  WatchOptions,
  WatchUpdate,
  Watcher,
} from './predict/index.ts';

// Training harness: a small transformer policy on the CPU or WebGPU, tasks, checkpoints, warm start.
// A namespace, because its names (Rng, Task, …) are its own and would clash with the analysis API's.
export * as harness from './harness/index.ts';
