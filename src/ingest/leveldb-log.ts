/**
 * The framing of W&B run files (`run-<id>.wandb`): LevelDB's log format behind a 7-byte header. The header
 * is `:W&B`, u16 0xBEE1 and a version byte (0 from the Python writer, 1 from newer wandb-core), little-endian.
 * The rest of the file is 32 KiB blocks of chunks, each `u32 checksum, u16 length, u8 type` then `length`
 * bytes; a chunk never crosses a block, and a block's last < 7 bytes are zero padding. A record is one FULL
 * chunk (type 1), or FIRST (2), MIDDLE (3)…, LAST (4). The checksum is IEEE CRC-32 of the type byte and the payload
 * (wandb/sdk/internal/datastore.py `zlib.crc32(data, crc32(chr(type)))`; core/pkg/leveldb/record.go).
 * A chunk whose checksum fails costs its record; the next chunk is looked for right after it (its own
 * checksum tells whether it is one). A chunk header whose length or type is impossible costs the rest of its
 * block, as in LevelDB's reader, which resynchronises at the next block.
 */
import { crc32 } from '@node-rs/crc32';

export const BLOCK_BYTES = 32 * 1024;
export const HEADER_BYTES = 7;
const CHUNK_HEADER = 7;
const FULL = 1;
const FIRST = 2;
const LAST = 4;
const MAGIC = 0xbee1;
/** The header versions readers of this framing know; both frame chunks the same way. */
const VERSIONS = new Set([0, 1]);

/** The CRC-32 state after each type byte, so a chunk's checksum is one call over its payload. */
const TYPE_CRC = [0, 1, 2, 3, 4].map((t) => crc32(Buffer.from([t])));

/** What the framer found: a whole record, or a stretch it could not use. Offsets are from the file's start. */
export type LogEvent =
  | { kind: 'record'; offset: number; data: Buffer }
  /** A chunk whose checksum, length or type is wrong: the rest of its block is skipped, and the record it was in. */
  | { kind: 'corrupt'; offset: number; reason: string }
  /** The file ends inside a chunk or a record: normal for a live or killed run. */
  | { kind: 'truncated'; offset: number };

/**
 * True if a file head starts with the W&B run-file header.
 *
 * @example
 * isWandbRunHead(Buffer.from([0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00])) // => true
 */
export function isWandbRunHead(head: Uint8Array): boolean {
  return (
    head.length >= HEADER_BYTES &&
    head[0] === 0x3a && head[1] === 0x57 && head[2] === 0x26 && head[3] === 0x42 &&
    (head[4] | (head[5] << 8)) === MAGIC &&
    VERSIONS.has(head[6])
  );
}

/**
 * The records of a W&B run file, read block by block through `read` (which fills `into` from file offset
 * `position` and returns the bytes read): memory is one block plus the record being put together.
 * `size` is the file's size. The header is the caller's to check (`isWandbRunHead`).
 */
export function* frameLog(size: number, read: (into: Buffer, position: number) => number): Generator<LogEvent> {
  const block = Buffer.allocUnsafe(BLOCK_BYTES);
  let parts: Buffer[] = [];
  /** Offset of the pending record's first chunk, or -1 when no record is open. */
  let start = -1;
  for (let base = 0; base < size; base += BLOCK_BYTES) {
    let length = 0;
    for (let got = 1; length < BLOCK_BYTES && base + length < size && got > 0; length += got) got = read(block.subarray(length), base + length);
    let p = base === 0 ? HEADER_BYTES : 0;
    /** The rest of this block was given up after a bad chunk header. */
    let skipped = false;
    while (p + CHUNK_HEADER <= length) {
      const crc = block.readUInt32LE(p);
      const n = block.readUInt16LE(p + 4);
      const type = block[p + 6];
      const offset = base + p;
      if (crc === 0 && n === 0 && type === 0) break; // zero padding to the block's end
      if (p + CHUNK_HEADER + n > length) {
        if (base + length >= size && p + CHUNK_HEADER + n <= BLOCK_BYTES) {
          yield { kind: 'truncated', offset: start >= 0 ? start : offset };
          return;
        }
        yield { kind: 'corrupt', offset, reason: 'chunk length past its block' };
        parts = [];
        start = -1;
        skipped = true;
        break;
      }
      const payload = block.subarray(p + CHUNK_HEADER, p + CHUNK_HEADER + n);
      if (type < FULL || type > LAST) {
        yield { kind: 'corrupt', offset, reason: `chunk type ${type}` };
        parts = [];
        start = -1;
        skipped = true;
        break;
      }
      p += CHUNK_HEADER + n;
      if (crc32(payload, TYPE_CRC[type]) !== crc) {
        // Its length fits the block, so the next chunk is looked for after it (it has a checksum of its own).
        yield { kind: 'corrupt', offset, reason: 'checksum mismatch' };
        parts = [];
        start = -1;
        continue;
      }
      if (type === FULL || type === FIRST) {
        if (start >= 0) yield { kind: 'corrupt', offset: start, reason: 'record without its last chunk' };
        start = offset;
        parts = [Buffer.from(payload)];
      } else if (start < 0) {
        yield { kind: 'corrupt', offset, reason: 'chunk without its first chunk' };
        continue;
      } else parts.push(Buffer.from(payload));
      if (type === FULL || type === LAST) {
        yield { kind: 'record', offset: start, data: parts.length === 1 ? parts[0] : Buffer.concat(parts) };
        parts = [];
        start = -1;
      }
    }
    if (!skipped && length < BLOCK_BYTES && base + length >= size && p < length && start < 0) {
      // A last block that ends in a few bytes that are no chunk header: a write cut short.
      if (block.subarray(p, length).some((b) => b !== 0)) yield { kind: 'truncated', offset: base + p };
    }
  }
  if (start >= 0) yield { kind: 'truncated', offset: start };
}
