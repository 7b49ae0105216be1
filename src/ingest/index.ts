/** The ingest stage: training logs in, (run, step, entropy, R) points out. */

// Loading
export { ingest, loadLog, buildTables } from './load.ts';
export { readKeySeries, type KeySeries } from './key-series.ts';
export { runIdFromPath, LOG_EXTENSIONS } from './run-id.ts';
export { follow } from './follow.ts';
export type { Follower, FollowOptions } from './follow.ts';
export { coverageOf } from './coverage.ts';
export type { CoverageReport } from './coverage.ts';
export type { LoadLogOptions } from './load.ts';
export { expandInput } from './inputs.ts';
export type { ExpandedInput, InputEntry } from './inputs.ts';
export { readLineStream, readLineFile, parseLines, MAX_LINE_BYTES } from './line-stream.ts';
export type { LineParser, LineStreamOptions } from './line-stream.ts';
export { StepWriter, KeyFilter, tableRun } from './step-writer.ts';
export type { StepWriterOptions } from './step-writer.ts';
export { StepTable } from './step-table.ts';
export { JsonLineScanner, ScannedLines, ValueType, typeOf, depthOf } from './json-scan.ts';
export type { JsonLineVisitor } from './json-scan.ts';
export { writeTidy, formatTidy } from './tidy.ts';
export type { TidyFormat } from './tidy.ts';

// Format detection
export { detectFormat, sniffFormat, readerFor, DETECT_HEAD_BYTES } from './detect.ts';
export { READERS, LINE_READERS, DIRECTORY_READERS, KNOWN_FORMATS, readerOf, sniffFile, claimDirectory } from './registry.ts';
export type { LineLoadOptions } from './registry.ts';
export type { FormatReader, SniffInput, ReaderLoadOptions, LineParserOptions } from './reader.ts';

// Readers
export { parseVerlConsole, verlConsoleParser, parseVerlConsoleLine, stripConsolePrefixes, isVerlConsoleMetricLine, sniffVerlConsole } from './verl-console.ts';
export type { VerlConsoleLine, VerlConsoleOptions } from './verl-console.ts';
export { parseVerlJsonl, verlJsonlParser, parseVerlJsonlLine, sniffVerlJsonl } from './verl-jsonl.ts';
export type { VerlJsonlLine, VerlJsonlOptions } from './verl-jsonl.ts';
export { chooseStepColumn, DEFAULT_STEP_KEYS, RUN_COLUMN } from './table.ts';
export { parseCsvTable, csvTableParser, sniffCsv } from './csv-table.ts';
export { parseJsonlTable, jsonlTableParser, sniffJsonl } from './jsonl-table.ts';
export { parseOpenRlhfConsole, openRlhfConsoleParser } from './openrlhf-console.ts';
export type { TableOptions } from './table.ts';
export { parseCsvLine, csvRecords, detectDelimiter, formatCsvField } from './csv.ts';
export { parseJsonObjectLine, flattenNumbers } from './json-line.ts';
export { parseNumberText, parsePythonScalar } from './numbers.ts';
export { readWandbRun, wandbRunReader } from './wandb-run.ts';
export type { WandbRunOptions } from './wandb-run.ts';
export { frameLog, isWandbRunHead } from './leveldb-log.ts';
export { readMlflowDatabase, mlflowSqliteReader } from './mlflow-sqlite.ts';
export type { MlflowDatabaseOptions } from './mlflow-sqlite.ts';
export { readTrackioDatabase, trackioReader } from './trackio.ts';
export type { TrackioOptions } from './trackio.ts';
export { openSqlite, isSqliteHead } from './sqlite.ts';
export { parseRollConsole, rollConsoleParser, rollConsoleReader } from './roll-console.ts';
export type { RollConsoleOptions } from './roll-console.ts';
export { primeRlReader } from './prime-rl.ts';
export { joinRuns, mergeRuns } from './join.ts';
export type { JoinOptions, LoadedRun } from './join.ts';
export { splitExportColumns, splitExportColumn } from './wandb.ts';

// Run metadata
export {
  resolveRunMeta,
  formatRunMeta,
  metaFromName,
  parseModelSize,
  normalizeAlgorithm,
  metaFromConfig,
  metaFromConfigFiles,
  flattenConfig,
  CONFIG_FILES,
  parseManifest,
  readManifest,
  logConfig,
  configFromLogText,
  readLogConfig,
  printedConfig,
  commandLineConfig,
  shellModelConfig,
  trainerSettings,
} from './meta/resolve.ts';
export type { ResolveMetaOptions, ResolvedMeta } from './meta/resolve.ts';

// Key choice and series
export { chooseKeys, isCandidateKey, parseValCoreKey, runKeys, ENTROPY_KEYS, TRAIN_REWARD_KEYS, TIDY_METRIC_KEY } from './choose-keys.ts';
export type { ChooseKeysOptions, ValCoreKey } from './choose-keys.ts';
export { toSeries } from './series.ts';

export type * from './types.ts';
