/** The ingest stage: training logs in, (run, step, entropy, R) points out. */

// Loading
export { ingest, loadLog, runIdFromPath, buildTables, TEXT_READERS } from './load.ts';
export type { TextReaderOptions } from './load.ts';
export { expandInput } from './inputs.ts';
export type { ExpandedInput } from './inputs.ts';
export { writeTidy, formatTidy } from './tidy.ts';
export type { TidyFormat } from './tidy.ts';

// Format detection
export { detectFormat, sniffFormat, DETECT_HEAD_BYTES } from './detect.ts';

// Readers
export { parseVerlConsole, parseVerlConsoleLine, stripConsolePrefixes, isVerlConsoleMetricLine } from './verl-console.ts';
export type { VerlConsoleLine, VerlConsoleOptions } from './verl-console.ts';
export { parseVerlJsonl, parseVerlJsonlLine } from './verl-jsonl.ts';
export type { VerlJsonlLine, VerlJsonlOptions } from './verl-jsonl.ts';
export { parseCsvTable, parseJsonlTable, chooseStepColumn, DEFAULT_STEP_KEYS, RUN_COLUMN } from './table.ts';
export type { TableOptions } from './table.ts';
export { parseCsvLine, csvRecords, detectDelimiter, formatCsvField } from './csv.ts';
export { parseJsonObjectLine, flattenNumbers } from './json-line.ts';
export { parseNumberText, parsePythonScalar } from './numbers.ts';

// Key choice and series
export { chooseKeys, parseValCoreKey, runKeys, ENTROPY_KEYS, TRAIN_REWARD_KEYS, TIDY_METRIC_KEY } from './choose-keys.ts';
export type { ChooseKeysOptions, ValCoreKey } from './choose-keys.ts';
export { toSeries } from './series.ts';

export type * from './types.ts';
