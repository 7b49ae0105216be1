// The WebAssembly JSON-lines scanner: what it reports per value, which lines it leaves to JSON.parse, that a
// line it reads gives exactly what JSON.parse gives, and that the committed module is what its source compiles to.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fc } from '../property.ts';
import { compileScanner, MODULE_PATH, moduleText } from '../../scripts/build-wasm.ts';
import { depthOf, JsonLineScanner, typeOf, ValueType } from '../../src/ingest/json-scan.ts';

/** What the scanner says of one line: 'blank', 'other', or its values as [key, type, text]. */
type Scanned = 'blank' | 'other' | Array<[string, ValueType, string]>;

/** Scans the lines of `text` (UTF-8) and returns what it says of each. */
function scan(text: string, scanner = new JsonLineScanner()): Scanned[] {
  const bytes = Buffer.from(text);
  const lines = text.split('\n').length;
  const result: Scanned[] = Array.from({ length: lines }, () => 'blank');
  const count = scanner.read(bytes, 1, {
    object(b, out, at, n, line) {
      const values: Array<[string, ValueType, string]> = [];
      for (let k = 0; k < n; k++) {
        const [id, field, start, end] = out.subarray(at + 4 * k, at + 4 * k + 4);
        // The depth must be the number of `/` the scanner added: the key's own count, less its segment's.
        assert.ok(depthOf(field) <= scanner.key(id).split('/').length - 1);
        values.push([scanner.key(id), typeOf(field), b.toString('utf8', start, end)]);
      }
      result[line - 1] = values;
      return true;
    },
    other(_b, _s, _e, line) {
      result[line - 1] = 'other';
    },
  });
  assert.equal(count, lines);
  return result;
}

const { Null, True, False, Number: Num, BigNumber, String: Str, EscapedString, Object: Obj } = ValueType;

describe('JsonLineScanner', () => {
  it('gives each value its flattened key, type and text', () => {
    const [values] = scan('{"step": 3, "a": {"b": -1.5e-3, "c": {}}, "s": "x", "e": "q\\"", "n": null, "t": true, "f": false, "big": 1e400}');
    assert.deepEqual(values, [
      ['step', Num, '3'],
      ['a', Obj, '{'],
      ['a/b', Num, '-1.5e-3'],
      ['a/c', Obj, '{'],
      ['s', Str, '"x"'],
      ['e', EscapedString, '"q\\""'],
      ['n', Null, 'null'],
      ['t', True, 'true'],
      ['f', False, 'false'],
      ['big', BigNumber, '1e400'],
    ]);
  });

  it('gives the depth of each value: 0 for the keys of the line itself', () => {
    const scanner = new JsonLineScanner();
    const depths: Array<[string, number]> = [];
    scanner.read(Buffer.from('{"a/b": 1, "a": {"c": {"d": 2}, "e": 3}, "f": 4}'), 1, {
      object(_b, out, at, n) {
        for (let k = 0; k < n; k++) depths.push([scanner.key(out[at + 4 * k]), depthOf(out[at + 4 * k + 1])]);
        return true;
      },
      other() {},
    });
    assert.deepEqual(depths, [['a/b', 0], ['a', 0], ['a/c', 1], ['a/c/d', 2], ['a/e', 1], ['f', 0]]);
  });

  it('counts every line, blank ones and a last one without newline included', () => {
    assert.deepEqual(scan('\n  \t\r\n{}\n{"a":1}'), ['blank', 'blank', [], [['a', Num, '1']]]);
  });

  it('leaves to JSON.parse what it does not read as the same object', () => {
    const others = [
      '[1, 2]', // not an object
      '{"a": [1]}', // arrays
      '{"a\\u0062": 1}', // an escape in a key
      '{"é": 1}', // a non-ASCII key
      '{"10": 1, "a": 2}', // JavaScript orders all-digit keys first
      '{"a": 1, "a": 2}', // a key twice (JSON.parse keeps the last value)
      '{"a/b": 1, "a": {"b": 2}}', // two keys that flatten to one
      '{"a": NaN}', // Python's bare NaN
      '{"a": 01}', // a leading zero
      '{"a": 1.}',
      '{"a": .5}',
      '{"a": 1', // cut
      '{"a": 1}}',
      '{"a": 1} x',
      '{"a" 1}',
      '{"a": tru}',
      '{"a": "x\ty"}', // a control character in a string
      '{"a": "\\x"}', // an unknown escape
      `${'{"a":'.repeat(17)}1${'}'.repeat(17)}`, // deeper than 16
    ];
    assert.deepEqual(scan(others.join('\n')), others.map(() => 'other'));
    // Each of these JSON.parse rejects or reads otherwise; a valid twin of the deep one is read.
    assert.notEqual(scan(`${'{"a":'.repeat(15)}1${'}'.repeat(15)}`)[0], 'other');
  });

  it('keeps its key ids across calls and lines, and gives muted keys only nulls, possible infinities and objects', () => {
    const scanner = new JsonLineScanner();
    const [first] = scan('{"a": 1, "b": 2}', scanner);
    assert.deepEqual(first, [['a', Num, '1'], ['b', Num, '2']]);
    scanner.mute(1);
    assert.deepEqual(scan('{"a": 3, "b": 4}\n{"b": null, "a": 5}\n{"b": 1e999}\n{"b": {"c": 1}}', scanner), [
      [['a', Num, '3']],
      [['b', Null, 'null'], ['a', Num, '5']],
      [['b', BigNumber, '1e999']],
      [['b', Obj, '{'], ['b/c', Num, '1']],
    ]);
  });

  it('reads lines longer than its input through the slow path, the others around them as usual', () => {
    const long = `{"a": "${'x'.repeat(300_000)}"}`;
    assert.deepEqual(scan(`{"a": 1}\n${long}\n{"a": 2}`), [[['a', Num, '1']], 'other', [['a', Num, '2']]]);
  });
});

