/**
 * The CSV side of the W&B readers: the header, and the rows read into runs column by column. W&B exports
 * and pandas `to_csv` both write RFC 4180 CSV with `,`; an empty cell is a step the metric was not logged.
 */
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { csvRecords, parseCsvLine } from './csv.ts';
import { IssueCounter, setMetric } from './issues.ts';
import { parseNumberText } from './numbers.ts';
import { headText } from './reader.ts';
import type { RawRun } from './types.ts';

/** A CSV column read into a run: its index in the row, the key it is stored under, and the run's steps. */
export interface CsvColumn {
  index: number;
  key: string;
  steps: RawRun['steps'];
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
 * mapped column's number into its run. Rows without a numeric step, non-numeric cells and non-finite values
 * are skipped, each kind counted in one warning; an unterminated quote ends the reading with a warning.
 *
 * @example
 * const steps = new Map(); readRows(['s,a', '1,0.5'], 1, 0, [undefined, { index: 1, key: 'a', steps }], 't.csv', undefined); steps // => Map { 1 => Map { 'a' => 0.5 } }
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
  for (const record of csvRecords(lines, ',', body)) {
    if (record.fields === undefined) {
      unterminated = record.line;
      break;
    }
    const step = parseNumberText(record.fields[stepColumn] ?? '');
    if (step === undefined || !Number.isFinite(step)) {
      issues.badStep.add(record.line, record.fields[stepColumn]);
      continue;
    }
    for (const column of columns) {
      if (!column) continue;
      const cell = (record.fields[column.index] ?? '').trim();
      if (cell === '') continue; // no point for this run at this step
      const value = parseNumberText(cell);
      if (value === undefined) issues.bad.add(record.line, `${column.key}: ${cell.slice(0, 40)}`);
      else if (!Number.isFinite(value)) issues.nonFinite.add(record.line, column.key);
      else setMetric(column.steps, step, column.key, value);
    }
  }
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

