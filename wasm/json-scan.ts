/**
 * A JSON-lines scanner in AssemblyScript, compiled to WebAssembly by `npm run build:wasm` (which writes
 * src/ingest/json-scan-wasm.ts). It reads lines of JSON objects straight from their bytes, without building
 * objects or converting numbers: per line, each value's flattened key (nested objects joined with `/`,
 * given as an id into a key table), its type and where its text is. A reader then converts only the values
 * it keeps. This is what makes large JSONL histories cheap: `JSON.parse` spends its time making objects and
 * numbers that a reader throws away.
 *
 * The scanner accepts a line only when `JSON.parse` would read it as the same object with the same keys in
 * the same order. Anything else (an array, an escape or a non-ASCII byte in a key, an all-digit key, which
 * JavaScript orders first, a syntax error, depth over 16) gives the line back as "other", for the caller's
 * `JSON.parse` path, which also words the error for a line that is not JSON.
 *
 * Only the values a reader asks for are written out (`flags`): keys it has not seen, keys it keeps; and every
 * null and possibly infinite number, which readers count, and every nested object's start. A log's lines mostly repeat the previous line's
 * keys, so each key is first compared with the one at the same place in the line before, eight bytes at a
 * time; digits and newlines are found eight bytes at a time too.
 *
 * Memory, from `init(capacity)` on: input bytes, output records, the key being built, a stack of open
 * objects, the key table (an arena of key bytes, an open-addressing hash table, per id: offset, length,
 * hash, flags and the line it was last seen in) and the keys of the line before.
 */

/** Line kinds, first field of a line's record. */
const BLANK = 0;
const OBJECT_LINE = 1;
const OTHER = 2;

/** Value types, second field of a value's record. */
const T_NULL = 0;
const T_TRUE = 1;
const T_FALSE = 2;
/** A number that is finite whatever its digits: at most 300 integer digits and a 1- or 2-digit exponent. */
const T_NUMBER = 3;
/** Any other number: it may overflow to Infinity, which the reader must check. */
const T_BIG_NUMBER = 4;
/** A string without escapes; its record spans the quotes. */
const T_STRING = 5;
/** A string with escapes, all valid; its record spans the quotes. */
const T_ESCAPED_STRING = 6;
/** The start of a nested object; its keys follow as `key/inner`. */
const T_OBJECT = 7;

/** Flag of a key id: write its values out (set for a new key; the reader clears it for keys it drops). */
const EMIT: u8 = 1;

const MAX_DEPTH = 16;
/** Keys per line that are guessed from the line before. */
const MAX_GUESSES: usize = 4096;
const KEY_CAP = 4096;
const ARENA_CAP = 1 << 20;
const TABLE_SLOTS = 1 << 16;
const MAX_KEYS = 1 << 15;
const FNV_OFFSET: u32 = 2166136261;
const FNV_PRIME: u32 = 16777619;

let inBase: usize = 0;
let outBase: usize = 0;
let keyBase: usize = 0;
/** Per open object: the length of its key prefix (i32) and the hash of that prefix (u32). */
let stackBase: usize = 0;
let arenaBase: usize = 0;
let arenaUsed: i32 = 0;
/** Per slot: the key's hash (u32, 0 for an empty slot) and its id + 1 (i32). */
let tableBase: usize = 0;
/** Per id, 16 bytes: the key's offset in the arena (i32), its length (i32), its hash (u32), the line it was last seen in (u32). */
let idBase: usize = 0;
/** Per id: `EMIT` or 0. */
let flagBase: usize = 0;
/** Per place in a line: the id of the key the line before had there, or -1. */
let guessBase: usize = 0;
let keyCount: i32 = 0;
/** Counts the lines scanned, so a key seen twice in a line is noticed (JSON.parse would keep the last value). */
let lineStamp: u32 = 0;

