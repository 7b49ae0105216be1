/**
 * MLflow's file store (`mlruns/`): `mlruns/<experiment>/<run>/metrics/<key>` holds one line per logged value,
 * `<timestamp_ms> <value> <step>` (files written before MLflow 1.0 have no step: step 0). A `/` in a key
 * makes nested folders (`metrics/actor/entropy`). The run name is the content of `tags/mlflow.runName`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { IssueCounter, splitLines } from './issues.ts';
import { parseNumberText } from './numbers.ts';
import { io, type FormatReader } from './reader.ts';
import { runIdFromPath } from './run-id.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import type { RawRun } from './types.ts';

/** One line of a metric file, parsed. */
export type MlflowMetricLine = { ok: true; step: number; value: number } | { ok: false; reason: string };

/**
 * Parses one metric line: `<timestamp_ms> <value> <step>`, or the legacy `<timestamp_ms> <value>` (step 0).
 * Values are Python float reprs (`nan`, `inf`, `1e-06`); a non-finite value comes back as is for the caller
 * to count.
 *
 * @example
 * parseMlflowMetricLine('1700000000000 0.52 12') // => { ok: true, step: 12, value: 0.52 }
 */
export function parseMlflowMetricLine(line: string): MlflowMetricLine {
  const parts = line.trim().split(/\s+/);
  if (parts.length !== 2 && parts.length !== 3) return { ok: false, reason: `expected 2 or 3 fields, found ${parts.length}` };
  const value = parseNumberText(parts[1]);
  const step = parts.length === 3 ? parseNumberText(parts[2]) : 0;
  if (parseNumberText(parts[0]) === undefined) return { ok: false, reason: 'bad timestamp' };
  if (value === undefined) return { ok: false, reason: 'bad value' };
  if (step === undefined || !Number.isFinite(step)) return { ok: false, reason: 'bad step' };
  return { ok: true, step, value };
}

/** Every metric file under `dir`, as [key, path] with nested folders joined by `/`, sorted by key. */
async function metricFiles(dir: string, prefix = ''): Promise<Array<[string, string]>> {
  const entries = await io(dir, () => readdir(dir, { withFileTypes: true }));
  const out: Array<[string, string]> = [];
  for (const e of entries) {
    const key = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await metricFiles(join(dir, e.name), key)));
    else if (e.isFile()) out.push([key, join(dir, e.name)]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Reads a file's text, or `undefined` when it does not exist. */
async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return io(path, () => Promise.reject(error));
  }
}

/** The run name: the `mlflow.runName` tag, else `run_name` in `meta.yaml` (MLflow ≥ 1.28), else `undefined`. */
async function runNameOf(dir: string): Promise<string | undefined> {
  const tag = (await readOptional(join(dir, 'tags', 'mlflow.runName')))?.trim();
  if (tag) return tag;
  const meta = await readOptional(join(dir, 'meta.yaml'));
  const name = meta && /^run_name:[ \t]*(.*?)[ \t]*$/m.exec(meta)?.[1].replace(/^(['"])(.*)\1$/, '$2');
  return name || undefined;
}

/** One logged value of a metric file, with what orders it among the run's values. */
interface MetricRecord {
  timestamp: number;
  step: number;
  key: string;
  value: number;
  file: number;
  line: number;
}

/**
 * Reads one run folder (the one holding `metrics/`) into a run named by its `mlflow.runName` tag (or the
 * `run_name` of its `meta.yaml`), else by the folder's name. The values of all metric files go to the run's
 * `StepWriter` in the order they were logged (by timestamp, then step), so a resumed run that logs steps
 * again is reported as in every other format. Bad lines are skipped and non-finite values dropped, each
 * counted in one warning per metric file; a last line without its newline (the file store ends each line
 * with one) may be cut short and is skipped with a warning.
 *
 * @example
 * (await readMlflowRun('mlruns/0/4f1c')).id // => 'grpo-qwen-7b'
 */
export async function readMlflowRun(dir: string, warnings?: Warnings, keep?: KeyFilter): Promise<RawRun> {
  const files = await metricFiles(join(dir, 'metrics'));
  const records: MetricRecord[] = [];
  for (let f = 0; f < files.length; f++) {
    const [key, file] = files[f];
    const bad = new IssueCounter(file, 'unreadable lines');
    const nonFinite = new IssueCounter(file, 'non-finite values');
    const text = await io(file, () => readFile(file, 'utf8'));
    const lines = splitLines(text);
    // The file store writes `…\n` per value: a last line without it may be cut (`… 0.5 1` of `… 0.5 12`).
    const cut = lines.length > 0 && lines[lines.length - 1].trim() !== '' ? lines.length - 1 : -1;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() === '') continue;
      if (i === cut) {
        warnings?.warn(`${file}:${i + 1}: the last line ends without a newline and may be cut short: skipped`);
        continue;
      }
      const parsed = parseMlflowMetricLine(lines[i]);
      if (!parsed.ok) bad.add(i + 1, parsed.reason);
      else if (!Number.isFinite(parsed.value)) nonFinite.add(i + 1);
      else records.push({ timestamp: Number(lines[i].trim().split(/\s+/, 1)[0]), step: parsed.step, key, value: parsed.value, file: f, line: i + 1 });
    }
    bad.report(warnings, 'skipped');
    nonFinite.report(warnings, 'dropped');
  }
  records.sort((a, b) => a.timestamp - b.timestamp || a.step - b.step || a.file - b.file || a.line - b.line);
  const writer = new StepWriter(dir, keep);
  for (const r of records) {
    writer.from(files[r.file][1]);
    writer.record(r.step, r.line);
    writer.set(r.key, r.value);
  }
  writer.report(warnings);
  return writer.run((await runNameOf(dir)) ?? runIdFromPath(dir), dir, 'mlflow');
}

/** True if `dir` is a run folder (has `metrics/`). */
async function isRunDir(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.some((e) => e.isDirectory() && e.name === 'metrics');
}

/** The sub-folders of `dir`, sorted, without MLflow's `.trash` (deleted runs) and other hidden ones. */
async function subfolders(dir: string): Promise<string[]> {
  const entries = await io(dir, () => readdir(dir, { withFileTypes: true }));
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => join(dir, e.name))
    .sort();
}

