/**
 * Reading JSON lines from their bytes with the WebAssembly scanner (wasm/json-scan.ts): per line of JSON
 * objects, each value's flattened key, type and place, with no object built and no number converted. A
 * reader converts the values it keeps and hands every other line (not an object, or not one the scanner
 * takes) to its `JSON.parse` path, so the two paths give the same result; the scanner only makes the
 * common line cheap (on a 1 GiB history, about half the time `JSON.parse` takes).
 */
import { JSON_SCAN_WASM } from './json-scan-wasm.ts';
import { decodeLine } from './line-splitter.ts';

/** What a value is, as the scanner reports it. */
export const ValueType = {
  Null: 0,
  True: 1,
  False: 2,
  /** A number that is finite however it is read. */
  Number: 3,
  /** A number with a long exponent or many digits: it may read as ±Infinity. */
  BigNumber: 4,
  /** A string without escapes (its span includes the quotes). */
  String: 5,
  /** A string with escapes (its span includes the quotes: `JSON.parse` it). */
  EscapedString: 6,
  /** The start of a nested object, whose values follow under `key/…`. */
  Object: 7,
} as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** The `ValueType` of a record's second field. */
export const typeOf = (field: number): ValueType => (field & 0xff) as ValueType;

/** The depth of a record's second field: 0 for a key of the line's object, 1 inside an object value, … */
export const depthOf = (field: number): number => field >> 8;

/** A line's kind: blank, an object the scanner read, or anything else (for `JSON.parse`). */
const BLANK = 0;
const OBJECT = 1;

/** Whole lines longer than this (bytes) are not scanned but given to `other` (they are rare). */
const CAPACITY = 1 << 18;

let compiled: WebAssembly.Module | undefined;

/** What `JsonLineScanner.read` calls per line. */
export interface JsonLineVisitor {
  /**
   * A line that is a JSON object the scanner read: its values' records are `out[at + 4k … at + 4k + 3]` for
   * k < `count`: key id (see `key`), `ValueType` + 256 × depth (0 for the line's own keys: see `typeOf`,
   * `depthOf`), start and end of the value's bytes in `bytes`; in the line's order, each key once, and all
   * but the `mute`d ones. Return false to have the line given to `other` instead (before doing anything with it).
   */
  object(bytes: Buffer, out: Int32Array, at: number, count: number, lineNumber: number): boolean;
  /** Any other non-blank line, as its bytes `bytes[start, end)` (no newline, no trailing CR). */
  other(bytes: Buffer, start: number, end: number, lineNumber: number): void;
}

/**
 * One scanner: its own WebAssembly instance and key table. Keys are ids, the same for the life of the
 * scanner; `key(id)` gives the text.
 *
 * @example
 * const s = new JsonLineScanner(); const b = Buffer.from('{"a": {"b": 1.5}}');
 * s.read(b, 1, { object: (bytes, out, at) => (console.log(s.key(out[at + 4]), bytes.toString('latin1', out[at + 6], out[at + 7])), true), other() {} });
 * // prints: a/b 1.5
 */
export class JsonLineScanner {
  private readonly exports: {
    memory: WebAssembly.Memory;
    init(capacity: number): number;
    outputs(): number;
    keys(): number;
    keyStart(id: number): number;
    keyLength(id: number): number;
    flags(): number;
    scan(length: number): number;
  };
  private readonly input: number;
  private readonly memory: Buffer;
  private readonly out: Int32Array;
  /** Per key id: 1 to write its values out, 0 to write out only its nulls, possibly infinite numbers and objects. */
  private readonly emit: Uint8Array;
  private readonly names: string[] = [];

  constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(JSON_SCAN_WASM, 'base64'));
    this.exports = new WebAssembly.Instance(compiled, { env: { abort: () => {} } }).exports as JsonLineScanner['exports'];
    this.input = this.exports.init(CAPACITY);
    if (this.input < 0) throw new Error('JSON scanner: out of memory');
    // The memory does not grow after `init`, so these views stay valid.
    this.memory = Buffer.from(this.exports.memory.buffer);
    this.out = new Int32Array(this.exports.memory.buffer);
    this.emit = new Uint8Array(this.exports.memory.buffer, this.exports.flags());
  }

  /**
   * Stops giving key `id`'s values to `object`, except nulls, numbers that may be infinite and nested objects:
   * for a key the reader drops, once it has seen it. Most keys of a log are dropped, so most values are then
   * only checked.
   */
  mute(id: number): void {
    this.emit[id] = 0;
  }

  /** How many keys the scanner has seen (ids are 0 … keyCount − 1). */
  get keyCount(): number {
    return this.names.length;
  }

  /** The text of key `id` (keys are ASCII: the scanner leaves other keys to `JSON.parse`). */
  key(id: number): string {
    return this.names[id];
  }

  /**
   * Reads the lines of `bytes` (separated by `\n`; the last one ends where `bytes` does) and returns how many
   * there were; the first is line `firstLine`. Blank lines are skipped.
   */
  read(bytes: Buffer, firstLine: number, visit: JsonLineVisitor): number {
    let line = firstLine;
    for (let from = 0; from <= bytes.length; ) {
      let to = bytes.length;
      if (to - from > CAPACITY) {
        const cut = bytes.lastIndexOf(10, from + CAPACITY - 1);
        if (cut < from) {
          // One line over the capacity: the slow path reads it.
          const end = bytes.indexOf(10, from);
          to = end < 0 ? bytes.length : end;
          visit.other(bytes, from, trimCr(bytes, from, to), line++);
          from = to + 1;
          continue;
        }
        to = cut;
      }
      line = this.readPiece(bytes, from, to, line, visit);
      from = to + 1;
    }
    return line - firstLine;
  }

  /** Scans `bytes[from, to)`, which fits the input, and visits its lines; returns the next line number. */
  private readPiece(bytes: Buffer, from: number, to: number, line: number, visit: JsonLineVisitor): number {
    bytes.copy(this.memory, this.input, from, to);
    const lines = this.exports.scan(to - from);
    for (let id = this.names.length, n = this.exports.keys(); id < n; id++) {
      const start = this.exports.keyStart(id);
      this.names.push(this.memory.toString('latin1', start, start + this.exports.keyLength(id)));
    }
    const out = this.out;
    let at = this.exports.outputs() >> 2;
    // Offsets from the scanner are into its input; adding `from` makes them offsets into `bytes`.
    for (let i = 0; i < lines; i++, line++) {
      const kind = out[at];
      const count = out[at + 3];
      const start = out[at + 1] + from;
      const end = out[at + 2] + from;
      at += 4;
      if (kind === BLANK) continue;
      if (kind === OBJECT) {
        for (let k = 0; k < count; k++) {
          out[at + 4 * k + 2] += from;
          out[at + 4 * k + 3] += from;
        }
        const done = visit.object(bytes, out, at, count, line);
        at += 4 * count;
        if (done) continue;
      }
      visit.other(bytes, start, trimCr(bytes, start, end), line);
    }
    return line;
  }
}

/** The end of a line without its CR, as `LineFeeder` drops it. */
function trimCr(bytes: Uint8Array, start: number, end: number): number {
  return end > start && bytes[end - 1] === 13 ? end - 1 : end;
}

/**
 * The bytes path of a JSON-lines reader: lines the scanner reads go to `object` (the reader's), every other
 * line is decoded and goes to the reader's text path, `line`, which must read it as the bytes path would.
 */
export abstract class ScannedLines implements JsonLineVisitor {
  protected readonly scanner = new JsonLineScanner();
  private keyBytes = new Uint8Array(1024);

  /** @param line the reader's text path (`LineParser.line`) */
  constructor(private readonly line: (text: string, lineNumber: number) => void) {}

  /** The `LineParser.lines` of the reader. */
  read(bytes: Buffer, firstLine: number): number {
    return this.scanner.read(bytes, firstLine, this);
  }

  other(bytes: Buffer, start: number, end: number, lineNumber: number): void {
    this.line(decodeLine(bytes.subarray(start, end)), lineNumber);
  }

  abstract object(bytes: Buffer, out: Int32Array, at: number, count: number, lineNumber: number): boolean;

  /** One byte per key id for the reader's own use (0 until it writes one), as long as the ids the scanner gave. */
  protected keyState(): Uint8Array {
    if (this.scanner.keyCount > this.keyBytes.length) {
      const bytes = new Uint8Array(2 * this.scanner.keyCount);
      bytes.set(this.keyBytes);
      this.keyBytes = bytes;
    }
    return this.keyBytes;
  }
}
