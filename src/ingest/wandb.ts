/**
 * Weights & Biases data as users download it: the web UI's "Export CSV" of a chart (several runs in one
 * file, `"<run> - <metric>"` columns with `__MIN`/`__MAX` companions), and run history saved from the API
 * (`run.history()` / `run.scan_history()`) as CSV or JSONL, one run per file, with `_step`, `_runtime` and
 * `_timestamp` among the columns in no fixed order.
 */
import { readFile } from 'node:fs/promises';
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { IssueCounter, splitLines } from './issues.ts';
import { JsonTooDeep, MAX_JSON_DEPTH, parseJsonObjectLine } from './json-line.ts';
import { headText, io, type FormatReader } from './reader.ts';
import { isCandidateKey } from './choose-keys.ts';
import { runIdFromPath } from './run-id.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import type { RawRun } from './types.ts';
import { csvHeader, headerOf, readRows } from './wandb-csv.ts';

/** The separator W&B puts between run name and metric in export headers. */
const RUN_SEPARATOR = ' - ';
const MIN_MAX = /__(?:MIN|MAX)$/;

/** Options of the W&B parsers. */
export interface WandbOptions {
  /** Run id, used when the file holds one run. Default: the run name (export) or `source` (history). */
  id?: string;
  /** The path the text came from, named in warnings and errors. Default: `'<text>'`. */
  source?: string;
  /** Collects one warning per kind of problem. Default: none. */
  warnings?: Warnings;
  /** Keeps only the keys it has (see `KeyFilter`). Default: every key. */
  keep?: KeyFilter;
}

/**
 * Splits an export column name into run and metric at the last ` - ` (run names may contain one).
 * `undefined` for `__MIN`/`__MAX` columns and names without a separator. `splitExportColumns` reads a whole
 * header, where a metric name that itself contains ` - ` can be told apart.
 *
 * @example
 * splitExportColumn('grpo - lr 1e-6 - train/reward') // => { run: 'grpo - lr 1e-6', metric: 'train/reward' }
 */
export function splitExportColumn(name: string): { run: string; metric: string } | undefined {
  const at = name.lastIndexOf(RUN_SEPARATOR);
  if (at <= 0 || MIN_MAX.test(name)) return undefined;
  return { run: name.slice(0, at), metric: name.slice(at + RUN_SEPARATOR.length) };
}

/** The places of ` - ` in a name, as the possible splits into run and metric, last first. */
function splits(name: string): Array<{ run: string; metric: string }> {
  const out = [];
  for (let at = name.lastIndexOf(RUN_SEPARATOR); at > 0; at = name.lastIndexOf(RUN_SEPARATOR, at - 1)) {
    out.push({ run: name.slice(0, at), metric: name.slice(at + RUN_SEPARATOR.length) });
  }
  return out;
}

/**
 * Splits every `<run> - <metric>` column of an export header (the first column, the x axis, and
 * `__MIN`/`__MAX` columns give `undefined`). A chart exports one metric for each run, so when the names
 * allow several splits the metric is the longest ` - `-separated tail every column shares (a metric named
 * `eval - acc` stays whole); a single column is split where the tail is a key the metric choice knows, else
 * at its last ` - `.
 *
 * @example
 * splitExportColumns(['Step', 'a - eval - acc', 'b - eval - acc']).map((s) => s?.metric) // => [undefined, 'eval - acc', 'eval - acc']
 */
export function splitExportColumns(header: string[]): Array<{ run: string; metric: string } | undefined> {
  const named = header.map((name, index) => (index === 0 || MIN_MAX.test(name) ? [] : splits(name)));
  const columns = named.filter((s) => s.length > 0);
  // The longest shared tail: among the first column's candidate metrics (shortest first), the last that all share.
  let shared: string | undefined;
  if (columns.length > 1) {
    for (const { metric } of columns[0]) if (columns.every((c) => c.some((s) => s.metric === metric))) shared = metric;
  }
  return named.map((candidates) => {
    if (candidates.length === 0) return undefined;
    if (shared !== undefined) return candidates.find((c) => c.metric === shared);
    return candidates.find((c) => isCandidateKey(c.metric)) ?? candidates[0];
  });
}