/** The run folders an input names: itself, its children (an experiment) or its grandchildren (`mlruns/`). */
async function runDirs(path: string): Promise<string[]> {
  if (await isRunDir(path)) return [path];
  const found: string[] = [];
  for (const child of await subfolders(path)) {
    if (await isRunDir(child)) found.push(child);
    else if (basename(child) !== 'models') {
      for (const grandchild of await subfolders(child)) if (await isRunDir(grandchild)) found.push(grandchild);
    }
  }
  return found;
}

/** True if a run's `meta.yaml` marks it deleted (it stays on disk until `mlflow gc`). */
async function isDeleted(dir: string): Promise<boolean> {
  const meta = await readOptional(join(dir, 'meta.yaml'));
  return meta !== undefined && /^lifecycle_stage:\s*deleted\s*$/m.test(meta);
}

/** Options of `loadMlflow`. */
export interface MlflowOptions {
  /** Run id, used when the input holds one run. Default: the run name. */
  id?: string;
  /** Collects warnings. Default: none. */
  warnings?: Warnings;
  /** Keeps only the keys it has (see `KeyFilter`). Default: every key. */
  keep?: KeyFilter;
}

/**
 * Reads an MLflow file store: `mlruns/`, one experiment folder, or one run folder; one run per run folder,
 * deleted runs skipped. Runs sharing a name get their folder name appended, so ids stay unique. Throws an
 * `InputError` when no run folder is found.
 *
 * @example
 * (await loadMlflow('mlruns')).map((r) => r.id) // => ['grpo-qwen-7b', 'ppo-qwen-7b']
 */
export async function loadMlflow(path: string, options: MlflowOptions = {}): Promise<RawRun[]> {
  const { id, warnings, keep } = options;
  const dirs = await runDirs(path);
  const runs: RawRun[] = [];
  let deleted = 0;
  for (const dir of dirs) {
    if (await isDeleted(dir)) deleted++;
    else runs.push(await readMlflowRun(dir, warnings, keep));
  }
  if (dirs.length === 0) inputError('no MLflow run folders (with metrics/) found', { file: path });
  if (deleted > 0) warnings?.warn(`${path}: ${deleted} deleted MLflow runs skipped`);
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
  for (const r of runs) if ((counts.get(r.id) ?? 0) > 1) r.id = `${r.id} (${basename(r.source)})`;
  if (runs.length === 1 && id !== undefined) runs[0].id = id;
  return runs;
}

/** The MLflow reader: a folder that is, or holds, run folders with `metrics/` in them. */
export const mlflowReader: FormatReader = {
  format: 'mlflow',
  async sniff({ path, isDirectory }) {
    if (!isDirectory) return false;
    try {
      return (await runDirs(path)).length > 0;
    } catch {
      return false;
    }
  },
  label: 'an MLflow mlruns/ folder',
  load: (path, { id, warnings, keep }) => loadMlflow(path, { id, warnings, keep }),
};