/**
 * Whether a line JSON.parse accepts is one the scanner must read: judged from its keys as written, since
 * JSON.parse decodes escapes (`"a\\/b"` is the plain `a/b` to it) and keeps one of two equal keys, while
 * the scanner declines, on purpose, a raw key with an escape, a non-ASCII or all-digit key, a key that
 * repeats (or two that flatten to one), any array, and nesting of 16 levels or more.
 */
function isPlain(line: string): boolean {
  const { keys, array } = rawKeys(line);
  return !array
    && keys.every((k) => /^[\x20-\x7e]*$/.test(k) && !/["\\]/.test(k) && !/(^|\/)\d+$/.test(k))
    && new Set(keys).size === keys.length
    && Math.max(...keys.map((k) => k.split('/').length), 0) < 16;
}

/**
 * The keys of a valid JSON line as its text spells them (escapes undecoded, repeats kept), flattened with
 * `/` as the scanner does, and whether it holds an array. Only for text JSON.parse has accepted.
 */
function rawKeys(line: string): { keys: string[]; array: boolean } {
  const keys: string[] = [];
  let array = false;
  let i = 0;
  const space = () => {
    while (i < line.length && ' \t\r\n'.includes(line[i])) i++;
  };
  const string = (): string => {
    const start = ++i;
    while (line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
    return line.slice(start, i++);
  };
  const value = (prefix: string): void => {
    space();
    if (line[i] === '{' || line[i] === '[') {
      const object = line[i++] === '{';
      array ||= !object;
      space();
      if (line[i] === (object ? '}' : ']')) return void i++;
      for (;;) {
        if (object) {
          space();
          const key = prefix + string();
          keys.push(key);
          space();
          i++; // the colon
          value(`${key}/`);
        } else value(prefix);
        space();
        if (line[i++] !== ',') return;
      }
    }
    if (line[i] === '"') return void string();
    while (i < line.length && !',}] \t\r\n'.includes(line[i])) i++;
  };
  value('');
  return { keys, array };
}

/** The type `reference` gives an array, which the scanner does not read. */
const ARRAY = -1;

/** JSON.parse's reading of a line as the scanner would report it, or undefined if it is not an object. */
function reference(line: string): Array<[string, number, unknown]> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Array<[string, number, unknown]> = [];
  const walk = (object: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(object)) {
      const key = prefix + k;
      if (v === null) out.push([key, Null, null]);
      else if (v === true) out.push([key, True, true]);
      else if (v === false) out.push([key, False, false]);
      else if (typeof v === 'number') out.push([key, Num, v]);
      else if (typeof v === 'string') out.push([key, Str, v]);
      else if (Array.isArray(v)) out.push([key, ARRAY, v]);
      else {
        out.push([key, Obj, undefined]);
        walk(v as Record<string, unknown>, `${key}/`);
      }
    }
  };
  walk(value as Record<string, unknown>, '');
  return out;
}

/** Keys: mostly plain ones, some the scanner leaves to JSON.parse (all-digit, escaped, non-ASCII), some random. */
const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('step', 'run', 'a', 'b', 'a/b', 'actor/entropy', 'k'.repeat(40), '') },
  { weight: 1, arbitrary: fc.constantFrom('10', '0', 'x"y', 'é', 'tab\t') },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
);
const scalar = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1e-7, 1e21, 1.7976931348623157e308, 5e-324),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('é', 'q"', 'back\\slash', 'line\nbreak'),
);
const object = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    { weight: 8, arbitrary: scalar },
    { weight: 2, arbitrary: tie('object') },
    { weight: 1, arbitrary: fc.array(scalar, { maxLength: 2 }) },
  ),
  object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
})).object;
/** Edits that make lines JSON.parse rejects or reads differently (half the lines have none). */
const TOKENS = ['{', '}', '[', '"', ',', ':', ' ', '\t', '\r', 'NaN', '-', '0', '01', '.', 'e', 'E+', '1e999', 'null', 'tru', '\\', '\\u00', 'é', '"a":1,', '"a":{'];
const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 4 }), ins: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 3 })) });
const edits = fc.oneof(fc.constant([]), fc.array(edit, { minLength: 1, maxLength: 3 }));
/** JSON text of an object, compact or spaced as Python's json.dumps writes it. */
const line = fc
  .tuple(object, fc.boolean(), edits)
  .map(([o, spaced, list]) => {
    let s = JSON.stringify(o);
    if (spaced) s = JSON.stringify(o, null, 1).replace(/\n\s*/g, ' ');
    for (const e of list) {
      const p = e.at % (s.length + 1);
      s = s.slice(0, p) + e.ins + s.slice(p + e.del);
    }
    return s.replace(/\n/g, ' ');
  });