/**
 * Reads a W&B chart export: the first column is the x axis (`Step`), every `"<run> - <metric>"` column a run's
 * metric; `__MIN`/`__MAX` columns (the band of a down-sampled chart) are ignored and empty cells are steps a run
 * did not log. Returns one run per run name, in header order. Throws an `InputError` without such columns.
 *
 * @example
 * parseWandbExport('"Step","a - acc","a - acc__MIN","b - acc"\n"1","0.5","0.4",""\n').map((r) => r.id) // => ['a', 'b']
 */
export function parseWandbExport(text: string, options: WandbOptions = {}): RawRun[] {
  const { source = '<text>', warnings, keep } = options;
  const lines = splitLines(text.startsWith('\ufeff') ? text.slice(1) : text);
  const { header, body } = csvHeader(lines, source);
  const writers = new Map<string, StepWriter>();
  const splitAt = splitExportColumns(header);
  const columns = header.map((_, index) => {
    const split = splitAt[index];
    if (!split) return undefined;
    let writer = writers.get(split.run);
    if (!writer) writers.set(split.run, (writer = new StepWriter(source, keep)));
    return { index, key: split.metric, writer };
  });
  if (writers.size === 0) inputError('no "<run> - <metric>" columns (expected a W&B chart export)', { file: source, line: 1 });
  readRows(lines, body, 0, columns, source, warnings);
  const out = [...writers].map(([run, writer]) => {
    writer.report(warnings);
    return writer.run(run, source, 'wandb-export');
  });
  if (out.length === 1 && options.id !== undefined) out[0].id = options.id;
  return out;
}

/** True if a history key is W&B bookkeeping (`_step`, `_runtime`, `_timestamp`, `_wandb`) or a pandas index. */
const isSystemKey = (key: string) => key === '' || key.startsWith('_');

/** Adds the numeric leaves of a history row; W&B media objects (dicts with `_type`) are not metrics. */
function collectRow(row: Record<string, unknown>, prefix: string, out: Map<string, number>, nonFinite: string[], depth = 0): void {
  if (depth >= MAX_JSON_DEPTH) throw new JsonTooDeep();
  for (const [k, v] of Object.entries(row)) {
    const key = prefix ? `${prefix}/${k}` : k;
    if (!prefix && isSystemKey(k)) continue;
    if (typeof v === 'number') out.set(key, v);
    else if (typeof v === 'boolean') out.set(key, v ? 1 : 0);
    else if (v === null) nonFinite.push(key);
    else if (typeof v === 'object' && !Array.isArray(v) && !('_type' in v)) collectRow(v as Record<string, unknown>, key, out, nonFinite, depth + 1);
  }
}

/**
 * Reads W&B run history saved as JSONL (one row object per line) or CSV (`pandas.DataFrame.to_csv`): the
 * step is `_step`; other keys starting with `_` and media objects are skipped; `NaN`/`null`/empty cells are
 * missing values. Throws an `InputError` when there is no `_step`.
 *
 * @example
 * parseWandbHistory('{"_step": 3, "_runtime": 9.1, "train/reward": 0.5}\n')[0].steps.get(3) // => Map { 'train/reward' => 0.5 }
 */
