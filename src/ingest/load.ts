import { table } from 'arquero';
import { InputError, inputError, usageError } from '../util/errors.ts';
import { Warnings } from '../util/warnings.ts';
import { chooseKeys } from './choose-keys.ts';
import { coverageOf } from './coverage.ts';
import { readerFor } from './detect.ts';
import { expandInput, type InputEntry } from './inputs.ts';
import { joinRuns, type LoadedRun } from './join.ts';
import { startProgress } from './progress.ts';
import type { LineLoadOptions } from './registry.ts';
import { toSeries } from './series.ts';
import { resolveRunMeta, type ResolveMetaOptions } from './meta/resolve.ts';
import { KeyFilter } from './step-writer.ts';
import type { Dataset, IngestOptions, RawRun, RunInfo, RunSeries } from './types.ts';

export { writeTidy } from './tidy.ts';

/** Options of `loadLog`. */
export interface LoadLogOptions {
  /** Run id, where the input holds one run. Default: from the path (each reader says how). */
  id?: string;
  /** The step column of plain CSV/JSONL. Default: the first of `DEFAULT_STEP_KEYS`. */
  step?: string;
  /** Keeps only the keys it has, in the formats read line by line. Default: every key. */
  keep?: KeyFilter;
  /** Called with the bytes of each chunk read (line formats only). Default: none. */
  onBytes?: (bytes: number) => void;
  /** Collects warnings. */
  warnings: Warnings;
}

/**
 * Reads one log file or run directory into its runs (one, or several for a table with a `run` column, a W&B
 * export or an MLflow store), detecting the format from the content (and, for directories and fixed file
 * names, from the names; see `readerFor`). Line formats are streamed. Throws an `InputError` naming the file
 * when it cannot be read, is empty, is not a recognised format, or its reader rejects it.
 *
 * @example
 * await loadLog('logs/qwen.log', { warnings: new Warnings() }) // => [{ id: 'qwen', format: 'verl-console', … }]
 */
export async function loadLog(path: string, options: LoadLogOptions, entry?: InputEntry): Promise<RawRun[]> {
  const reader = entry?.reader ?? (await readerFor(path));
  const { id, step, keep, onBytes, warnings } = options;
  const readerOptions: LineLoadOptions = { id, step, keep, onBytes, warnings };
  return reader.load(path, readerOptions);
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
 * Reads logs into a dataset of (run, step, entropy, R) points. Each path is a file, a run directory (a
 * TensorBoard run folder, an MLflow store, a TRL output folder: one run each, or one per MLflow run), a
 * directory (walked recursively, run directories inside taken whole; dotfiles and files of no recognised
 * format are skipped with a warning) or a glob pattern. Formats are detected from content (see `READERS`).
 * Every reader keeps only the keys the key choice can use, and line formats are streamed, so memory stays
 * small whatever the file size. Per run, the keys are chosen by `chooseKeys` and the points are the steps
 * with both entropy and R (`toSeries`); a run without points is left out with a warning. Each run's
 * `coverage` counts its steps with R, with entropy and with both, and its `notes` say where steps with R
 * were lost (each also a warning). Run ids come from file names (`runIdFromPath`) or `options.runIds`, one
 * per input; repeats get `-2`. The warnings come back in `Dataset.warnings`, and go to `options.warnings`
 * too when it is given (also those of a read that fails).
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
  // This read's warnings are its own (the dataset returns them) and also go to the caller's collector, if any,
  // even when the read fails half way.
  const warnings = new Warnings();
  try {
    return await read(paths, options, warnings);
  } finally {
    options.warnings?.merge(warnings);
  }
}

/** The body of `ingest`, with its own warnings collector. */
async function read(paths: string[], options: IngestOptions, warnings: Warnings): Promise<Dataset> {
  const { step, entropy, metric, runIds, join, onProgress, meta, manifest, inferMeta = true } = options;
  if (paths.length === 0) usageError('no input logs given');
  if (runIds !== undefined && runIds.length !== paths.length && !(join && runIds.length === 1)) {
    usageError(`invalid runIds: ${runIds.length} ids for ${paths.length} inputs (expected one per input${join ? ', or one for the joined run' : ''})`);
  }
  const inputs = [];
  for (const path of paths) inputs.push(await expandInput(path));
  const progress = onProgress && (await startProgress(inputs.flatMap((i) => i.entries), onProgress));
  const runs: RunInfo[] = [];
  const series: RunSeries[] = [];
  const taken = new Set<string>();
  const metaOptions: ResolveMetaOptions = { meta, manifest, usedManifestKeys: new Set(), infer: inferMeta, configCache: new Map(), warnings };
  const loaded: LoadedRun[] = [];
  for (let i = 0; i < paths.length; i++) {
    const { entries, named } = inputs[i];
    const raws: RawRun[] = [];
    for (const entry of entries) {
      // Only the keys the key choice can use are kept (and the user's), so a huge log costs little memory.
      const keep = new KeyFilter([entropy, metric, step]);
      try {
        raws.push(...(await loadLog(entry.path, { step, keep, warnings, onBytes: progress?.bytes }, entry)));
      } catch (error) {
        if (named || !(error instanceof InputError)) throw error;
        warnings.warn(`skipped ${error.message}`);
      } finally {
        progress?.fileDone(entry.path);
      }
    }
    if (runIds !== undefined && !join) {
      if (raws.length !== 1) usageError(`invalid runIds: '${runIds[i]}' names ${paths[i]}, which holds ${raws.length} runs (expected 1)`);
      raws[0].id = runIds[i];
    }
    for (const raw of raws) loaded.push({ raw, input: i, named });
  }
  // Files that are one run become one (W&B chart exports side by side, `join`, one id for several inputs).
  for (const { raw, named } of joinRuns(loaded, { join, runIds, warnings })) {
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
    const s = toSeries(raw, choice, id);
    if (s.step.length === 0) {
      warnings.warn(`${raw.source}: run '${id}' has no step with both ${choice.entropyKey} and ${choice.metric}; left out`);
      continue;
    }
    const { coverage, notes } = coverageOf(raw, choice);
    for (const note of notes) warnings.warn(`${raw.source}: run '${id}': ${note}`);
    const resolved = await resolveRunMeta(id, raw.source, { ...metaOptions, run: raw, entropyKey: choice.entropyKey }, raw.id);
    const metaFrom = Object.keys(resolved.from).length > 0 ? { metaFrom: resolved.from } : {};
    const extra = { ...(raw.sources ? { sources: raw.sources } : {}), ...(resolved.trainer ? { trainer: resolved.trainer } : {}) };
    runs.push({ id, source: raw.source, format: raw.format, ...choice, points: s.step.length, coverage, notes, ...resolved.meta, ...metaFrom, ...extra });
    series.push(s);
  }
  progress?.end();
  const unused = [...(manifest?.keys() ?? [])].filter((k) => !metaOptions.usedManifestKeys!.has(k));
  if (unused.length > 0) warnings.warn(`manifest: ${unused.length} entries match no run (${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''})`);
  if (runs.length === 0) inputError(`no run with points in ${paths.join(', ')}`);
  return { runs, series, ...buildTables(runs, series), warnings: warnings.list() };
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
      model: runs.map((r) => r.model ?? null),
      size: runs.map((r) => r.size ?? null),
      algorithm: runs.map((r) => r.algorithm ?? null),
      dataset: runs.map((r) => r.dataset ?? null),
    }),
  };
}
