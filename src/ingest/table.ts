import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { csvRecords, detectDelimiter } from './csv.ts';
import { IssueCounter, setMetric, splitLines } from './issues.ts';
import { flattenNumbers, parseJsonObjectLine } from './json-line.ts';
import { parseNumberText } from './numbers.ts';
import type { RawRun } from './types.ts';

/** Step columns tried in order when `step` is not given (verl, W&B history, transformers, OpenRLHF). */
export const DEFAULT_STEP_KEYS = ['step', '_step', 'global_step', 'training/global_step', 'train/global_step'];

/**
 * A column that names the run. A table with it holds several runs (the tidy output of `ingest` does), one
 * `RawRun` per distinct value; without it the whole file is one run.
 */
export const RUN_COLUMN = 'run';

/** Options of the plain-table readers. */
export interface TableOptions {
  /** Run id for a table without a `run` column. Default: `source`. */
  id?: string;
  /** The path the text came from, named in errors and warnings. Default: `'<text>'`. */
  source?: string;
  /** The step column. Default: the first of `DEFAULT_STEP_KEYS` present. */
  step?: string;
  /** Collects one warning per kind of problem. Default: none. */
  warnings?: Warnings;
}

/**
 * Picks the step column: the given one, else the first default present.
 * Throws an `InputError` naming the file and listing the columns when there is none.
 *
 * @example
 * chooseStepColumn(['_step', 'loss'], undefined, 'h.csv') // => '_step'
 */
export function chooseStepColumn(columns: Iterable<string>, step: string | undefined, source: string): string {
  const present = new Set(columns);
  const list = () => [...present].slice(0, 20).join(', ') + (present.size > 20 ? ', …' : '');
  if (step !== undefined) {
    if (!present.has(step)) inputError(`no step column '${step}' (columns: ${list()})`, { file: source });
    return step;
  }
  const found = DEFAULT_STEP_KEYS.find((k) => present.has(k));
  if (found === undefined) {
    inputError(`no step column (tried ${DEFAULT_STEP_KEYS.join(', ')}; use --step; columns: ${list()})`, { file: source });
  }
  return found;
}

/** Groups rows into runs by the run column, keeping first-appearance order. */
class RunGroups {
  readonly runs = new Map<string, RawRun>();
  constructor(
    private readonly defaultId: string,
    private readonly source: string,
    private readonly format: RawRun['format'],
  ) {}
  steps(runId: string | undefined): RawRun['steps'] {
    const id = runId === undefined || runId === '' ? this.defaultId : runId;
    let run = this.runs.get(id);
    if (!run) {
      run = { id, source: this.source, format: this.format, steps: new Map() };
      this.runs.set(id, run);
    }
    return run.steps;
  }
}

/**
 * Reads a plain CSV table (header row; delimiter `,`, tab or `;`, detected from the header) into runs.
 * Every numeric column is a metric keyed by its header; text columns are ignored. Rows without a usable step
 * and rows with more fields than the header are skipped and counted; a short (truncated) row keeps its cells;
 * text in a numeric column and non-finite values are counted and dropped.
 * Throws an `InputError` when there is no header or no step column.
 *
 * @example
 * parseCsvTable('step,entropy,acc\n1,0.5,0.2\n', { source: 'a.csv' })[0].steps.get(1)
 * // => Map { 'entropy' => 0.5, 'acc' => 0.2 }
 */
