/**
 * Every log format in one place: the readers, in the order they are asked whether an input is theirs, and
 * the two questions detection asks: which reader takes this file, and is this directory one run (or one
 * store of runs) to hand to a reader whole. The order matters where formats overlap: a W&B export is also a
 * CSV, W&B history also JSONL, so the specific reader is asked before the generic one.
 */
import { readdir } from 'node:fs/promises';
import type { Warnings } from '../util/warnings.ts';
import { csvTableParser } from './csv-table.ts';
import { sniffFormat } from './detect.ts';
import { jsonlTableParser } from './jsonl-table.ts';
import { readLineFile, utf16Encoding, type LineParser } from './line-stream.ts';
import { FORMAT_READERS } from './format-readers.ts';
import { headText, io, type FormatReader, type ReaderLoadOptions, type SniffInput } from './reader.ts';
import type { KeyFilter } from './step-writer.ts';
import type { LogFormat, RawRun } from './types.ts';
import { verlConsoleParser } from './verl-console.ts';
import { verlJsonlParser } from './verl-jsonl.ts';
import { runIdFromPath } from './run-id.ts';

/** What the line readers take besides `ReaderLoadOptions`; other readers ignore these. */
export interface LineLoadOptions extends ReaderLoadOptions {
  /** The step column of plain CSV/JSONL. Default: the first of `DEFAULT_STEP_KEYS`. */
  step?: string;
  /** Keeps only the keys it has. Default: every key. */
  keep?: KeyFilter;
  /** Called with the bytes of each chunk read. Default: none. */
  onBytes?: (bytes: number) => void;
}

/** The text formats whose files are streamed line by line, with their parsers. */
const LINE_PARSERS: Partial<Record<LogFormat, (o: { id: string; source: string; step?: string; keep?: KeyFilter; warnings: Warnings }) => LineParser<RawRun | RawRun[]>>> = {
  'verl-console': verlConsoleParser,
  'verl-jsonl': verlJsonlParser,
  jsonl: jsonlTableParser,
  csv: csvTableParser,
};

/** A line-oriented reader as a `FormatReader`: detected by `sniffFormat`, read by streaming the file. */
function lineReader(format: LogFormat): FormatReader {
  const parser = LINE_PARSERS[format]!;
  return {
    format,
    sniff: ({ isDirectory, head }) => !isDirectory && sniffFormat(headText(head)) === format,
    async load(path, options: LineLoadOptions) {
      const { id = runIdFromPath(path), step, keep, onBytes, warnings } = options;
      const result = await io(path, () => readLineFile(path, parser({ id, source: path, step, keep, warnings }), { onBytes, warnings }));
      return Array.isArray(result) ? result : [result];
    },
  };
}

/** The readers that stream their files line by line (and so take `LineLoadOptions`). */
export const LINE_READERS: readonly FormatReader[] = (['verl-jsonl', 'verl-console', 'jsonl', 'csv'] as const).map(lineReader);

/**
 * Every reader, in the order `sniffFile` asks them: the trainer formats (`FORMAT_READERS`: binary, folder and
 * specific text formats, such as W&B history, which is also JSONL), then verl's logs and the generic tables.
 */
export const READERS: readonly FormatReader[] = [...FORMAT_READERS, ...LINE_READERS];

/** The readers asked whether a directory is a run (or a store of runs) to be read whole: those that read folders. */
export const DIRECTORY_READERS: readonly FormatReader[] = FORMAT_READERS;

/** For messages: what the readers understand. */
export const KNOWN_FORMATS =
  'a verl console log or JSONL, CSV, JSONL, a TensorBoard event file or run folder, an MLflow mlruns/ folder or SQLite store, ' +
  'a TRL trainer_state.json or output folder, a W&B export, history or run file, an OpenRLHF or ROLL console log, ' +
  'a prime-rl metrics.jsonl, a Trackio database';

const EVENT_FILE = /(^|\.)tfevents\./;

/**
 * The reader of a file, from its first bytes (`DETECT_HEAD_BYTES` of them) and its name; `undefined` when no
 * reader takes it. A UTF-16 file (byte-order mark) is decoded for the line readers, the only ones that read it.
 *
 * @example
 * await sniffFile('logs/train.log', head) // => { format: 'verl-console', … }
 */
export async function sniffFile(path: string, head: Uint8Array): Promise<FormatReader | undefined> {
  const utf16 = utf16Encoding(head);
  if (utf16) {
    // Such a file can only be one of the line formats, which decode it; the others read UTF-8.
    const text = new TextDecoder(utf16).decode(head);
    const input: SniffInput = { path, isDirectory: false, head: new TextEncoder().encode(text) };
    return LINE_READERS.find((r) => r.sniff(input));
  }
  const input: SniffInput = { path, isDirectory: false, head };
  for (const reader of READERS) if (await reader.sniff(input)) return reader;
  return undefined;
}

/**
 * The reader that takes a directory whole, or `undefined` when its files and folders are to be read one by one.
 * A TensorBoard run folder is one that holds event files itself (a folder above several is walked, so each
 * run folder is one run and other logs beside them are still read); an MLflow store, experiment or run folder
 * and a TRL output folder (its `checkpoint-N` folders are one run, not one each) are taken whole.
 *
 * @example
 * await claimDirectory('outputs/grpo-qwen') // => trlStateReader
 */
export async function claimDirectory(path: string): Promise<FormatReader | undefined> {
  const input: SniffInput = { path, isDirectory: true, head: new Uint8Array() };
  for (const reader of DIRECTORY_READERS) {
    if (reader.format === 'tensorboard') {
      const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
      if (!entries.some((e) => e.isFile() && EVENT_FILE.test(e.name))) continue;
    }
    if (await reader.sniff(input)) return reader;
  }
  return undefined;
}
