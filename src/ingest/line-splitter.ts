/**
 * Splitting bytes into decoded lines, chunk by chunk: the engine under `readLineStream` and `readLineFile`.
 * UTF-8 (a leading BOM dropped); a line that is not valid UTF-8 is read as Latin-1, so its bytes survive as
 * characters instead of turning into U+FFFD; a UTF-16 file is recognised by its byte-order mark.
 */
import { isAscii } from 'node:buffer';
import type { Warnings } from '../util/warnings.ts';
import { IssueCounter } from './issues.ts';
import type { LineParser } from './line-stream.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Bytes as a Node Buffer (a view, no copy). */
const view = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Decodes bytes as UTF-8, or as Latin-1 when they are not valid UTF-8. Pure ASCII (most logs) takes the
 * Latin-1 decoder, which gives the same text as UTF-8 there and is about ten times faster in Node.
 */
export function decodeLine(bytes: Uint8Array): string {
  if (isAscii(bytes)) return view(bytes).toString('latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

/**
 * Decodes a run of whole lines: in one go when all of it is valid UTF-8 (the common case, and the fast one),
 * else line by line so only the lines with invalid bytes fall back to Latin-1.
 */
function decodeLines(bytes: Uint8Array): string[] {
  if (isAscii(bytes)) return view(bytes).toString('latin1').split('\n');
  try {
    return utf8.decode(bytes).split('\n');
  } catch {
    const lines: string[] = [];
    let start = 0;
    for (let nl = bytes.indexOf(10, start); nl >= 0; nl = bytes.indexOf(10, start)) {
      lines.push(decodeLine(bytes.subarray(start, nl)));
      start = nl + 1;
    }
    lines.push(decodeLine(bytes.subarray(start)));
    return lines;
  }
}

/**
 * The UTF-16 encoding of a file from its first bytes: a byte-order mark, and then text that is mostly ASCII
 * as UTF-16 writes it (a zero byte in every other place). The second test keeps a UTF-8 log that happens to
 * start with the bytes FF FE (a crashed writer's garbage) from being read as UTF-16.
 *
 * @example
 * utf16Encoding(new Uint8Array([0xff, 0xfe, 0x61, 0, 0x62, 0])) // => 'utf-16le'
 */
export function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes.length < 4) return undefined;
  const le = bytes[0] === 0xff && bytes[1] === 0xfe;
  if (!le && !(bytes[0] === 0xfe && bytes[1] === 0xff)) return undefined;
  const n = Math.min(bytes.length, 4096) & ~1;
  let zeros = 0;
  for (let i = le ? 3 : 2; i < n; i += 2) if (bytes[i] === 0) zeros++;
  return zeros >= (n - 2) / 2 / 2 ? (le ? 'utf-16le' : 'utf-16be') : undefined;
}

/** The number of newline bytes in `bytes[from, to)`. */
function countNewlines(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(10, from); i >= 0 && i < to; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/** Hands lines to a parser, numbering them and dropping the `\r` of CRLF endings. */
export class LineFeeder {
  lineNumber = 0;
  constructor(readonly parser: LineParser<unknown>) {}
  feed(lines: string[], count = lines.length): void {
    for (let i = 0; i < count; i++) {
      const line = lines[i];
      this.parser.line(line.endsWith('\r') ? line.slice(0, -1) : line, ++this.lineNumber);
    }
  }
  /** Feeds the last line of a text or file that ends without a newline: to `cutLine`, where the parser has it. */
  feedLast(line: string): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (this.parser.cutLine) this.parser.cutLine(text, ++this.lineNumber);
    else this.parser.line(text, ++this.lineNumber);
  }
}

/**
 * Splits bytes into lines as they come, chunk by chunk, and feeds them on. Holds only the unfinished last
 * line of a chunk; with `copyTail` it copies that tail, for callers that reuse their chunk buffer.
 */
export class LineSplitter {
  private readonly feeder: LineFeeder;
  private readonly overlong: IssueCounter;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private skipping = false;
  private first = true;
  private utf16: TextDecoder | undefined;
  private utf16Rest = '';
  private readonly needle: Buffer | undefined;

