/**
 * One JSON object per line (JSONL), as loggers write it. Python's `json.dumps` writes `NaN`, `Infinity` and
 * `-Infinity` bare, which `JSON.parse` rejects; those tokens (outside strings) are read as `null`, i.e. a
 * missing value, rather than losing the whole line.
 */

/** A parsed line: the object, or why it is not one. */
export type JsonLine = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

const PY_NON_FINITE = /^(?:-?Infinity|NaN)/;

/** Replaces bare `NaN`/`Infinity`/`-Infinity` outside JSON strings with `null`. */
function nullNonFinite(line: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      out += c;
      if (c === '\\') out += line[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === 'N' || c === 'I' || c === '-') {
      const m = PY_NON_FINITE.exec(line.slice(i, i + 9));
      if (m) {
        out += 'null';
        i += m[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/**
 * Parses one line as a JSON object, tolerating Python's bare `NaN`/`Infinity` (read as `null`).
 *
 * @example
 * parseJsonObjectLine('{"step": 1, "data": {"a": NaN}}') // => { ok: true, value: { step: 1, data: { a: null } } }
 * parseJsonObjectLine('[1, 2]') // => { ok: false, reason: 'not a JSON object' }
 */
export function parseJsonObjectLine(line: string): JsonLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    if (!/NaN|Infinity/.test(line)) return { ok: false, reason: (error as Error).message };
    try {
      value = JSON.parse(nullNonFinite(line));
    } catch (retryError) {
      return { ok: false, reason: (retryError as Error).message };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * How deep a logged object may nest: far beyond any logger's (verl nests a level or two, W&B a few), low
 * enough that the recursive readers of an object cannot exhaust the stack (or build keys of quadratic size).
 */
export const MAX_JSON_DEPTH = 64;

/** Thrown by the readers of an object nested deeper than `MAX_JSON_DEPTH`; the caller skips that line, counted. */
export class JsonTooDeep extends Error {
  constructor() {
    super(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
}

/** What `flattenNumbers` found besides the numbers. */
export interface FlattenResult {
  /** Keys whose value was `null` (how JSON loggers write NaN) or a number beyond a double (`1e999`). */
  missing: string[];
}

/**
 * Collects the finite numeric leaves of an object under `/`-joined keys (`{actor: {entropy: 0.5}}` →
 * `actor/entropy`). Booleans count as 0/1 (Python bools are ints); strings and arrays are not metrics and
 * are skipped; `null` and numbers that parsed to ±Infinity are listed as missing. Throws `JsonTooDeep` for an
 * object nested deeper than `MAX_JSON_DEPTH`.
 *
 * @example
 * const out = new Map(); flattenNumbers({ a: { b: 1 }, c: 'x' }, out); out // => Map { 'a/b' => 1 }
 */
export function flattenNumbers(
  object: Record<string, unknown>,
  out: Map<string, number>,
  prefix = '',
  result: FlattenResult = { missing: [] },
  depth = 0,
): FlattenResult {
  if (depth >= MAX_JSON_DEPTH) throw new JsonTooDeep();
  for (const [k, v] of Object.entries(object)) {
    const key = prefix ? `${prefix}/${k}` : k;
    if (typeof v === 'number') {
      if (Number.isFinite(v)) out.set(key, v);
      else result.missing.push(key);
    }
    else if (typeof v === 'boolean') out.set(key, v ? 1 : 0);
    else if (v === null) result.missing.push(key);
    else if (typeof v === 'object' && !Array.isArray(v)) flattenNumbers(v as Record<string, unknown>, out, key, result, depth + 1);
  }
  return result;
}
