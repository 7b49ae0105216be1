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

/** Reads the u64 length at `p` as a number; lengths past 2^53 are reported as `Infinity` (never a real record). */
function lengthAt(view: DataView, p: number): number {
  const lo = view.getUint32(p, true);
  const hi = view.getUint32(p + 4, true);
  return hi < 0x200000 ? hi * 0x100000000 + lo : Infinity;
}

/** True if the 12 bytes at `p` are a header whose length checksum is right. */
function headerChecks(bytes: Uint8Array, view: DataView, p: number): boolean {
  return maskedCrc32c(bytes.subarray(p, p + 8)) === view.getUint32(p + 8, true);
}

/** True if a whole record with both checksums right starts at `p`. */
function recordChecks(bytes: Uint8Array, view: DataView, p: number): boolean {
  if (p + HEADER_BYTES > bytes.length || !headerChecks(bytes, view, p)) return false;
  const length = lengthAt(view, p);
  const end = p + HEADER_BYTES + length;
  if (end + FOOTER_BYTES > bytes.length) return false;
  return maskedCrc32c(bytes.subarray(p + HEADER_BYTES, end)) === view.getUint32(end, true);
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
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let p = 0;
  while (p < n) {
    if (p + HEADER_BYTES > n) {
      yield { kind: 'truncated', offset: p, bytes: n - p };
      return;
    }
    if (!headerChecks(bytes, view, p)) {
      let q = p + 1;
      while (q < n && !recordChecks(bytes, view, q)) q++;
      yield { kind: 'garbage', offset: p, bytes: q - p };
      p = q;
      continue;
    }
    const length = lengthAt(view, p);
    const end = p + HEADER_BYTES + length;
    if (end + FOOTER_BYTES > n) {
      yield { kind: 'truncated', offset: p, bytes: n - p };
      return;
    }
    const data = bytes.subarray(p + HEADER_BYTES, end);
    if (maskedCrc32c(data) === view.getUint32(end, true)) yield { kind: 'record', offset: p, data };
    else yield { kind: 'bad-data-crc', offset: p, length };
    p = end + FOOTER_BYTES;
  }
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
  return headerChecks(head, new DataView(head.buffer, head.byteOffset, head.byteLength), 0);
}
