import { basename, dirname } from 'node:path';
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import type { LineParser } from './line-stream.ts';
import type { KeyFilter } from './step-writer.ts';
import { splitLines } from './issues.ts';
import { runIdFromPath } from './run-id.ts';
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
  /**
   * Keeps only the keys it has (`ingest` passes the keys its key choice can use): a reader's `StepWriter`
   * stores no others, so a large log costs little memory. Default: every key.
   */
  keep?: KeyFilter;
}

/**
 * One log format: how to recognise it and how to read it. Each reader module exports one (or, for W&B, two)
 * of these so detection and loading can treat every format alike.
 */
export interface FormatReader {
  format: LogFormat;
  /** What the format is called in messages (`a verl console log`); default: `format`. */
  label?: string;
  /** true if this content/dir is this format; `head` = first 64 KiB of a file (empty for a directory), `path` for names */
  sniff(input: SniffInput): boolean | Promise<boolean>;
  /** read the file or run directory into runs; bad records → warnings with counts, unusable → InputError naming file+line/offset */
  load(path: string, options: ReaderLoadOptions): Promise<RawRun[]>;
  /**
   * For a format read line by line: the parser `load` streams the file through. A follower of a live log
   * (`follow`) feeds it the lines as they come and takes the run so far from its `peek`.
   */
  lineParser?(options: LineParserOptions): LineParser<RawRun | RawRun[]>;
}

/** What a reader's `lineParser` is made with. */
export interface LineParserOptions {
  /** Run id (for a table with a `run` column, of the rows without one). */
  id: string;
  /** The path, named in warnings and errors. */
  source: string;
  /** The step column of plain CSV/JSONL. Default: the first of `DEFAULT_STEP_KEYS`. */
  step?: string;
  /** Keeps only the keys it has. Default: every key. */
  keep?: KeyFilter;
  /** Collects the warnings `finish` reports. */
  warnings?: Warnings;
}

/** The options of a text format's parser when it is called directly (`parseVerlConsole(text, …)`). */
export interface TextParserOptions {
  /** Run id. Default: `source`. */
  id?: string;
  /** The path the text came from, named in warnings and errors. Default: `'<text>'`. */
  source?: string;
  /** Keeps only the keys it has (see `KeyFilter`). Default: every key. */
  keep?: KeyFilter;
  /** Collects one warning per kind of problem (malformed lines, dropped non-finite values). Default: none. */
  warnings?: Warnings;
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

const linesOfHead = new WeakMap<Uint8Array, string[]>();

/**
 * A file head's lines (`headText`, split, CRs of CRLF endings dropped), made once per head however many
 * readers ask: detection asks each reader in turn. The last line may be cut short by the head's end.
 *
 * @example
 * headLines(new TextEncoder().encode('a\r\nb')) // => ['a', 'b']
 */
export function headLines(head: Uint8Array): string[] {
  let lines = linesOfHead.get(head);
  if (!lines) linesOfHead.set(head, (lines = splitLines(headText(head))));
  return lines;
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
  return name === '' || name === '.' || name === '/' ? runIdFromPath(path) : name;
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
