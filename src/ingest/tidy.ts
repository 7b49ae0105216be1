import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { inputError, usageError } from '../util/errors.ts';
import { toCSV, toJSON } from 'arquero';
import type { Dataset } from './types.ts';

/** The tidy layouts `writeTidy` writes, by file extension. */
export type TidyFormat = 'csv' | 'jsonl';

/** The tidy table's columns, in the order they are written. */
const TIDY_COLUMNS = ['run', 'step', 'entropy', 'metric'];

/**
 * Formats a dataset's tidy table (`Dataset.points`) as text: one row per (run, step) with columns run, step,
 * entropy, metric, by Arquero's own writers (`toCSV`; `toJSON` as NDJSON, one object per line). Both write
 * numbers in JavaScript's shortest round-trip form, so reading the file back gives the same values (a test
 * checks it on the real logs), and quote a CSV field that holds a delimiter, a quote or a line break.
 *
 * @example
 * formatTidy(dataset, 'csv') // => 'run,step,entropy,metric\nr1,0,0.52,0.013\n…'
 */
export function formatTidy(dataset: Pick<Dataset, 'points'>, format: TidyFormat): string {
  const points = dataset.points.select(TIDY_COLUMNS);
  if (format === 'csv') return toCSV(points);
  return points.numRows() === 0 ? '' : toJSON(points, { type: 'ndjson' }) + '\n';
}

/**
 * Writes a dataset's tidy table (`Dataset.points`) to `path` as CSV or JSONL, chosen by the extension
 * (`.csv`, `.jsonl`; see `formatTidy`).
 * The file reads back with `ingest` (its `run` column splits it into runs, `metric` is taken as R).
 * Throws a `UsageError` for another extension and an `InputError` when the file cannot be written.
 *
 * @example
 * await writeTidy(await ingest(['logs/']), 'tidy.csv')
 */
export async function writeTidy(dataset: Pick<Dataset, 'points'>, path: string): Promise<void> {
  const ext = extname(path).toLowerCase();
  const format: TidyFormat | undefined = ext === '.csv' ? 'csv' : ext === '.jsonl' ? 'jsonl' : undefined;
  if (format === undefined) usageError(`invalid tidy output: ${path} (expected a .csv or .jsonl file name)`);
  try {
    await writeFile(path, formatTidy(dataset, format));
  } catch (error) {
    inputError(`cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path }, error);
  }
}
