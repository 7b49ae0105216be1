/**
 * The CSV side of the W&B readers: the header, and the rows read into runs column by column. W&B exports
 * and pandas `to_csv` both write RFC 4180 CSV with `,`; an empty cell is a step the metric was not logged.
 */
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { csvRecords, parseCsvLine } from './csv.ts';
import { IssueCounter } from './issues.ts';
import { parseNumberText } from './numbers.ts';
import { headText } from './reader.ts';
import type { StepWriter } from './step-writer.ts';

/** A CSV column read into a run: its index in the row, the key it is stored under, and the run's writer. */
export interface CsvColumn {
  index: number;
  key: string;
  writer: StepWriter;
}

/** Counters shared by the CSV readers: cells that are not numbers, and non-finite ones. */
function cellCounters(source: string) {
  return {
    bad: new IssueCounter(source, 'non-numeric cells'),
    nonFinite: new IssueCounter(source, 'non-finite values'),
    badStep: new IssueCounter(source, 'rows without a numeric step'),
  };
}

/**
 * Reads the CSV body from line index `body` on: for each row, the step from column `stepColumn` and each
 * mapped column's number into its run's writer (a row is a record of its step in each run it has a value
 * for). Rows without a numeric step, non-numeric cells and non-finite values are skipped, each kind counted
 * in one warning; an unterminated quote ends the reading with a warning. When the text ends without a
 * newline (the last line is not blank), the last row may be cut short: its last cell is dropped, with a warning.
 *
 * @example
 * const writer = new StepWriter('t.csv'); readRows(['s,a', '1,0.5', ''], 1, 0, [undefined, { index: 1, key: 'a', writer }], 't.csv', undefined);
 * writer.run('t', 't.csv', 'wandb-history').steps // => Map { 1 => Map { 'a' => 0.5 } }
 */
export function readRows(
  lines: string[],
  body: number,
  stepColumn: number,
  columns: Array<CsvColumn | undefined>,
  source: string,
  warnings: Warnings | undefined,
): void {
  const issues = cellCounters(source);
  let unterminated = 0;
  const recorded = new Set<StepWriter>();
  const row = (record: { fields: string[] | undefined; line: number }, cut: boolean): boolean => {
    if (record.fields === undefined) {
      unterminated = record.line;
      return false;
    }
    let fields = record.fields;
    if (cut && fields.length > 0 && fields[fields.length - 1].trim() !== '') {
      warnings?.warn(
        `${source}:${record.line}: the last line ends without a newline and may be cut short: its last cell '${fields[fields.length - 1].trim().slice(0, 40)}' dropped`,
      );
      fields = fields.slice(0, -1);
    }
    const step = parseNumberText(fields[stepColumn] ?? '');
    if (step === undefined || !Number.isFinite(step)) {
      issues.badStep.add(record.line, fields[stepColumn]);
      return true;
    }
    recorded.clear();
    for (const column of columns) {
      if (!column) continue;
      const cell = (fields[column.index] ?? '').trim();
      if (cell === '') continue; // no point for this run at this step
      const value = parseNumberText(cell);
      if (value === undefined) issues.bad.add(record.line, `${column.key}: ${cell.slice(0, 40)}`);
      else if (!Number.isFinite(value)) issues.nonFinite.add(record.line, column.key);
      else {
        if (!recorded.has(column.writer)) column.writer.record(step, record.line);
        recorded.add(column.writer);
        column.writer.set(column.key, value);
      }
    }
    return true;
  };
  // Each record is handled once the next one is known, so the last one can be told apart.
  let held: { fields: string[] | undefined; line: number } | undefined;
  let going = true;
  for (const record of csvRecords(lines, ',', body)) {
    if (held && !(going = row(held, false))) break;
    held = record;
  }
  if (held && going) row(held, lines.length > 0 && lines[lines.length - 1].trim() !== '');
  if (unterminated > 0) warnings?.warn(`${source}:${unterminated}: unterminated quoted field; the rest of the file was skipped`);
  issues.badStep.report(warnings, 'skipped');
  issues.bad.report(warnings, 'skipped');
  issues.nonFinite.report(warnings, 'dropped');
}

/**
 * The header of a CSV text (its first non-blank record, trimmed) and the index of the line after it.
 * Throws an `InputError` when there is none.
 *
 * @example
 * csvHeader(['', '"Step","a - acc"', '"1","0.5"'], 'e.csv') // => { header: ['Step', 'a - acc'], body: 2 }
 */
export function csvHeader(lines: string[], source: string): { header: string[]; body: number } {
  const first = csvRecords(lines, ',').next();
  if (first.done || first.value.fields === undefined) inputError('no CSV header', { file: source, line: 1 });
  return { header: first.value.fields.map((f) => f.trim()), body: first.value.line };
}

/**
 * The header fields of a file head that starts with a CSV line of at least two fields, or `undefined`.
 *
 * @example
 * headerOf(new TextEncoder().encode('_step,_runtime,a\n0,1,2\n')) // => ['_step', '_runtime', 'a']
 */
export function headerOf(head: Uint8Array): string[] | undefined {
  const first = headText(head).split('\n', 1)[0].replace(/\r$/, '');
  const parsed = parseCsvLine(first, ',');
  return parsed.ok && parsed.fields.length >= 2 ? parsed.fields.map((f) => f.trim()) : undefined;
}

