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
  formatTidy,
  loadLog,
  readKeySeries,
  detectFormat,
  runIdFromPath,
  follow,
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
  normalizeAlgorithm,
  formatRunMeta,
} from './ingest/index.ts';
export type { Coverage, Dataset, IngestOptions, IngestProgress, KeyChoice, LogFormat, MetricKind, MetaOrigin, RawRun, RunInfo, RunMeta, RunSeries, TrainerSettings } from './ingest/types.ts';
export type { Follower, FollowOptions, KeySeries, TidyFormat } from './ingest/index.ts';

// Fit: one fit type (LawFit) for every law; entropy-exp is solved exactly.
export { fitEntropyLaw, type EntropyLawOptions } from './fit/entropy-law.ts';
export { evaluateFit, variableSlope } from './fit/evaluate.ts';
export { notIdentifiable } from './fit/identifiability.ts';
export { studentTCdf, studentTQuantile } from './fit/student-t.ts';
export type { Estimate, LawFit, RobustInfo } from './fit/types.ts';
// Laws beyond the paper's: the registry, user expressions, the nonlinear engine, uncertainty, model choice.
export * from './fit/api.ts';

// Predict: the analysis of a run, forecasts, backtests, across runs, watch, JSON records.
export * from './predict/index.ts';

// Report: the self-contained HTML page and the figures.
export * from './report/index.ts';

// Formatting and option checks shared by the CLI and the report.
export { fixed, sig, pm, interval, percent, modelSize, MISSING } from './util/format.ts';
export { checkConfidence, checkFraction, checkInteger, checkFinite } from './util/checks.ts';

// Training harness: a small transformer policy on the CPU or WebGPU, tasks, checkpoints, warm start.
// A namespace, because its names (Rng, Task, …) are its own and would clash with the analysis API's.
export * as harness from './harness/index.ts';
