/**
 * Plain CSV tables (a header row, one row per logged step), read line by line so a file can be streamed.
 * A quoted field may span lines; the record is held until its quote closes (or proves to be a stray one).
 */
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { MAX_RECORD_LINES, detectDelimiter, parseCsvLine } from './csv.ts';
import { IssueCounter } from './issues.ts';
import { parseLines, type LineParser } from './line-stream.ts';
import { parseNumberText } from './numbers.ts';
import { chooseStepColumn, RUN_COLUMN, RunGroups, type TableOptions } from './table.ts';
import type { RawRun } from './types.ts';

/**
 * True if a file head is a CSV table: its first non-blank line is a header of at least two delimited,
 * non-empty names (which keeps prose with a comma out), and the next line, if any, has as many fields.
 * Binary data (control characters in the header) is not.
 *
 * @example
 * sniffCsv(['step,entropy,acc', '1,0.5,0.2']) // => true
 */
export function sniffCsv(lines: readonly string[]): boolean {
  const first = lines.findIndex((l) => l.trim() !== '');
  // A header is text: control characters other than a tab mean binary data (or a terminal's output).
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (first < 0 || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(lines[first])) return false;
  const next = lines.slice(first + 1).find((l) => l.trim() !== '');
  const delimiter = detectDelimiter(lines[first], next);
  if (delimiter === undefined) return false;
  const header = parseCsvLine(lines[first], delimiter);
  return header.ok && header.fields.every((f) => f.trim() !== '');
}

/** A record: its fields (or `undefined` for a row with a stray quote), the line it starts on and the line it ends on. */
type Emit = (fields: string[] | undefined, line: number, lastLine: number) => void;

/**
 * Joins lines into CSV records, one line at a time. A quote left open waits for the next lines; when it never
 * closes (within `MAX_RECORD_LINES`) or closes into a record of the wrong width, the first line is reported as
 * a stray quote and the lines after it are read again on their own: one stray quote costs one row.
 */
class RecordJoiner {
  private pending: Array<[text: string, line: number]> = [];
  private joined = '';
  fieldCount: number | undefined;

  constructor(
    private readonly delimiter: string,
    private readonly emit: Emit,
  ) {}

  push(text: string, line: number): void {
    if (this.pending.length === 0) {
      const parsed = parseCsvLine(text, this.delimiter);
      if (parsed.ok) {
        if (!(parsed.fields.length === 1 && parsed.fields[0].trim() === '')) this.emit(parsed.fields, line, line);
      } else if (parsed.reason === 'unterminated quote') {
        this.pending = [[text, line]];
        this.joined = text;
      } else this.emit(undefined, line, line);
      return;
    }
    this.pending.push([text, line]);
    this.joined += '\n' + text;
    // Without a quote in the new line the open field stays open; no need to parse again.
    if (!text.includes('"')) {
      if (this.pending.length >= MAX_RECORD_LINES) this.stray();
      return;
    }
    const parsed = parseCsvLine(this.joined, this.delimiter);
    if (!parsed.ok && parsed.reason === 'unterminated quote' && this.pending.length < MAX_RECORD_LINES) return;
    // A record spanning lines with the wrong number of fields is a stray quote that met another one later.
    if (!parsed.ok || (this.fieldCount !== undefined && parsed.fields.length !== this.fieldCount)) return this.stray();
    const first = this.pending[0][1];
    this.pending = [];
    this.emit(parsed.fields, first, line);
  }

  /** Reports the open record's first line as a stray quote and reads the lines after it again. */
  private stray(): void {
    const [[, first], ...rest] = this.pending;
    this.pending = [];
    this.emit(undefined, first, first);
    for (const [text, line] of rest) this.push(text, line);
  }

  finish(): void {
    while (this.pending.length > 0) this.stray();
  }
}