/**
 * Reserves memory for inputs of up to `capacity` bytes and returns where to write them (-1 if memory could not
 * grow). Output records need at most 4 i32 per line and 4 per value, and a value takes at least 4 bytes.
 */
export function init(capacity: i32): i32 {
  const cap = <usize>capacity;
  const outBytes: usize = (5 * cap + 8) * 4;
  const total: usize = cap + outBytes + KEY_CAP + MAX_DEPTH * 8 + ARENA_CAP + TABLE_SLOTS * 8 + MAX_KEYS * 17 + MAX_GUESSES * 4;
  const base = (<usize>memory.size()) << 16;
  if (memory.grow(<i32>((total + 0xffff) >> 16)) < 0) return -1;
  inBase = base;
  outBase = inBase + cap;
  keyBase = outBase + outBytes;
  stackBase = keyBase + KEY_CAP;
  arenaBase = stackBase + MAX_DEPTH * 8;
  tableBase = arenaBase + ARENA_CAP;
  idBase = tableBase + TABLE_SLOTS * 8;
  flagBase = idBase + MAX_KEYS * 16;
  guessBase = flagBase + MAX_KEYS;
  memory.fill(guessBase, 0xff, MAX_GUESSES * 4);
  return <i32>inBase;
}

export function outputs(): usize {
  return outBase;
}

export function keys(): i32 {
  return keyCount;
}

/** Where the per-id flags are (one byte per id, `EMIT` or 0). */
export function flags(): usize {
  return flagBase;
}

export function keyStart(id: i32): usize {
  return arenaBase + <usize>load<i32>(idBase + (<usize>id << 4));
}

export function keyLength(id: i32): i32 {
  return load<i32>(idBase + (<usize>id << 4), 4);
}

// @ts-ignore: decorator
@inline function isSpace(c: u32): bool {
  return c == 32 || c == 9 || c == 13 || c == 10;
}

// @ts-ignore: decorator
@inline function isDigit(c: u32): bool {
  return c - 48 < 10;
}