export function parseWandbHistory(text: string, options: WandbOptions = {}): RawRun[] {
  const { source = '<text>', id = source, warnings, keep } = options;
  const lines = splitLines(text.startsWith('\ufeff') ? text.slice(1) : text);
  const writer = new StepWriter(source, keep);
  const done = () => {
    writer.report(warnings);
    return [writer.run(id, source, 'wandb-history')];
  };
  const firstLine = lines.find((l) => l.trim() !== '') ?? '';
  if (!firstLine.trimStart().startsWith('{')) {
    const { header, body } = csvHeader(lines, source);
    const stepColumn = header.indexOf('_step');
    if (stepColumn < 0) inputError('no "_step" column (expected W&B history)', { file: source, line: 1 });
    const columns = header.map((key, index) => (isSystemKey(key) ? undefined : { index, key, writer }));
    readRows(lines, body, stepColumn, columns, source, warnings);
    return done();
  }
  let steps = 0;
  const bad = new IssueCounter(source, 'unreadable lines');
  const missing = new IssueCounter(source, 'null or non-finite values');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const parsed = parseJsonObjectLine(lines[i]);
    const step = parsed.ok ? parsed.value._step : undefined;
    if (!parsed.ok || typeof step !== 'number' || !Number.isFinite(step)) {
      bad.add(i + 1, parsed.ok ? 'no numeric "_step"' : parsed.reason);
      continue;
    }
    const values = new Map<string, number>();
    const nonFinite: string[] = [];
    try {
      collectRow(parsed.value, '', values, nonFinite);
    } catch (error) {
      if (!(error instanceof JsonTooDeep)) throw error;
      bad.add(i + 1, error.message);
      continue;
    }
    let recorded = false;
    for (const [key, value] of values) {
      if (!Number.isFinite(value)) {
        nonFinite.push(key);
        continue;
      }
      if (!recorded) writer.record(step, i + 1);
      recorded = true;
      steps++;
      writer.set(key, value);
    }
    for (const key of nonFinite) missing.add(i + 1, key);
  }
  if (steps === 0 && bad.size > 0) inputError('no line with a numeric "_step" (expected W&B history)', { file: source });
  bad.report(warnings, 'skipped');
  missing.report(warnings, 'dropped');
  return done();
}

/** Options of `loadWandbExport` and `loadWandbHistory`. */
export interface LoadWandbOptions {
  /** Run id, used when the file holds one run. Default: the run name (export) or the file name (history). */
  id?: string;
  /** Collects warnings. Default: none. */
  warnings?: Warnings;
  /** Keeps only the keys it has (see `KeyFilter`). Default: every key. */
  keep?: KeyFilter;
}

/**
 * Reads a W&B chart export file (see `parseWandbExport`): one run per run name in it.
 *
 * @example
 * (await loadWandbExport('wandb_export_2025-06-01.csv')).map((r) => r.id) // => ['grpo-qwen', 'ppo-qwen']
 */
export async function loadWandbExport(path: string, options: LoadWandbOptions = {}): Promise<RawRun[]> {
  const text = await io(path, () => readFile(path, 'utf8'));
  return parseWandbExport(text, { id: options.id, source: path, warnings: options.warnings, keep: options.keep });
}

/**
 * Reads a W&B history file, CSV or JSONL (see `parseWandbHistory`), into one run named after the file.
 *
 * @example
 * (await loadWandbHistory('runs/grpo-qwen.jsonl'))[0].id // => 'grpo-qwen'
 */
export async function loadWandbHistory(path: string, options: LoadWandbOptions = {}): Promise<RawRun[]> {
  const text = await io(path, () => readFile(path, 'utf8'));
  return parseWandbHistory(text, { id: options.id ?? runIdFromPath(path), source: path, warnings: options.warnings, keep: options.keep });
}

/** The W&B chart-export reader: a CSV whose columns after the first are all `<run> - <metric>`. */
export const wandbExportReader: FormatReader = {
  format: 'wandb-export',
  sniff({ isDirectory, head }) {
    const header = isDirectory ? undefined : headerOf(head);
    return !!header && !header[0].includes(RUN_SEPARATOR) && header.slice(1).every((f) => f.includes(RUN_SEPARATOR));
  },
  label: 'a W&B chart export',
  load: (path, { id, warnings, keep }) => loadWandbExport(path, { id, warnings, keep }),
};

/** The W&B history reader: JSONL whose first row has `_step`, or CSV with `_step` and `_runtime`/`_timestamp`. */
export const wandbHistoryReader: FormatReader = {
  format: 'wandb-history',
  sniff({ isDirectory, head }) {
    if (isDirectory) return false;
    const first = headText(head).split('\n', 1)[0];
    if (first.trimStart().startsWith('{')) {
      const parsed = parseJsonObjectLine(first);
      return parsed.ok && typeof parsed.value._step === 'number';
    }
    const header = headerOf(head);
    return !!header && header.includes('_step') && (header.includes('_runtime') || header.includes('_timestamp'));
  },
  label: 'W&B run history (CSV or JSONL)',
  load: (path, { id, warnings, keep }) => loadWandbHistory(path, { id, warnings, keep }),
};