/** The line parser behind `parseCsvTable`, for streams (`readLineFile`). */
export function csvTableParser(options: TableOptions = {}): LineParser<RawRun[]> {
  const { source = '<text>', id = source, keep, warnings } = options;
  const head: Array<[string, number]> = [];
  let joiner: RecordJoiner | undefined;
  let columns: string[] | undefined;
  let stepIndex = -1;
  let runIndex = -1;
  let kept: boolean[] = [];
  const groups = new RunGroups(id, source, 'csv', keep);
  const badStep = new IssueCounter(source, 'rows without a usable step');
  const long = new IssueCounter(source, 'rows with more fields than the header');
  const strayQuote = new IssueCounter(source, 'rows with a stray quote');
  const nonFinite = new IssueCounter(source, 'non-finite values');
  const numericColumns = new Set<number>();
  const textCells = new Map<number, IssueCounter>();
  /** The line that ended the file without a newline, and the warning about its cut cell. */
  let cutAt = -1;
  let cut: string | undefined;

  const header = (fields: string[] | undefined, line: number) => {
    if (!fields) inputError('unterminated quote in the header', { file: source, line });
    columns = fields.map((f) => f.trim());
    const stepColumn = chooseStepColumn(columns, options.step, source);
    stepIndex = columns.indexOf(stepColumn);
    runIndex = stepColumn === RUN_COLUMN ? -1 : columns.indexOf(RUN_COLUMN);
    kept = columns.map((c, j) => j !== stepIndex && j !== runIndex && c !== '' && (!keep || keep.has(c)));
    joiner!.fieldCount = columns.length;
  };

  const row = (all: string[] | undefined, line: number, lastLine: number) => {
    if (!columns) return header(all, line);
    if (!all) return strayQuote.add(line);
    let fields = all;
    if (lastLine === cutAt && fields.length > 0 && fields[fields.length - 1].trim() !== '') {
      // The file ends in this row without a newline: its last cell may be cut mid-number (`0.` for 0.25).
      cut = `${source}:${cutAt}: the last line ends without a newline and may be cut short: its last cell '${fields[fields.length - 1].trim().slice(0, 40)}' dropped`;
      fields = fields.slice(0, -1);
    }
    if (fields.length > columns.length) return long.add(line, `${fields.length} fields, header has ${columns.length}`);
    const step = parseNumberText(fields[stepIndex] ?? '');
    if (step === undefined || !Number.isFinite(step)) return badStep.add(line, `'${fields[stepIndex] ?? ''}'`);
    // The row's step exists even if all its cells are empty, so step counts match the file.
    const writer = groups.writer(runIndex >= 0 ? fields[runIndex]?.trim() : undefined);
    writer.record(step, line);
    for (let j = 0; j < fields.length; j++) {
      if (!kept[j]) continue;
      const cell = fields[j].trim();
      if (cell === '') continue;
      const value = parseNumberText(cell);
      if (value === undefined) {
        let counter = textCells.get(j);
        if (!counter) textCells.set(j, (counter = new IssueCounter(source, `text cells in numeric column '${columns[j]}'`)));
        counter.add(line, `'${cell.slice(0, 40)}'`);
      } else {
        numericColumns.add(j);
        if (Number.isFinite(value)) writer.set(columns[j], value);
        else nonFinite.add(line, columns[j]);
      }
    }
  };

  /** The delimiter is guessed from the header and the next non-blank line, so both are held until then. */
  const start = () => {
    const [first, next] = head.filter(([t]) => t.trim() !== '');
    if (!first) inputError('empty table', { file: source });
    joiner = new RecordJoiner(detectDelimiter(first[0], next?.[0]) ?? ',', row);
    for (const [text, line] of head) joiner.push(text, line);
  };

  /** Reports the warnings so far to `into`. */
  const report = (into: Warnings | undefined) => {
    badStep.report(into, 'skipped');
    long.report(into, 'skipped');
    strayQuote.report(into, 'skipped');
    nonFinite.report(into, 'dropped');
    // A column with text only (a run name, a timestamp) is not a metric and not worth a warning.
    for (const [j, counter] of textCells) if (numericColumns.has(j)) counter.report(into, 'ignored');
    if (cut !== undefined) into?.warn(cut);
  };
  const line = (text: string, n: number) => {
    if (joiner) return joiner.push(text, n);
    head.push([n === 1 && text.startsWith('\ufeff') ? text.slice(1) : text, n]);
    if (head.filter(([t]) => t.trim() !== '').length >= 2) start();
  };

  return {
    line,
    cutLine(text, n) {
      cutAt = n;
      line(text, n);
    },
    peek(into) {
      // Rows still held (a quoted field open across lines, the lines before the delimiter is known) wait.
      if (!columns) return [];
      report(into);
      return groups.snapshot(into, columns);
    },
    finish() {
      if (!joiner) start();
      joiner!.finish();
      if (!columns) inputError('empty table', { file: source });
      report(warnings);
      return groups.finish(warnings, columns);
    },
  };
}

/**
 * Reads a plain CSV table (header row; delimiter `,`, tab or `;`, detected from the header) into runs.
 * Every numeric column is a metric keyed by its header; text columns are ignored. Rows without a usable step
 * and rows with more fields than the header are skipped and counted; a short (truncated) row keeps its cells;
 * text in a numeric column and non-finite values are counted and dropped; a step written again keeps the
 * later values. Throws an `InputError` when there is no header or no step column.
 * For files, `readLineFile(path, csvTableParser(...))` streams instead.
 *
 * @example
 * parseCsvTable('step,entropy,acc\n1,0.5,0.2\n', { source: 'a.csv' })[0].steps.get(1)
 * // => Map { 'entropy' => 0.5, 'acc' => 0.2 }
 */
export function parseCsvTable(text: string, options: TableOptions = {}): RawRun[] {
  return parseLines(text, csvTableParser(options));
}
