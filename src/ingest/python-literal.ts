/**
 * A small reader for Python literal reprs, as `print(dict)` and f-strings write them in training logs:
 * dicts, lists, tuples, single- or double-quoted strings, ints and floats (`nan`, `inf`, `-inf`),
 * `True`/`False`/`None`, and scalar wrappers such as `np.float64(0.5)` or `tensor(0.5, device='cuda:0')`.
 * It is a parser, never `eval`: anything else is a syntax error.
 */

/** A parsed Python value. Dicts keep their keys' reprs as strings; unknown calls become `undefined`. */
export type PyValue = number | string | boolean | null | undefined | PyValue[] | Map<string, PyValue>;

/** Thrown for text that is not a Python literal; `position` is the character offset where reading stopped. */
export class PySyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at character ${position + 1}`);
    this.name = 'PySyntaxError';
  }
}

/** Nesting deeper than this is refused, so hostile input cannot exhaust the stack. */
const MAX_DEPTH = 64;
const NUMBER = /[+-]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?|[+-]?(?:nan|inf)\b/y;
const NAME = /[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*/y;
const SPACE = /\s*/y;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };
const CONSTANTS: Record<string, PyValue> = { True: true, False: false, None: null, nan: NaN, inf: Infinity };

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new PySyntaxError(message, this.pos);
  }

  skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    this.pos = SPACE.lastIndex;
  }

  /** Consumes `c` (after spaces) if it is next. */
  eat(c: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.dict(depth);
    if (c === '[') return this.sequence(']', depth);
    if (c === '(') return this.sequence(')', depth);
    if (c === "'" || c === '"') return this.string();
    NUMBER.lastIndex = this.pos;
    const number = NUMBER.exec(this.text);
    if (number) {
      this.pos = NUMBER.lastIndex;
      const s = number[0].replaceAll('_', '');
      return /n/.test(s) ? (s.endsWith('nan') ? NaN : s.startsWith('-') ? -Infinity : Infinity) : Number(s);
    }
    NAME.lastIndex = this.pos;
    const name = NAME.exec(this.text);
    if (!name) this.fail(c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
    this.pos = NAME.lastIndex;
    if (this.eat('(')) return this.call(depth);
    if (name[0] in CONSTANTS) return CONSTANTS[name[0]];
    return this.fail(`unknown name ${name[0]}`);
  }

  /** `f(x, key=value)`: the value of a numeric scalar wrapper is its first argument; other calls are opaque. */
  call(depth: number): PyValue {
    const args: PyValue[] = [];
    while (!this.eat(')')) {
      this.skipSpace();
      NAME.lastIndex = this.pos;
      const keyword = NAME.exec(this.text);
      if (keyword && this.text[NAME.lastIndex] === '=' && this.text[NAME.lastIndex + 1] !== '=') this.pos = NAME.lastIndex + 1;
      args.push(this.value(depth + 1));
      if (!this.eat(',') && this.text[this.pos] !== ')') this.fail('expected , or )');
    }
    return typeof args[0] === 'number' ? args[0] : undefined;
  }

  sequence(close: string, depth: number): PyValue[] {
    this.pos++;
    const items: PyValue[] = [];
    while (!this.eat(close)) {
      items.push(this.value(depth + 1));
      if (!this.eat(',') && (this.skipSpace(), this.text[this.pos] !== close)) this.fail(`expected , or ${close}`);
    }
    return items;
  }

  dict(depth: number): Map<string, PyValue> {
    this.pos++;
    const entries = new Map<string, PyValue>();
    while (!this.eat('}')) {
      const start = this.pos;
      const key = this.value(depth + 1);
      // A key that is not a string is named as Python wrote it (`inf`, `1.0`, `True`), not as JavaScript would print its value.
      const name = typeof key === 'string' ? key : this.text.slice(start, this.pos).trim();
      if (!this.eat(':')) this.fail('expected :');
      entries.set(name, this.value(depth + 1));
      if (!this.eat(',') && (this.skipSpace(), this.text[this.pos] !== '}')) this.fail('expected , or }');
    }
    return entries;
  }

  string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined || c === '\n') {
        this.pos--;
        this.fail('unterminated string');
      }
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hex > 0) {
        const digits = this.text.slice(this.pos, this.pos + hex);
        const code = /^[0-9a-fA-F]+$/.test(digits) && digits.length === hex ? parseInt(digits, 16) : NaN;
        if (!(code <= 0x10ffff)) this.fail('bad escape');
        out += String.fromCodePoint(code);
        this.pos += hex;
      } else if (e === undefined) this.fail('unterminated string');
      // Python keeps the backslash of an escape it does not know (`'\\l'` is two characters).
      else out += ESCAPES[e] ?? (e === '\\' || e === "'" || e === '"' ? e : `\\${e}`);
    }
  }
}

/**
 * Parses a Python literal repr at the start of `text`; returns the value and where it ended (text after it,
 * such as a colour reset, is left to the caller). Throws `PySyntaxError` for anything else.
 *
 * @example
 * parsePythonLiteral("{'reward': 0.5, 'kl': nan, 'ok': True}").value
 * // => Map { 'reward' => 0.5, 'kl' => NaN, 'ok' => true }
 */
export function parsePythonLiteral(text: string): { value: PyValue; end: number } {
  const reader = new Reader(text);
  const value = reader.value(0);
  return { value, end: reader.pos };
}
