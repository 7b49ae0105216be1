/**
 * TFRecord framing, the container of TensorBoard event files. Each record is, little-endian:
 * `u64 length`, `u32 masked_crc32c(length bytes)`, `data[length]`, `u32 masked_crc32c(data)`.
 * CRC32C is the Castagnoli polynomial; the mask rotates it right by 15 bits and adds a constant, because a
 * CRC computed over data that itself contains CRCs is weak (TensorFlow `lib/hash/crc32c.h`).
 */
import { crc32c } from '@node-rs/crc32';

/** Bytes before a record's data: the length and its checksum. */
export const HEADER_BYTES = 12;
/** Bytes after a record's data: the data checksum. */
export const FOOTER_BYTES = 4;
const MASK_DELTA = 0xa282ead8;

/**
 * TensorFlow's masked CRC32C of some bytes.
 *
 * @example
 * maskedCrc32c(new Uint8Array(0)) // => 2726488792
 */
export function maskedCrc32c(bytes: Uint8Array): number {
  // `readFile` gives Buffers, whose subarrays are Buffers: no view to make on the hot path.
  const crc = crc32c(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** What the framer found at one place of the file. Offsets are byte offsets from the start of the file. */
export type FrameEvent =
  /** A whole record with both checksums right. */
  | { kind: 'record'; offset: number; data: Uint8Array }
  /** A record whose length checksum is right but whose data checksum is not: skipped. */
  | { kind: 'bad-data-crc'; offset: number; length: number }
  /** Bytes that are not a record (the length checksum failed), skipped up to the next record that checks. */
  | { kind: 'garbage'; offset: number; bytes: number }
  /** A last record cut short (a live run mid-write, a copy of one): its bytes are ignored. */
  | { kind: 'truncated'; offset: number; bytes: number };

/**
 * A window onto the bytes of a file (or of an array): `ensure(p, n)` makes file bytes `p .. p+n` present in
 * `buf` at `p - base`, reading more and dropping what lies before `p` as needed. Memory: one buffer of
 * `chunkBytes`, grown only for a record larger than that. Views into `buf` stay valid until the next `ensure`.
 */
class ByteWindow {
  buf: Uint8Array;
  view: DataView;
  /** File offset of `buf[0]`. */
  base = 0;
  /** Valid bytes in `buf`. */
  len: number;

  /**
   * @param initial the whole content (no `read`) or an empty buffer of the chunk size
   * @param size the file size (bytes past it are never asked for, so a bogus length costs no read)
   * @param read fills `into` from file offset `position`, returns the bytes read (0 at the end); absent for an array
   */
  constructor(
    initial: Uint8Array,
    readonly size = initial.length,
    private readonly read?: (into: Uint8Array, position: number) => number,
  ) {
    this.buf = initial;
    this.view = new DataView(initial.buffer, initial.byteOffset, initial.byteLength);
    this.len = read ? 0 : initial.length;
  }

  /** True if file bytes `p .. p+n` are (now) in the window; false if the file ends before `p + n`. */
  ensure(p: number, n: number): boolean {
    const need = p + n - this.base;
    if (need <= this.len) return true;
    if (p + n > this.size || !this.read) return false;
    const keepFrom = Math.min(p - this.base, this.len);
    if (keepFrom > 0) {
      this.buf.copyWithin(0, keepFrom, this.len);
      this.base += keepFrom;
      this.len -= keepFrom;
    }
    const want = p + n - this.base;
    if (want > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(want, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
      this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
    }
    while (this.len < want) {
      const got = this.read(this.buf.subarray(this.len), this.base + this.len);
      if (got === 0) return false; // the file shrank since its size was taken
      this.len += got;
    }
    return true;
  }

  /** Bytes of the file from `p` to its end. */
  endFrom(p: number): number {
    return this.size - p;
  }
}

/** Reads the u64 length at file offset `p` (present in the window); lengths past 2^53 are `Infinity` (never a real record). */
function lengthAt(w: ByteWindow, p: number): number {
  const lo = w.view.getUint32(p - w.base, true);
  const hi = w.view.getUint32(p - w.base + 4, true);
  return hi < 0x200000 ? hi * 0x100000000 + lo : Infinity;
}

/** True if the 12 bytes at `p` (present in the window) are a header whose length checksum is right. */
function headerChecks(w: ByteWindow, p: number): boolean {
  const i = p - w.base;
  return maskedCrc32c(w.buf.subarray(i, i + 8)) === w.view.getUint32(i + 8, true);
}

/** True if a whole record with both checksums right starts at `p`. */
function recordChecks(w: ByteWindow, p: number): boolean {
  if (!w.ensure(p, HEADER_BYTES) || !headerChecks(w, p)) return false;
  const length = lengthAt(w, p);
  if (!w.ensure(p, HEADER_BYTES + length + FOOTER_BYTES)) return false;
  const i = p - w.base;
  const end = i + HEADER_BYTES + length;
  return maskedCrc32c(w.buf.subarray(i + HEADER_BYTES, end)) === w.view.getUint32(end, true);
}

/** The framing of `frameRecords`, over a window onto an array or a file. */
function* frameWindow(w: ByteWindow): Generator<FrameEvent> {
  let p = 0;
  while (w.ensure(p, 1)) {
    if (!w.ensure(p, HEADER_BYTES)) {
      yield { kind: 'truncated', offset: p, bytes: w.endFrom(p) };
      return;
    }
    if (!headerChecks(w, p)) {
      // The search can read far ahead (a header that checks by chance claims any length); the window
      // slides with it, so the bytes in between are counted, not kept.
      let q = p + 1;
      while (w.ensure(q, 1) && !recordChecks(w, q)) q++;
      yield { kind: 'garbage', offset: p, bytes: q - p };
      p = q;
      continue;
    }
    const length = lengthAt(w, p);
    if (!w.ensure(p, HEADER_BYTES + length + FOOTER_BYTES)) {
      yield { kind: 'truncated', offset: p, bytes: w.endFrom(p) };
      return;
    }
    const i = p - w.base;
    const end = i + HEADER_BYTES + length;
    const data = w.buf.subarray(i + HEADER_BYTES, end);
    if (maskedCrc32c(data) === w.view.getUint32(end, true)) yield { kind: 'record', offset: p, data };
    else yield { kind: 'bad-data-crc', offset: p, length };
    p += HEADER_BYTES + length + FOOTER_BYTES;
  }
}

/**
 * Splits the bytes of a TFRecord file into records, checking both CRCs of every record. A record whose data
 * checksum fails is reported and skipped (its length was checked, so the next record is where it says). A
 * length that fails its checksum cannot be trusted, so the framer searches forward, byte by byte, for the next
 * place where a whole record checks, and reports the bytes in between. A last record cut short is reported as
 * `truncated`. Cost: one CRC pass over the file; the search costs one 8-byte CRC per skipped byte.
 *
 * @example
 * [...frameRecords(bytes)].filter((e) => e.kind === 'record').length // => number of whole records
 */
export function* frameRecords(bytes: Uint8Array): Generator<FrameEvent> {
  yield* frameWindow(new ByteWindow(bytes));
}

/** Options of `frameRecordStream`. */
export interface FrameStreamOptions {
  /** Bytes read at a time; a larger record grows the buffer to fit it. Default: 1 MiB. */
  chunkBytes?: number;
}

/**
 * `frameRecords` over a file of `size` bytes read in chunks through `read(into, position)` (e.g. `fs.readSync`
 * on an open file), so memory stays at one chunk (or the largest record) whatever the file size. Same events, same
 * offsets; a record's `data` is a view into the reused buffer, valid only until the next event is asked for.
 *
 * @example
 * const fd = openSync(path, 'r');
 * for (const e of frameRecordStream(fstatSync(fd).size, (into, at) => readSync(fd, into, 0, into.length, at))) if (e.kind === 'record') decode(e.data);
 */
export function* frameRecordStream(
  size: number,
  read: (into: Uint8Array, position: number) => number,
  options: FrameStreamOptions = {},
): Generator<FrameEvent> {
  const { chunkBytes = 1 << 20 } = options;
  // A Buffer, so the CRC of a subarray needs no wrapper view.
  yield* frameWindow(new ByteWindow(Buffer.allocUnsafe(Math.max(chunkBytes, HEADER_BYTES + FOOTER_BYTES)), size, read));
}

/**
 * True if the bytes start with a record header whose length checksum is right: how an event file is
 * recognised from its first bytes, whatever its name.
 *
 * @example
 * startsWithRecord(new Uint8Array(3)) // => false
 */
export function startsWithRecord(head: Uint8Array): boolean {
  if (head.length < HEADER_BYTES) return false;
  return headerChecks(new ByteWindow(head), 0);
}
