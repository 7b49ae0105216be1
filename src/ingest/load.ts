import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { table } from 'arquero';
import { InputError, inputError, usageError } from '../util/errors.ts';
import { Warnings } from '../util/warnings.ts';
import { chooseKeys } from './choose-keys.ts';
import { DETECT_HEAD_BYTES, sniffFormat } from './detect.ts';
import { expandInput } from './inputs.ts';
import { toSeries } from './series.ts';
import { parseCsvTable, parseJsonlTable } from './table.ts';
import type { Dataset, IngestOptions, LogFormat, RawRun, RunInfo, RunSeries } from './types.ts';
import { parseVerlConsole } from './verl-console.ts';
import { parseVerlJsonl } from './verl-jsonl.ts';

export { writeTidy } from './tidy.ts';

/** What a text reader gets: the run id and source, the step column for plain tables, the warnings. */
export interface TextReaderOptions {
  id: string;
  source: string;
  step?: string;
  warnings: Warnings;
}

/** Readers of text formats, by format. A file is read whole, decoded as UTF-8, then handed to one of these. */
export const TEXT_READERS: Partial<Record<LogFormat, (text: string, options: TextReaderOptions) => RawRun[]>> = {
  'verl-console': (text, o) => [parseVerlConsole(text, o)],
  'verl-jsonl': (text, o) => [parseVerlJsonl(text, o)],
  csv: (text, o) => parseCsvTable(text, o),
  jsonl: (text, o) => parseJsonlTable(text, o),
};

/**
 * The run id a file gives: its name without the extension. Only a letter-led extension counts, so a name
 * ending in a number (`run-lr0.567`) keeps it.
 *
 * @example
 * runIdFromPath('logs/qwen-0.567.log') // => 'qwen-0.567'
 */
export function runIdFromPath(path: string): string {
  const name = basename(path);
  const ext = /\.[A-Za-z][A-Za-z0-9]{0,7}$/.exec(name);
  return ext && ext.index > 0 ? name.slice(0, ext.index) : name;
}