export function parseCsvTable(text: string, options: TableOptions = {}): RawRun[] {
  const { source = '<text>', id = source, warnings } = options;
  const lines = splitLines(text.startsWith('\ufeff') ? text.slice(1) : text);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) inputError('empty table', { file: source });
  const delimiter = detectDelimiter(lines[headerIndex], lines.slice(headerIndex + 1).find((l) => l.trim() !== '')) ?? ',';
  const header = csvRecords(lines, delimiter, headerIndex).next();
  if (header.done || !header.value.fields) inputError('unterminated quote in the header', { file: source, line: headerIndex + 1 });
  const columns = header.value.fields.map((f) => f.trim());
  // The body is read knowing the header's field count, so a stray quote costs one row.
  const body = csvRecords(lines, delimiter, header.value.line, columns.length);
  const stepColumn = chooseStepColumn(columns, options.step, source);
  const stepIndex = columns.indexOf(stepColumn);
  const runIndex = stepColumn === RUN_COLUMN ? -1 : columns.indexOf(RUN_COLUMN);

  const groups = new RunGroups(id, source, 'csv');
  const badStep = new IssueCounter(source, 'rows without a usable step');
  const long = new IssueCounter(source, 'rows with more fields than the header');
  const strayQuote = new IssueCounter(source, 'rows with a stray quote');
  const nonFinite = new IssueCounter(source, 'non-finite values');
  const numericColumns = new Set<number>();
  const textCells = new Map<number, IssueCounter>();
  for (const record of body) {
    if (!record.fields) {
      strayQuote.add(record.line);
      continue;
    }
    const { fields, line } = record;
    if (fields.length > columns.length) {
      long.add(line, `${fields.length} fields, header has ${columns.length}`);
      continue;
    }
    const step = parseNumberText(fields[stepIndex] ?? '');
    if (step === undefined || !Number.isFinite(step)) {
      badStep.add(line, `'${fields[stepIndex] ?? ''}'`);
      continue;
    }
    const steps = groups.steps(runIndex >= 0 ? fields[runIndex]?.trim() : undefined);
    // The row's step exists even if all its cells are empty, so step counts match the file.
    if (!steps.has(step)) steps.set(step, new Map());
    for (let j = 0; j < fields.length; j++) {
      if (j === stepIndex || j === runIndex || columns[j] === '') continue;
      const cell = fields[j].trim();
      if (cell === '') continue;
      const value = parseNumberText(cell);
      if (value === undefined) {
        let counter = textCells.get(j);
        if (!counter) textCells.set(j, (counter = new IssueCounter(source, `text cells in numeric column '${columns[j]}'`)));
        counter.add(line, `'${cell.slice(0, 40)}'`);
      } else {
        numericColumns.add(j);
        if (Number.isFinite(value)) setMetric(steps, step, columns[j], value);
        else nonFinite.add(line, columns[j]);
      }
    }
  }
  badStep.report(warnings, 'skipped');
  long.report(warnings, 'skipped');
  strayQuote.report(warnings, 'skipped');
  nonFinite.report(warnings, 'dropped');
  // A column with text only (a run name, a timestamp) is not a metric and not worth a warning.
  for (const [j, counter] of textCells) if (numericColumns.has(j)) counter.report(warnings, 'ignored');
  return [...groups.runs.values()];
}

/**
 * Reads plain JSONL (one flat object per line; nested objects flattened with `/`) into runs, with the step
 * taken from a key as in `parseCsvTable`. Unreadable lines and lines without a usable step are counted and
 * skipped; `null`/`NaN` values are counted and dropped. A string `run` key splits the file into runs.
 * Throws an `InputError` when no line is an object or there is no step key.
 *
 * @example
 * parseJsonlTable('{"_step": 3, "train": {"entropy": 0.4}}\n', { source: 'h.jsonl' })[0].steps.get(3)
 * // => Map { 'train/entropy' => 0.4 }
 */
export function parseJsonlTable(text: string, options: TableOptions = {}): RawRun[] {
  const { source = '<text>', id = source, warnings } = options;
  const lines = splitLines(text);
  const bad = new IssueCounter(source, 'unreadable lines');
  const missing = new IssueCounter(source, 'null or non-finite values');
  const rows: Array<{ line: number; run: string | undefined; metrics: Map<string, number> }> = [];
  const keys = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const parsed = parseJsonObjectLine(lines[i]);
    if (!parsed.ok) {
      bad.add(i + 1, parsed.reason);
      continue;
    }
    const metrics = new Map<string, number>();
    for (const key of flattenNumbers(parsed.value, metrics).missing) missing.add(i + 1, key);
    const run = parsed.value[RUN_COLUMN];
    for (const key of metrics.keys()) keys.add(key);
    rows.push({ line: i + 1, run: typeof run === 'string' || typeof run === 'number' ? String(run) : undefined, metrics });
  }
  if (rows.length === 0) inputError('no JSON object lines', { file: source });
  const stepKey = chooseStepColumn(keys, options.step, source);
  const groups = new RunGroups(id, source, 'jsonl');
  const noStep = new IssueCounter(source, 'lines without a usable step');
  for (const { line, run, metrics } of rows) {
    const step = metrics.get(stepKey);
    if (step === undefined || !Number.isFinite(step)) {
      noStep.add(line);
      continue;
    }
    const steps = groups.steps(stepKey === RUN_COLUMN ? undefined : run);
    if (!steps.has(step)) steps.set(step, new Map());
    for (const [key, value] of metrics) {
      if (key === stepKey || (key === RUN_COLUMN && run !== undefined)) continue;
      setMetric(steps, step, key, value);
    }
  }
  bad.report(warnings, 'skipped');
  noStep.report(warnings, 'skipped');
  missing.report(warnings, 'dropped');
  return [...groups.runs.values()];
}
