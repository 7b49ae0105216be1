/**
 * A manifest: the user's own table of what each run is, for when names and configs do not say
 * (`--manifest runs.csv`). CSV with a header `run,model,size,algorithm,dataset` (any subset after `run`), or
 * JSON: `{"<run>": {"model": …, "size": "7B", …}}` or `[{"run": "<run>", …}]`.
 */
import { readFile } from 'node:fs/promises';
import { inputError } from '../../util/errors.ts';
import { csvRecords, detectDelimiter } from '../csv.ts';
import { splitLines } from '../issues.ts';
import type { RunMeta } from '../types.ts';
import { parseModelSize } from './name.ts';

/** The manifest fields, as columns or JSON keys. */
const FIELDS = ['model', 'size', 'algorithm', 'dataset'] as const;
/** Columns or keys that name the run: its id, or the log's path or file name. */
const RUN_FIELDS = ['run', 'id', 'source', 'path'];

/** One manifest entry's metadata from its raw fields; throws an `InputError` at `where` for a bad size. */
function entry(fields: Record<string, unknown>, where: { file: string; line?: number }, run: string): RunMeta {
  const meta: RunMeta = {};
  for (const field of FIELDS) {
    const raw = fields[field];
    if (raw === undefined || raw === null || String(raw).trim() === '') continue;
    const value = String(raw).trim();
    if (field === 'size') {
      const size = typeof raw === 'number' ? raw : parseModelSize(value);
      if (size === undefined || !Number.isFinite(size) || size <= 0) {
        inputError(`invalid size '${value}' for run '${run}' (expected a parameter count such as 7B, 0.5B, 125M or 7e9)`, where);
      }
      meta.size = size;
    } else meta[field] = value;
  }
  return meta;
}

/**
 * Parses a manifest's text (CSV or JSON, told apart by the first character) into run → metadata.
 * Throws an `InputError` naming the file (and line, for CSV) for a missing run column, an empty run name or
 * a size that is not a parameter count.
 *
 * @example
 * parseManifest('run,model,size\nqwen-a,qwen2.5,7B\n', 'runs.csv').get('qwen-a') // => { model: 'qwen2.5', size: 7e9 }
 */
export function parseManifest(text: string, file: string): Map<string, RunMeta> {
  const out = new Map<string, RunMeta>();
  const body = text.replace(/^\ufeff/, '');
  if (/^\s*[[{]/.test(body)) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (error) {
      return inputError(`manifest is not valid JSON (${(error as Error).message})`, { file });
    }
    const rows: Array<[string | undefined, Record<string, unknown>]> = Array.isArray(json)
      ? json.map((r: Record<string, unknown>) => [RUN_FIELDS.map((k) => r?.[k]).find((v) => typeof v === 'string'), r ?? {}])
      : Object.entries(json as Record<string, Record<string, unknown>>);
    rows.forEach(([run, fields], i) => {
      if (!run) inputError(`manifest entry ${i} has no "run" (expected one of ${RUN_FIELDS.join(', ')})`, { file });
      out.set(run, entry(fields ?? {}, { file }, run));
    });
    return out;
  }
  const lines = splitLines(body);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return out;
  const delimiter = detectDelimiter(lines[first]) ?? ',';
  const records = csvRecords(lines, delimiter, first);
  const header = records.next();
  const columns = header.done || !header.value.fields ? [] : header.value.fields.map((f) => f.trim().toLowerCase());
  const runColumn = columns.findIndex((c) => RUN_FIELDS.includes(c));
  if (runColumn < 0) inputError(`manifest has no run column (expected one of ${RUN_FIELDS.join(', ')})`, { file, line: first + 1 });
  for (const record of records) {
    if (!record.fields) inputError('unterminated quote', { file, line: record.line });
    const run = record.fields[runColumn]?.trim();
    if (!run) inputError('empty run name', { file, line: record.line });
    const fields = Object.fromEntries(columns.map((c, j) => [c, record.fields![j]]));
    out.set(run, entry(fields, { file, line: record.line }, run));
  }
  return out;
}

/**
 * Reads a manifest file (see `parseManifest`). Throws an `InputError` naming it when it cannot be read.
 *
 * @example
 * (await readManifest('runs.csv')).get('qwen-a') // => { model: 'qwen2.5', size: 7e9, algorithm: 'grpo' }
 */
export async function readManifest(path: string): Promise<Map<string, RunMeta>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return inputError(`cannot read manifest (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: path }, error);
  }
  return parseManifest(text, path);
}