describe('JsonLineScanner against JSON.parse', () => {
  it('reads a line only as JSON.parse does, and reads every plain object', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        // What is compared is the text both see: a lone surrogate becomes U+FFFD in UTF-8.
        const text = Buffer.from(lines.join('\n')).toString('utf8');
        const scanned = scan(text);
        text.split('\n').forEach((l, i) => {
          const expected = reference(l);
          const got = scanned[i];
          if (l.trim() === '' && /^[ \t\r]*$/.test(l)) return assert.equal(got, 'blank');
          if (got === 'other' || got === 'blank') {
            // Declining is allowed only for what the scanner leaves to JSON.parse on purpose.
            assert.ok(got === 'other' && !(expected !== undefined && isPlain(l)), `declined a plain line: ${JSON.stringify(l)}`);
            return;
          }
          assert.ok(expected, `read a line JSON.parse rejects: ${JSON.stringify(l)}`);
          assert.equal(got.length, expected.length, l);
          got.forEach(([key, type, raw], j) => {
            const [k, t, v] = expected[j];
            assert.equal(key, k, l);
            if (type === Num || type === BigNumber) {
              assert.equal(t, Num, l);
              assert.ok(Object.is(Number(raw), v), `${raw} is not ${v} in ${l}`);
              if (type === Num) assert.ok(Number.isFinite(Number(raw)), l);
            } else if (type === Str || type === EscapedString) {
              assert.equal(t, Str, l);
              assert.equal(JSON.parse(raw), v, l);
              if (type === Str) assert.equal(raw.slice(1, -1), v, l);
            } else assert.equal(type, t, l);
          });
        });
      }),
      { numRuns: 400 },
    );
  });
});

describe('json-scan-wasm.ts', () => {
  it('is what wasm/json-scan.ts compiles to (run `npm run build:wasm` after changing it)', { timeout: 120_000 }, async () => {
    assert.equal(readFileSync(MODULE_PATH, 'utf8'), moduleText(await compileScanner()));
  });
});
