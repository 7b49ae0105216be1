/**
 * Line-oriented reading of logs, from a string or a byte stream, with the same per-line parser either way.
 * A stream is read in chunks and split at newline bytes, so memory stays at one chunk plus the longest line,
 * whatever the file size. Decoding: UTF-8 (a leading BOM dropped); a line that is not valid UTF-8 is read as
 * Latin-1, so its bytes survive as characters instead of turning into U+FFFD; a UTF-16 file is recognised by
 * its byte-order mark and decoded as such.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Warnings } from '../util/warnings.ts';
import { LineFeeder, LineSplitter } from './line-splitter.ts';

export { utf16Encoding } from './line-splitter.ts';

/** A per-line parser: fed every line with its 1-based number, then asked for its result. */
export interface LineParser<T> {
  line(text: string, lineNumber: number): void;
  finish(): T;
  /**
   * The file's last line when it ends without a newline: it may have been cut short (a run killed mid-write,
   * a copy of a live log), so a parser whose records can still parse when cut (a verl console line cut
   * mid-number, a CSV row) drops what may be cut, with a warning. Parsers without it get the line as any other.
   */
  cutLine?(text: string, lineNumber: number): void;
  /**
   * The result so far, without ending the parse (more lines may follow): what a follower of a growing log
   * hands over. Its warnings go to `warnings` (not to the parser's own collector), so each call can report
   * the counts so far afresh. An input without records yet gives an empty result rather than an error.
   */
  peek?(warnings: Warnings | undefined): T;
  /**
   * A speed hint: lines of a stream that do not contain this (ASCII) text may be skipped without being
   * decoded (they are still counted). Only for parsers that ignore such lines anyway.
   */
  needle?: string;
  /**
   * A faster way in, for parsers that read bytes: whole lines of a stream, `bytes` (lines separated by `\n`,
   * the last one ending where `bytes` does), the first being line `firstLine`; returns how many lines there
   * were. When present, every line of a stream comes this way, except in UTF-16 files. Blank lines and CRs
   * before a newline are the parser's to skip.
   */
  lines?(bytes: Buffer, firstLine: number): number;
}

/** Options of `readLineStream` and `readLineFile`. */
export interface LineStreamOptions {
  /** The path the bytes come from, named in warnings. Default: `'<stream>'`. */
  source?: string;
  /** Lines longer than this many bytes are skipped with one warning (the rest is still read). Default: 64 MiB. */
  maxLineBytes?: number;
  /** Called after each chunk with the number of bytes it held (for progress). Default: none. */
  onBytes?: (bytes: number) => void;
  /** Collects the warning about overlong lines. Default: none. */
  warnings?: Warnings;
}

/** The default `maxLineBytes`: far above any real log line, low enough that a file with no newline cannot exhaust memory. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Chunk size of file reads. Small on purpose: a chunk's text must stay below V8's large-object size (128 KiB),
 * so it dies young and is collected at once; 1 MiB chunks land in the old generation and pile up until a full
 * collection (on a 256 MB JSONL file: 273 MB peak RSS and 4.1 s, against 215 MB and 2.4 s with 64 KiB).
 */
const CHUNK_BYTES = 1 << 16;

/** How many bytes `readLineFile` reads before it lets the event loop run (timers, a progress redraw). */
const YIELD_BYTES = 64 << 20;

/**
 * Feeds every line of a byte stream to `parser` and returns its result. Cost: linear in the bytes; memory:
 * one chunk plus the longest line. A line over `maxLineBytes` is skipped (counted in one warning naming its
 * line number) and reading goes on after it.
 *
 * @example
 * await readLineStream(process.stdin, verlConsoleParser({ source: 'stdin' })) // => RawRun
 */
export async function readLineStream<T>(stream: AsyncIterable<Uint8Array>, parser: LineParser<T>, options: LineStreamOptions = {}): Promise<T> {
  const { source = '<stream>', maxLineBytes = MAX_LINE_BYTES, onBytes, warnings } = options;
  const splitter = new LineSplitter(parser, source, maxLineBytes, false);
  for await (const chunk of stream) {
    onBytes?.(chunk.length);
    splitter.push(chunk);
  }
  splitter.end(warnings);
  return parser.finish();
}

/**
 * Feeds every line of a file to `parser`, reading it in chunks into one reused buffer (see `readLineStream`
 * for the splitting). The reads are synchronous: a read from the page cache is a copy, and handing each
 * chunk to the thread pool and back (as a file stream does) cost more than the parsing on a loaded machine.
 * The event loop gets a turn every 64 MiB. Errors of the file system (missing file, no permission) are
 * thrown as they come; callers name the file.
 *
 * @example
 * await readLineFile('train.log', verlConsoleParser({ source: 'train.log' })) // => RawRun
 */
export async function readLineFile<T>(path: string, parser: LineParser<T>, options: LineStreamOptions = {}): Promise<T> {
  const { maxLineBytes = MAX_LINE_BYTES, onBytes, warnings } = options;
  const splitter = new LineSplitter(parser, options.source ?? path, maxLineBytes, true);
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let sinceYield = 0;
    for (let n = readSync(fd, buffer, 0, CHUNK_BYTES, null); n > 0; n = readSync(fd, buffer, 0, CHUNK_BYTES, null)) {
      onBytes?.(n);
      splitter.push(buffer.subarray(0, n));
      if ((sinceYield += n) >= YIELD_BYTES) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    closeSync(fd);
  }
  splitter.end(warnings);
  return parser.finish();
}

/**
 * Feeds every line of a text to `parser` (the in-memory twin of `readLineStream`); a last line without a
 * newline goes to the parser's `cutLine`, as at the end of a file.
 *
 * @example
 * parseLines('a\nb', { n: 0, line() { this.n++; }, finish() { return this.n; } }) // => 2
 */
export function parseLines<T>(text: string, parser: LineParser<T>): T {
  const lines = text.split('\n');
  // A text that does not end with a newline ends with a line that may be cut, as a file would.
  const last = lines.pop()!;
  const feeder = new LineFeeder(parser);
  feeder.feed(lines);
  if (last !== '') feeder.feedLast(last);
  return parser.finish();
}