/** True if the `n` bytes at `a` and at `b` are equal (eight at a time). */
function same(a: usize, b: usize, n: usize): bool {
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) if (load<u64>(a + i) != load<u64>(b + i)) return false;
  for (; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/** The id of the key in the key buffer (`length` bytes, hash `h`), added if new; -1 when the table is full. */
function idOf(length: i32, h: u32): i32 {
  if (h == 0) h = 1;
  let slot = h & (TABLE_SLOTS - 1);
  for (;;) {
    const at = tableBase + (<usize>slot << 3);
    const slotHash = load<u32>(at);
    if (slotHash == 0) break;
    if (slotHash == h) {
      const id = load<i32>(at, 4) - 1;
      const entry = idBase + (<usize>id << 4);
      if (load<i32>(entry, 4) == length && same(arenaBase + <usize>load<i32>(entry), keyBase, <usize>length)) return id;
    }
    slot = (slot + 1) & (TABLE_SLOTS - 1);
  }
  if (keyCount >= MAX_KEYS || arenaUsed + length > ARENA_CAP) return -1;
  const id = keyCount++;
  memory.copy(arenaBase + <usize>arenaUsed, keyBase, <usize>length);
  const entry = idBase + (<usize>id << 4);
  store<i32>(entry, arenaUsed);
  store<i32>(entry, length, 4);
  store<u32>(entry, h, 8);
  store<u32>(entry, 0, 12);
  store<u8>(flagBase + <usize>id, EMIT);
  arenaUsed += length;
  const at = tableBase + (<usize>slot << 3);
  store<u32>(at, h);
  store<i32>(at, id + 1, 4);
  return id;
}

/** Writes a 4-field record at `at`. */
// @ts-ignore: decorator
@inline function record(at: usize, a: i32, b: i32, c: i32, d: i32): void {
  store<i32>(at, a);
  store<i32>(at, b, 4);
  store<i32>(at, c, 8);
  store<i32>(at, d, 12);
}

/** Closes the record of line [s, e) at `header` as `kind` with `values` values; returns where the next begins. */
function closeLine(header: usize, kind: i32, s: usize, e: usize, values: i32, next: usize): usize {
  record(header, kind, <i32>(s - inBase), <i32>(e - inBase), values);
  return next;
}

/** The end of the string whose opening quote is at `p` (after its closing quote), or 0 if it is not valid JSON; sets `escaped`. */
let escaped = false;
function stringEnd(p: usize, e: usize): usize {
  escaped = false;
  for (p++; p < e; p++) {
    const c = <u32>load<u8>(p);
    if (c == 34) return p + 1;
    if (c < 32) return 0;
    if (c == 92) {
      escaped = true;
      if (++p >= e) return 0;
      const x = <u32>load<u8>(p);
      if (x == 117) {
        if (p + 4 >= e) return 0;
        for (let k: usize = 1; k <= 4; k++) {
          const h = <u32>load<u8>(p + k);
          if (!isDigit(h) && (h | 32) - 97 >= 6) return 0;
        }
        p += 4;
      } else if (x != 34 && x != 92 && x != 47 && x != 98 && x != 102 && x != 110 && x != 114 && x != 116) return 0;
    }
  }
  return 0;
}

/** The end of the run of ASCII digits at `p`, eight bytes at a time. */
function digitsEnd(p: usize, e: usize): usize {
  for (; p + 8 <= e; p += 8) {
    // Per byte: x ^ '0' is 0…9 for a digit; a digit has no high nibble in it or in it + 6. A carry out of a
    // byte comes only from a non-digit, so the lowest flagged byte is the first non-digit.
    const y = load<u64>(p) ^ 0x3030303030303030;
    const flagged = (y | (y + 0x0606060606060606)) & 0xf0f0f0f0f0f0f0f0;
    if (flagged != 0) return p + <usize>(ctz(flagged) >> 3);
  }
  while (p < e && isDigit(load<u8>(p))) p++;
  return p;
}

/** The end of the line at `p`: the next newline or `end`, eight bytes at a time. */
function lineEnd(p: usize, end: usize): usize {
  for (; p + 8 <= end; p += 8) {
    const v = load<u64>(p) ^ 0x0a0a0a0a0a0a0a0a;
    // The lowest byte flagged is the first zero byte of v (flags above it may be false).
    const zero = (v - 0x0101010101010101) & ~v & 0x8080808080808080;
    if (zero != 0) return p + <usize>(ctz(zero) >> 3);
  }
  while (p < end && load<u8>(p) != 10) p++;
  return p;
}

/** Set by `numberEnd`: whether the number might not be finite. */
let big = false;
/** The end of the JSON number at `p` (its exact grammar), or 0. */
function numberEnd(p: usize, e: usize): usize {
  big = false;
  if (p < e && load<u8>(p) == 45) p++;
  if (p >= e) return 0;
  const first = <u32>load<u8>(p);
  const digits = p;
  if (first == 48) p++;
  else if (first - 49 < 9) p = digitsEnd(p + 1, e);
  else return 0;
  if (p - digits > 300) big = true;
  if (p < e && load<u8>(p) == 46) {
    p++;
    if (p >= e || !isDigit(load<u8>(p))) return 0;
    p = digitsEnd(p + 1, e);
  }
  if (p < e && (load<u8>(p) | 32) == 101) {
    p++;
    if (p < e && (load<u8>(p) == 43 || load<u8>(p) == 45)) p++;
    const exponent = p;
    if (p >= e || !isDigit(load<u8>(p))) return 0;
    for (p++; p < e && isDigit(load<u8>(p)); p++);
    if (p - exponent > 2) big = true;
  }
  return p;
}

/** True if the `length` bytes at `p` are `word`'s (a 4- or 5-letter literal, as little-endian bytes). */
// @ts-ignore: decorator
@inline function isWord(p: usize, e: usize, word: u64, length: usize): bool {
  if (p + length > e) return false;
  let w: u64 = 0;
  for (let k: usize = 0; k < length; k++) w |= (<u64>load<u8>(p + k)) << (k * 8);
  return w == word;
}
const NULL_WORD: u64 = 0x6c6c756e;
const TRUE_WORD: u64 = 0x65757274;
const FALSE_WORD: u64 = 0x65736c6166;

/** Scans line [s, e) and writes its record and its values' records from `header` on; returns where the next line's begins. */
function scanLine(s: usize, e: usize, header: usize): usize {
  const other = header + 16;
  let out = other;
  let values = 0;
  const stamp = ++lineStamp;
  let p = s;
  while (p < e && isSpace(load<u8>(p))) p++;
  if (p == e) return closeLine(header, BLANK, s, e, 0, out);
  if (load<u8>(p) != 123) return closeLine(header, OTHER, s, e, 0, other);
  let depth = 0;
  let prefix = 0;
  let prefixHash = FNV_OFFSET;
  let place: usize = 0;
  p++;
  while (p < e && isSpace(load<u8>(p))) p++;
  // `{}`: the loop below expects a key, so an empty object is closed here.
  let close = p < e && load<u8>(p) == 125;
  if (close) p++;
  for (;;) {
    if (!close) {
      if (p >= e || load<u8>(p) != 34) return closeLine(header, OTHER, s, e, 0, other);
      p++;
      // The key: first the guess, the key at this place in the line before (the same prefix, then the
      // same bytes up to a quote); else read byte by byte: plain ASCII, no escapes, not all digits.
      let id = -1;
      let length = 0;
      let h: u32 = 0;
      const guessAt = guessBase + (place << 2);
      if (place < MAX_GUESSES) {
        const guess = load<i32>(guessAt);
        if (guess >= 0) {
          const entry = idBase + (<usize>guess << 4);
          const guessLength = load<i32>(entry, 4);
          const segment = guessLength - prefix;
          const key = arenaBase + <usize>load<i32>(entry);
          if (segment > 0 && p + <usize>segment < e && load<u8>(p + <usize>segment) == 34 && same(key + <usize>prefix, p, <usize>segment) && same(key, keyBase, <usize>prefix)) {
            id = guess;
            length = guessLength;
            h = load<u32>(entry, 8);
            // Nested keys extend this one: it must be in the key buffer.
            memory.copy(keyBase + <usize>prefix, p, <usize>segment);
            p += <usize>segment;
          }
        }
      }
      if (id < 0) {
        length = prefix;
        h = prefixHash;
        let digitsOnly = true;
        for (; ; p++) {
          if (p >= e) return closeLine(header, OTHER, s, e, 0, other);
          const c = <u32>load<u8>(p);
          if (c == 34) break;
          if (c == 92 || c < 32 || c >= 128 || length >= KEY_CAP) return closeLine(header, OTHER, s, e, 0, other);
          if (!isDigit(c)) digitsOnly = false;
          store<u8>(keyBase + <usize>length, <u8>c);
          length++;
          h = (h ^ c) * FNV_PRIME;
        }
        // JavaScript puts all-digit keys first in an object: JSON.parse's order would not be the line's.
        if (digitsOnly && length > prefix) return closeLine(header, OTHER, s, e, 0, other);
        id = idOf(length, h);
        if (id < 0) return closeLine(header, OTHER, s, e, 0, other);
      }
      if (place < MAX_GUESSES) store<i32>(guessAt, id);
      place++;
      // A key twice in a line: JSON.parse keeps the last value, in the first one's place.
      const seen = idBase + (<usize>id << 4) + 12;
      if (load<u32>(seen) == stamp) return closeLine(header, OTHER, s, e, 0, other);
      store<u32>(seen, stamp);
      const emit = load<u8>(flagBase + <usize>id) != 0;
      for (p++; p < e && isSpace(load<u8>(p)); p++);
      if (p >= e || load<u8>(p) != 58) return closeLine(header, OTHER, s, e, 0, other);
      for (p++; p < e && isSpace(load<u8>(p)); p++);
      if (p >= e) return closeLine(header, OTHER, s, e, 0, other);
      const start = p;
      const c = <u32>load<u8>(p);
      let type = T_NUMBER;
      if (c == 123) {
        if (depth + 1 >= MAX_DEPTH || length + 1 >= KEY_CAP) return closeLine(header, OTHER, s, e, 0, other);
        // Always written out: a reader tells by them which object the values after them are in.
        record(out, id, T_OBJECT | (depth << 8), <i32>(start - inBase), <i32>(start + 1 - inBase));
        out += 16;
        values++;
        store<i32>(stackBase + (<usize>depth << 3), prefix);
        store<u32>(stackBase + (<usize>depth << 3), prefixHash, 4);
        depth++;
        store<u8>(keyBase + <usize>length, 47);
        prefix = length + 1;
        prefixHash = (h ^ 47) * FNV_PRIME;
        for (p++; p < e && isSpace(load<u8>(p)); p++);
        if (p < e && load<u8>(p) == 125) {
          p++;
          close = true;
        } else continue;
      } else {
        if (c == 34) {
          p = stringEnd(p, e);
          type = escaped ? T_ESCAPED_STRING : T_STRING;
        } else if (c == 116) {
          p = isWord(p, e, TRUE_WORD, 4) ? p + 4 : 0;
          type = T_TRUE;
        } else if (c == 102) {
          p = isWord(p, e, FALSE_WORD, 5) ? p + 5 : 0;
          type = T_FALSE;
        } else if (c == 110) {
          p = isWord(p, e, NULL_WORD, 4) ? p + 4 : 0;
          type = T_NULL;
        } else {
          p = numberEnd(p, e);
          if (big) type = T_BIG_NUMBER;
        }
        if (p == 0) return closeLine(header, OTHER, s, e, 0, other);
        // Nulls and numbers that may be infinite are counted by readers, so they are written out whatever the flag.
        if (emit || type == T_NULL || type == T_BIG_NUMBER) {
          record(out, id, type | (depth << 8), <i32>(start - inBase), <i32>(p - inBase));
          out += 16;
          values++;
        }
      }
    }
    // After a value (or an object just closed): `,` and the next key, or `}` closing the object.
    for (;;) {
      if (close) {
        close = false;
        if (depth == 0) {
          while (p < e && isSpace(load<u8>(p))) p++;
          if (p != e) return closeLine(header, OTHER, s, e, 0, other);
          return closeLine(header, OBJECT_LINE, s, e, values, out);
        }
        depth--;
        prefix = load<i32>(stackBase + (<usize>depth << 3));
        prefixHash = load<u32>(stackBase + (<usize>depth << 3), 4);
      }
      while (p < e && isSpace(load<u8>(p))) p++;
      if (p >= e) return closeLine(header, OTHER, s, e, 0, other);
      const c = <u32>load<u8>(p++);
      if (c == 44) break;
      if (c != 125) return closeLine(header, OTHER, s, e, 0, other);
      close = true;
    }
    while (p < e && isSpace(load<u8>(p))) p++;
  }
  // Not reached: every way out of the loop returns.
  return unreachable();
}

/**
 * Scans the lines of the input's first `length` bytes (separated by `\n`; the last ends at `length`) and
 * returns how many there were. Records, from `outputs()` on, per line: kind, start, end, number of values;
 * then per value: key id, type + 256 × depth (0 for a key of the line's object), start, end (offsets into
 * the input).
 */
export function scan(length: i32): i32 {
  const end = inBase + <usize>length;
  let s = inBase;
  let out = outBase;
  let lines = 0;
  for (;;) {
    const e = lineEnd(s, end);
    out = scanLine(s, e, out);
    lines++;
    if (e >= end) return lines;
    s = e + 1;
  }
  return unreachable();
}
