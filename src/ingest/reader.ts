import { basename, dirname, extname } from 'node:path';
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import type { LogFormat, RawRun } from './types.ts';

/** What a reader sees when asked whether an input is its format. */
export interface SniffInput {
  /** The path as the user named it (for names such as `events.out.tfevents.*` or `trainer_state.json`). */
  path: string;
  isDirectory: boolean;
  /** The first `SNIFF_HEAD_BYTES` of a file; empty for a directory. */
  head: Uint8Array;
}

/** Options every reader's `load` takes. */
export interface ReaderLoadOptions {
  /** Run id given by the user. Used where the input holds one run; default: a name taken from the path. */
  id?: string;
  /** Collects warnings (bad records, dropped values), one line per kind of problem with its count. */
  warnings: Warnings;
}

/**
 * One log format: how to recognise it and how to read it. Each reader module exports one (or, for W&B, two)
 * of these so detection and loading can treat every format alike.
 */
export interface FormatReader {
  format: LogFormat;
  /** true if this content/dir is this format; `head` = first 64 KiB of a file (empty for a directory), `path` for names */
  sniff(input: SniffInput): boolean | Promise<boolean>;
  /** read the file or run directory into runs; bad records → warnings with counts, unusable → InputError naming file+line/offset */
  load(path: string, options: ReaderLoadOptions): Promise<RawRun[]>;
}

/** How much of a file `sniff` is given. */
export const SNIFF_HEAD_BYTES = 64 * 1024;

/**
 * Decodes a file head as UTF-8 text, without a leading byte-order mark. A head cut inside a multi-byte
 * character ends in U+FFFD rather than throwing, since the cut is ours and not the file's.
 *
 * @example
 * headText(new TextEncoder().encode('\ufeffStep,a')) // => 'Step,a'
 */
export function headText(head: Uint8Array): string {
  const text = new TextDecoder('utf-8').decode(head);
  return text.startsWith('\ufeff') ? text.slice(1) : text;
}

/**
 * A run name from a path: the file name without its extension, or a directory's own name.
 *
 * @example
 * nameFromPath('logs/run-7.csv') // => 'run-7'
 * nameFromPath('mlruns/0/abc/') // => 'abc'
 */
export function nameFromPath(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const base = basename(trimmed);
  const ext = extname(base);
  return ext && ext !== base ? base.slice(0, -ext.length) : base || trimmed;
}

/**
 * A run name for a file whose own name is fixed by the trainer (`trainer_state.json`, `events.out.tfevents.*`):
 * the folder it is in, skipping `checkpoint-N` folders, which only say when the file was saved.
 *
 * @example
 * nameFromFolder('out/grpo-qwen/checkpoint-500/trainer_state.json') // => 'grpo-qwen'
 */
export function nameFromFolder(path: string): string {
  let dir = dirname(path);
  if (/^checkpoint-\d+$/.test(basename(dir))) dir = dirname(dir);
  const name = basename(dir);
  return name === '' || name === '.' || name === '/' ? nameFromPath(path) : name;
}

/** A new, empty run. */
export function emptyRun(id: string, source: string, format: LogFormat): RawRun {
  return { id, source, format, steps: new Map() };
}

/**
 * Runs a file-system call on an input path, turning its failure (missing file, no permission) into an
 * `InputError` naming the path, so the user sees one line and not a stack trace.
 *
 * @example
 * await io('missing.log', () => readFile('missing.log')) // throws InputError 'missing.log: cannot read (ENOENT)'
 */
export async function io<T>(path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    return inputError(`cannot read (${code})`, { file: path }, error);
  }
}