  constructor(
    parser: LineParser<unknown>,
    source: string,
    private readonly maxLineBytes: number,
    private readonly copyTail: boolean,
  ) {
    this.feeder = new LineFeeder(parser);
    this.needle = parser.needle ? Buffer.from(parser.needle, 'latin1') : undefined;
    this.overlong = new IssueCounter(source, `lines longer than ${maxLineBytes} bytes`);
  }

  push(raw: Uint8Array): void {
    let chunk = raw;
    if (this.first) {
      this.first = false;
      const bom = utf16Encoding(chunk);
      if (bom) this.utf16 = new TextDecoder(bom);
      else if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (this.utf16) {
      // UTF-16 has NUL bytes in every ASCII character, so it is split after decoding, not before.
      const lines = (this.utf16Rest + this.utf16.decode(chunk, { stream: true })).split('\n');
      this.utf16Rest = lines[lines.length - 1];
      this.feeder.feed(lines, lines.length - 1);
      return;
    }
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0 || start < chunk.length; nl = chunk.indexOf(10, start)) {
      if (nl < 0) {
        // No newline in the rest of the chunk: the line goes on in the next one.
        if (!this.skipping) {
          // Buffer.prototype.slice is a view, not a copy; Buffer.from copies.
          this.pending.push(this.copyTail ? Buffer.from(chunk.subarray(start)) : chunk.subarray(start));
          this.pendingBytes += chunk.length - start;
          if (this.pendingBytes > this.maxLineBytes) {
            this.skipping = true;
            this.pending = [];
            this.pendingBytes = 0;
          }
        }
        break;
      }
      if (this.skipping) {
        this.skipLine();
        this.skipping = false;
      } else if (this.pendingBytes > 0) {
        this.pending.push(chunk.subarray(start, nl));
        const line = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
        if (line.length > this.maxLineBytes) this.skipLine();
        else this.feedBytes(line);
      } else {
        // All whole lines left in the chunk at once: one decode and one split, or only those with the needle.
        nl = chunk.lastIndexOf(10);
        if (this.needle) this.feedMatching(chunk, start, nl, this.needle);
        else if (this.feeder.parser.lines) this.feedBytes(view(chunk.subarray(start, nl)));
        else this.feeder.feed(decodeLines(chunk.subarray(start, nl)));
      }
      start = nl + 1;
    }
  }

  /** Feeds the lines of `chunk[start, end)` that contain `needle`, counting the others unread. */
  private feedMatching(chunk: Uint8Array, start: number, end: number, needle: Uint8Array): void {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let lineStart = start;
    for (let at = bytes.indexOf(needle, start); at >= 0 && at < end; at = bytes.indexOf(needle, lineStart)) {
      const from = Math.max(lineStart, bytes.lastIndexOf(10, at) + 1);
      this.feeder.lineNumber += countNewlines(bytes, lineStart, from);
      let to = bytes.indexOf(10, at);
      if (to < 0 || to > end) to = end;
      this.feeder.feed([decodeLine(bytes.subarray(from, to))]);
      lineStart = to + 1;
    }
    // The lines after the last match, the last of which ends at `end`.
    if (lineStart <= end) this.feeder.lineNumber += countNewlines(bytes, lineStart, end) + 1;
  }

  /** Feeds whole lines as bytes to a parser that reads them (`lines`), or decoded to one that does not. */
  private feedBytes(bytes: Buffer): void {
    const parser = this.feeder.parser;
    if (parser.lines) this.feeder.lineNumber += parser.lines(bytes, this.feeder.lineNumber + 1);
    else this.feeder.feed([decodeLine(bytes)]);
  }

  private skipLine(): void {
    this.overlong.add(++this.feeder.lineNumber);
  }

  /** Ends the input: the unfinished last line (one without a newline, which may be cut short) is fed too. */
  end(warnings: Warnings | undefined): void {
    if (this.utf16) {
      const tail = this.utf16Rest + this.utf16.decode();
      if (tail !== '') this.feeder.feedLast(tail);
    } else if (this.skipping) this.skipLine();
    else if (this.pendingBytes > 0) {
      const tail = Buffer.concat(this.pending);
      if (this.feeder.parser.cutLine) this.feeder.feedLast(decodeLine(tail));
      else this.feedBytes(tail);
    }
    this.report(warnings);
  }

  /** Reports the lines skipped for their length so far (at the end, or for a run handed over while it grows). */
  report(warnings: Warnings | undefined): void {
    this.overlong.report(warnings, 'skipped');
  }
}
