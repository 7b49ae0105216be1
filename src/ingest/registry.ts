/**
 * Every log format in one place: the readers, in the order they are asked whether an input is theirs, and
 * the two questions detection asks: which reader takes this file, and is this directory one run (or one
 * store of runs) to hand to a reader whole. The order matters where formats overlap: a W&B export is also a
 * CSV, W&B history also JSONL, so the specific reader is asked before the generic one. Nothing else lists
 * the formats: messages (`KNOWN_FORMATS`), `detectFormat` and `follow` all ask this registry.
 */
import { readdir } from 'node:fs/promises';
import { csvTableParser, sniffCsv } from './csv-table.ts';
import { FORMAT_READERS } from './format-readers.ts';
import { jsonlTableParser, sniffJsonl } from './jsonl-table.ts';
import { readLineFile, utf16Encoding, type LineParser } from './line-stream.ts';
import { headLines, io, type FormatReader, type LineParserOptions, type ReaderLoadOptions, type SniffInput } from './reader.ts';
import { runIdFromPath } from './run-id.ts';
import type { LogFormat, RawRun } from './types.ts';
import { sniffVerlConsole, verlConsoleParser } from './verl-console.ts';
import { sniffVerlJsonl, verlJsonlParser } from './verl-jsonl.ts';

/** What the line readers take besides `ReaderLoadOptions`; other readers ignore these. */
export interface LineLoadOptions extends ReaderLoadOptions {
  /** The step column of plain CSV/JSONL. Default: the first of `DEFAULT_STEP_KEYS`. */
  step?: string;
  /** Called with the bytes of each chunk read. Default: none. */
  onBytes?: (bytes: number) => void;
}

/**
 * A reader of a format read line by line: detected from the lines of a file's head, read by streaming the
 * file through its parser (`lineParser`, which a follower of a live log also uses).
 */
function lineReader(
  format: LogFormat,
  label: string,
  sniff: (lines: readonly string[]) => boolean,
  parser: (options: LineParserOptions) => LineParser<RawRun | RawRun[]>,
): FormatReader {
  return {
    format,
    label,
    sniff: ({ isDirectory, head }) => !isDirectory && sniff(headLines(head)),
    async load(path, options: LineLoadOptions) {
      const { id = runIdFromPath(path), step, keep, onBytes, warnings } = options;
      const result = await io(path, () => readLineFile(path, parser({ id, source: path, step, keep, warnings }), { onBytes, warnings }));
      return Array.isArray(result) ? result : [result];
    },
    lineParser: parser,
  };
}

/**
 * verl's logs and the generic tables, read line by line, in the order detection asks them: a JSON first line
 * is verl JSONL or JSONL (so a console log that opens with a few JSON lines is JSONL, as its head says), then
 * any verl metric line makes a console log, and a header line a CSV.
 */
export const LINE_READERS: readonly FormatReader[] = [
  lineReader('verl-jsonl', "verl's JSONL file log", sniffVerlJsonl, verlJsonlParser),
  lineReader('jsonl', 'JSONL', sniffJsonl, jsonlTableParser),
  lineReader('verl-console', 'a verl console log', sniffVerlConsole, verlConsoleParser),
  lineReader('csv', 'CSV', sniffCsv, csvTableParser),
];

/**
 * Every reader, in the order `sniffFile` asks them: the trainer formats (`FORMAT_READERS`: binary, folder and
 * specific text formats, such as W&B history, which is also JSONL), then verl's logs and the generic tables.
 */
export const READERS: readonly FormatReader[] = [...FORMAT_READERS, ...LINE_READERS];

/** The readers asked whether a directory is a run (or a store of runs) to be read whole: those that read folders. */
export const DIRECTORY_READERS: readonly FormatReader[] = FORMAT_READERS;

/** For messages: what the readers understand, from their labels. */
export const KNOWN_FORMATS = READERS.map((r) => r.label ?? r.format).join(', ');

/**
 * The reader of a format.
 *
 * @example
 * readerOf('csv').lineParser !== undefined // => true
 */
export function readerOf(format: LogFormat): FormatReader | undefined {
  return READERS.find((r) => r.format === format);
}

const EVENT_FILE = /(^|\.)tfevents\./;

/**
 * The reader of a file, from its first bytes (`DETECT_HEAD_BYTES` of them) and its name; `undefined` when no
 * reader takes it. A UTF-16 file (byte-order mark) is decoded for the readers that read line by line, the
 * only ones that decode it.
 *
 * @example
 * await sniffFile('logs/train.log', head) // => { format: 'verl-console', … }
 */
export async function sniffFile(path: string, head: Uint8Array): Promise<FormatReader | undefined> {
  const utf16 = utf16Encoding(head);
  if (utf16) {
    const text = new TextDecoder(utf16).decode(head);
    const input: SniffInput = { path, isDirectory: false, head: new TextEncoder().encode(text) };
    for (const reader of READERS) if (reader.lineParser && (await reader.sniff(input))) return reader;
    return undefined;
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