/** A file's text, decoded as UTF-8, or why it could not be read (missing, no permission, empty). */
async function readText(path: string): Promise<{ text: string } | { reason: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return { reason: `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  if (bytes.length === 0) return { reason: 'empty file' };
  // Logs can hold stray invalid bytes (a NUL from a crashed writer); decoding replaces them with U+FFFD.
  return { text: new TextDecoder('utf-8').decode(bytes) };
}

/**
 * Reads one log file into its runs (one, or several for a table with a `run` column), detecting the format
 * from the content. Throws an `InputError` naming the file when it cannot be read, is empty, is not a
 * recognised format, or its reader rejects it.
 *
 * @example
 * await loadLog('logs/qwen.log', { warnings: new Warnings() }) // => [{ id: 'qwen', format: 'verl-console', … }]
 */
export async function loadLog(path: string, options: { id?: string; step?: string; warnings: Warnings }): Promise<RawRun[]> {
  const read = await readText(path);
  if ('reason' in read) return inputError(read.reason, { file: path });
  const format = sniffFormat(read.text.slice(0, DETECT_HEAD_BYTES));
  const reader = format && TEXT_READERS[format];
  if (!reader) {
    return inputError('unrecognised log format (expected a verl console log, verl JSONL, JSONL or CSV)', { file: path });
  }
  return reader(read.text, { id: options.id ?? runIdFromPath(path), source: path, step: options.step, warnings: options.warnings });
}

/** Gives each run a unique id: a repeat gets `-2`, `-3`, … with a warning. */
function uniqueId(id: string, taken: Set<string>, source: string, warnings: Warnings): string {
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id}-${n}`;
  if (unique !== id) warnings.warn(`run id '${id}' is used more than once; the run from ${source} is '${unique}'`);
  taken.add(unique);
  return unique;
}

/**
 * Reads logs into a dataset of (run, step, entropy, R) points. Each path is a file, a directory (every file
 * inside, recursively; dotfiles and files of no recognised format are skipped with a warning) or a glob
 * pattern. Formats are detected from content. Per run, the keys are chosen by `chooseKeys` and the points
 * are the steps with both entropy and R (`toSeries`); a run without points is left out with a warning.
 * Run ids come from file names (without extension) or `options.runIds`, one per input; repeats get `-2`.
 *
 * Throws an `InputError` naming the file for a named file that is missing, unreadable, empty or
 * unrecognised, for a key given but absent, and when no run has points; a `UsageError` for `runIds` that do
 * not match the inputs.
 *
 * @example
 * const data = await ingest(['logs/'], { entropy: 'actor/entropy' });
 * data.runs.map((r) => `${r.id}: ${r.points} points of ${r.metric}`) // => ['qwen: 43 points of val/test_score/openai/gsm8k']
 */
export async function ingest(paths: string[], options: IngestOptions = {}): Promise<Dataset> {
  const { step, entropy, metric, runIds, warnings = new Warnings() } = options;
  if (paths.length === 0) usageError('no input logs given');
  if (runIds !== undefined && runIds.length !== paths.length) {
    usageError(`invalid runIds: ${runIds.length} ids for ${paths.length} inputs (expected one per input)`);
  }
  const runs: RunInfo[] = [];
  const series: RunSeries[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < paths.length; i++) {
    const { files, named } = await expandInput(paths[i]);
    const raws: RawRun[] = [];
    for (const file of files) {
      try {
        raws.push(...(await loadLog(file, { step, warnings })));
      } catch (error) {
        if (named || !(error instanceof InputError)) throw error;
        warnings.warn(`skipped ${error.message}`);
      }
    }
    if (runIds !== undefined) {
      if (raws.length !== 1) usageError(`invalid runIds: '${runIds[i]}' names ${paths[i]}, which holds ${raws.length} runs (expected 1)`);
      raws[0].id = runIds[i];
    }
    for (const raw of raws) {
      let choice;
      try {
        choice = chooseKeys(raw, { entropy, metric, warnings });
      } catch (error) {
        // In a directory scan, a file without the default keys is not a training log; a key the user named is
        // expected in every run, so its absence stays an error.
        if (named || entropy !== undefined || metric !== undefined || !(error instanceof InputError)) throw error;
        warnings.warn(`skipped ${error.message}`);
        continue;
      }
      const id = uniqueId(raw.id, taken, raw.source, warnings);
      const s = toSeries({ ...raw, id }, choice);
      if (s.step.length === 0) {
        warnings.warn(`${raw.source}: run '${id}' has no step with both ${choice.entropyKey} and ${choice.metric}; left out`);
        continue;
      }
      runs.push({ id, source: raw.source, format: raw.format, ...choice, points: s.step.length });
      series.push(s);
    }
  }
  if (runs.length === 0) inputError(`no run with points in ${paths.join(', ')}`);
  return { runs, series, ...buildTables(runs, series) };
}

/** The Arquero tables of a dataset: `points` (run, step, entropy, metric) and `runTable` (one row per run). */
export function buildTables(runs: RunInfo[], series: RunSeries[]): Pick<Dataset, 'points' | 'runTable'> {
  const n = series.reduce((total, s) => total + s.step.length, 0);
  const run: string[] = new Array(n);
  const stepCol = new Float64Array(n);
  const entropyCol = new Float64Array(n);
  const metricCol = new Float64Array(n);
  let at = 0;
  for (const s of series) {
    run.fill(s.run, at, at + s.step.length);
    stepCol.set(s.step, at);
    entropyCol.set(s.entropy, at);
    metricCol.set(s.metric, at);
    at += s.step.length;
  }
  return {
    points: table({ run, step: stepCol, entropy: entropyCol, metric: metricCol }),
    runTable: table({
      id: runs.map((r) => r.id),
      source: runs.map((r) => r.source),
      format: runs.map((r) => r.format),
      entropyKey: runs.map((r) => r.entropyKey),
      metric: runs.map((r) => r.metric),
      metricKind: runs.map((r) => r.metricKind),
      points: runs.map((r) => r.points),
    }),
  };
}
