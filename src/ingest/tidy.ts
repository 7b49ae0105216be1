import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { inputError, usageError } from '../util/errors.ts';
import { formatCsvField } from './csv.ts';
import type { Dataset } from './types.ts';

/** The tidy layouts `writeTidy` writes, by file extension. */
export type TidyFormat = 'csv' | 'jsonl';

/**
 * Formats a dataset's points as tidy text: one row per (run, step) with columns run, step, entropy, metric.
 * Numbers are written in JavaScript's shortest round-trip form, so reading the file back gives the same values.
 *
 * @example
 * formatTidy(dataset, 'csv') // => 'run,step,entropy,metric\nr1,0,0.52,0.013\n…'
 */
export function formatTidy(dataset: Dataset, format: TidyFormat): string {
  const out: string[] = [];
  if (format === 'csv') out.push('run,step,entropy,metric');
  for (const s of dataset.series) {
    for (let i = 0; i < s.step.length; i++) {
      if (format === 'csv') {
        out.push(`${formatCsvField(s.run)},${s.step[i]},${s.entropy[i]},${s.metric[i]}`);
      } else {
        out.push(JSON.stringify({ run: s.run, step: s.step[i], entropy: s.entropy[i], metric: s.metric[i] }));
      }
    }
  }
  return out.join('\n') + '\n';
}

/**
 * Writes a dataset's points to `path` as CSV or JSONL, chosen by the extension (`.csv`, `.jsonl`).
 * The file reads back with `ingest` (its `run` column splits it into runs, `metric` is taken as R).
 * Throws a `UsageError` for another extension and an `InputError` when the file cannot be written.
 *
 * @example
 * await writeTidy(await ingest(['logs/']), 'tidy.csv')
 */
export async function writeTidy(dataset: Dataset, path: string): Promise<void> {
  const ext = extname(path).toLowerCase();
  const format: TidyFormat | undefined = ext === '.csv' ? 'csv' : ext === '.jsonl' ? 'jsonl' : undefined;
  if (format === undefined) usageError(`invalid tidy output: ${path} (expected a .csv or .jsonl file name)`);
  try {
    await writeFile(path, formatTidy(dataset, format));
  } catch (error) {
    inputError(`cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path }, error);
  }
}
