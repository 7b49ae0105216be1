import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fc } from '../property.ts';
import { parseMlflowMetricLine } from '../../src/ingest/mlflow.ts';
import { parseOpenRlhfConsole } from '../../src/ingest/openrlhf-console.ts';
import { parsePythonLiteral, PySyntaxError } from '../../src/ingest/python-literal.ts';
import { eventWriter, parseEventFile } from '../../src/ingest/tensorboard.ts';
import { parseTrainerState } from '../../src/ingest/trl-state.ts';
import type { RawRun } from '../../src/ingest/types.ts';
import { parseWandbExport, parseWandbHistory } from '../../src/ingest/wandb.ts';
import { readWandbRun } from '../../src/ingest/wandb-run.ts';
import { readMlflowDatabase } from '../../src/ingest/mlflow-sqlite.ts';
import { readTrackioDatabase } from '../../src/ingest/trackio.ts';
import { parseRollConsole } from '../../src/ingest/roll-console.ts';
import { jsonlTableParser } from '../../src/ingest/jsonl-table.ts';
import { parseLines } from '../../src/ingest/line-stream.ts';
import { InputError } from '../../src/util/errors.ts';
import { Warnings } from '../../src/util/warnings.ts';
import { FORMAT_FIXTURES } from './formats-text.helpers.ts';

// Each parser gets random text/bytes and real fixtures with random edits. It may return runs or throw an
// InputError, nothing else; it must finish (the test timeout catches a hang); and every point it returns must
// come from the input: its key and step are in the text and its value is a number written there.

const RUNS = 120;
const TIMEOUT = { timeout: 20_000 };
/** Fragments that make edits hit the formats' syntax rather than only their text. */
const TOKENS = ['{', '}', '[', ']', '(', ')', "'", '"', ',', ':', '\n', ' ', 'nan', 'inf', '-', 'NaN', '-Infinity', '\\', 'True', 'None',
  '✨ Global step 3: {', '1e-06', '0.5', '_step', '"Step"', ' - ', 'np.float64(', '"log_history": [', '{"step": 2, ', 'metrics_tag: ', '"metrics": {'];

interface Edit { at: number; del: number; ins: string }
const edits = fc.array(
  fc.record({ at: fc.nat(), del: fc.nat({ max: 12 }), ins: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })) }),
  { maxLength: 8 },
);
function mutate(text: string, list: Edit[]): string {
  let s = text;
  for (const e of list) {
    const p = e.at % (s.length + 1);
    s = s.slice(0, p) + e.ins + s.slice(p + e.del);
  }
  return s;
}

/** Every number written in a text (Python/JSON spellings, `_` separators), and 0/1 for booleans. */
function numbersIn(text: string): Set<number> {
  const out = new Set<number>([0, 1]);
  for (const m of text.matchAll(/[+-]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?/g)) {
    const s = m[0].replaceAll('_', '');
    out.add(Number(s));
    // A sign may belong to the token before (`1-2`), so the unsigned number counts too.
    out.add(Math.abs(Number(s)));
  }
  return out;
}

const ESCAPED: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };
/** The text with JSON and Python string escapes replaced by the characters they stand for, and CSV's `""` by `"`. */
function unescaped(text: string): string[] {
  const code = (hex: string, m: string) => (Number.parseInt(hex, 16) <= 0x10ffff ? String.fromCodePoint(Number.parseInt(hex, 16)) : m);
  return [
    text.replace(/\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))/g, (m, x?: string, u?: string, U?: string, c?: string) =>
      c !== undefined ? (ESCAPED[c] ?? c) : code((x ?? u ?? U)!, m),
    ),
    text.replaceAll('""', '"'),
  ];
}

/** Asserts every point of the runs comes from the text. */
function assertFromText(runs: RawRun[], text: string): void {
  const numbers = numbersIn(text);
  for (const run of runs) {
    for (const [step, metrics] of run.steps) {
      assert.ok(numbers.has(step) || numbers.has(Math.abs(step)), `step ${step} not in the input`);
      for (const [key, value] of metrics) {
        assert.ok(Number.isFinite(value), `${key} = ${value}`);
        assert.ok(numbers.has(value) || numbers.has(Math.abs(value)), `${key} = ${value} not in the input`);
        // A key may be written with escapes (`\n` or `\u00e9` in JSON, `\'` or `\v` in a Python repr, `""` in CSV).
        for (const part of key.split('/')) {
          assert.ok([text, ...unescaped(text)].some((t) => t.includes(part)), `key ${JSON.stringify(key)} not in the input`);
        }
      }
    }
  }
}

/** Runs a parser; an InputError is an allowed outcome, any other throw fails the property. */
function runsOrInputError(parse: () => RawRun[]): RawRun[] {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InputError) return [];
    throw error;
  }
}

const read = (path: string) => readFileSync(join(FORMAT_FIXTURES, path), 'utf8');
const TEXT_PARSERS: Array<{ name: string; fixture: string; parse: (text: string) => RawRun[] }> = [
  { name: 'trainer_state.json', fixture: read('trl/grpo-run/checkpoint-30/trainer_state.json'), parse: (t) => [parseTrainerState(t, { warnings: new Warnings() })] },
  { name: 'OpenRLHF console', fixture: read('openrlhf/train.log'), parse: (t) => [parseOpenRlhfConsole(t, { warnings: new Warnings() })] },
  { name: 'W&B history JSONL', fixture: read('wandb/history.jsonl'), parse: (t) => parseWandbHistory(t, { warnings: new Warnings() }) },
  { name: 'W&B history CSV', fixture: read('wandb/history.csv'), parse: (t) => parseWandbHistory(t, { warnings: new Warnings() }) },
  { name: 'ROLL console', fixture: read('roll/train.log'), parse: (t) => [parseRollConsole(t, { warnings: new Warnings() })] },
  { name: 'prime-rl metrics.jsonl', fixture: read('prime-rl/orchestrator/metrics.jsonl'), parse: (t) => parseLines(t, jsonlTableParser({ step: 'step', warnings: new Warnings() })) },
  {
    name: 'W&B export',
    fixture: '"Step","a - acc","a - acc__MIN","b - acc"\n"0","0.5","0.4",""\n"10","","","0.25"\n"20","1e-3","","NaN"\n',
    parse: (t) => parseWandbExport(t, { warnings: new Warnings() }),
  },
];

describe('parsers on random and mutated input', () => {
  for (const { name, fixture, parse } of TEXT_PARSERS) {
    test(`${name}: only InputError, and every point is in the input`, TIMEOUT, () => {
      fc.assert(
        fc.property(fc.oneof(edits.map((e) => mutate(fixture, e)), fc.string({ maxLength: 200 })), (text) => {
          assertFromText(runsOrInputError(() => parse(text)), text);
        }),
        { numRuns: RUNS },
      );
    });
  }

  test('Python literals: a value or a PySyntaxError, and numbers only from the text', TIMEOUT, () => {
    const base = "{'a': 1, 'b': [nan, -inf, True], 'c': {'d': np.float64(2.5e-3)}, \"e'\": 'x\\'y'}";
    fc.assert(
      fc.property(fc.oneof(edits.map((e) => mutate(base, e)), fc.string({ maxLength: 100 })), (text) => {
        try {
          const { value, end } = parsePythonLiteral(text);
          assert.ok(end <= text.length);
          const numbers = numbersIn(text);
          const check = (v: unknown): void => {
            if (typeof v === 'number' && Number.isFinite(v)) assert.ok(numbers.has(v) || numbers.has(Math.abs(v)), String(v));
            else if (Array.isArray(v)) v.forEach(check);
            else if (v instanceof Map) v.forEach(check);
          };
          check(value);
        } catch (error) {
          if (!(error instanceof PySyntaxError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });

  test('MLflow metric lines: a result for every line, values from the line', TIMEOUT, () => {
    fc.assert(
      fc.property(fc.oneof(edits.map((e) => mutate('1700000000000 0.52 12', e)), fc.string({ maxLength: 40 })), (line) => {
        const parsed = parseMlflowMetricLine(line);
        if (parsed.ok && Number.isFinite(parsed.value)) assert.ok(numbersIn(line).has(Math.abs(parsed.value)));
      }),
      { numRuns: 300 },
    );
  });

  test('TensorBoard event files: only InputError, and every point is one the writer wrote', TIMEOUT, () => {
    const FIXTURES = new URL('../fixtures/tensorboard/', import.meta.url).pathname;
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'simple', 'events.out.tfevents.1700000001.fixture')));
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { simple: { points: [number, string, number][] } };
    const written = new Set(expected.simple.points.map(([s, t, v]) => `${s}|${t}|${v}`));
    const byteEdit = fc.record({ at: fc.nat(), del: fc.nat({ max: 40 }), ins: fc.uint8Array({ maxLength: 6 }) });
    const mutated = fc.array(byteEdit, { maxLength: 5 }).map((list) => {
      let b = bytes;
      for (const e of list) {
        const p = e.at % (b.length + 1);
        b = new Uint8Array([...b.subarray(0, p), ...e.ins, ...b.subarray(p + e.del)]);
      }
      return b;
    });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 600 })), (input) => {
        const writer = eventWriter('<bytes>');
        try {
          parseEventFile(input, writer, { warnings: new Warnings() });
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
        }
        for (const [step, metrics] of writer.run('r', '<bytes>', 'tensorboard').steps) for (const [tag, value] of metrics) assert.ok(written.has(`${step}|${tag}|${value}`));
      }),
      { numRuns: RUNS },
    );
  });

  /** Byte edits of a fixture: deletions, insertions and overwrites at random places. */
  const byteEdits = fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 40 }), ins: fc.uint8Array({ maxLength: 6 }) }), { minLength: 1, maxLength: 5 });
  function editBytes(bytes: Uint8Array, list: Array<{ at: number; del: number; ins: Uint8Array }>): Uint8Array {
    let b = bytes;
    for (const e of list) {
      const p = e.at % (b.length + 1);
      b = new Uint8Array([...b.subarray(0, p), ...e.ins, ...b.subarray(p + e.del)]);
    }
    return b;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'entropy-law-fuzz-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const pointSet = (runs: RawRun[]) => new Set(runs.flatMap((r) => [...r.steps].flatMap(([s, m]) => [...m].map(([k, v]) => `${s}|${k}|${v}`))));

  test('W&B run files: only InputError, and every point is one the writer wrote (chunks carry checksums)', TIMEOUT, () => {
    const FIXTURE = new URL('../fixtures/wandb-run/grpo-qwen.wandb', import.meta.url).pathname;
    const bytes = new Uint8Array(readFileSync(FIXTURE));
    const written = pointSet([readWandbRun(FIXTURE)]);
    const path = join(scratch, 'run.wandb');
    fc.assert(
      fc.property(fc.oneof(byteEdits.map((e) => editBytes(bytes, e)), fc.uint8Array({ maxLength: 600 })), (input) => {
        writeFileSync(path, input);
        let runs: RawRun[] = [];
        try {
          runs = [readWandbRun(path, { warnings: new Warnings() })];
        } catch (error) {
          if (!(error instanceof InputError)) throw error;
        }
        for (const point of pointSet(runs)) assert.ok(written.has(point), point);
      }),
      { numRuns: 60 },
    );
  });

  // SQLite pages carry no checksums: a changed byte inside a stored double is a different, valid double, which
  // no reader can tell. What holds: a result or an InputError, finite numbers only, and no hang.
  for (const [name, file, read] of [
    ['MLflow SQLite', 'mlflow.db', readMlflowDatabase],
    ['Trackio SQLite', 'trackio.db', readTrackioDatabase],
  ] as const) {
    test(`${name}: damaged files give runs of finite values or an InputError, nothing else`, TIMEOUT, () => {
      const bytes = new Uint8Array(readFileSync(new URL(`../fixtures/sqlite/${file}`, import.meta.url).pathname));
      const path = join(scratch, file);
      fc.assert(
        fc.property(fc.oneof(byteEdits.map((e) => editBytes(bytes, e)), fc.uint8Array({ maxLength: 600 })), (input) => {
          writeFileSync(path, input);
          let runs: RawRun[] = [];
          try {
            runs = read(path, { warnings: new Warnings() });
          } catch (error) {
            if (!(error instanceof InputError)) throw error;
          }
          for (const run of runs) for (const [step, m] of run.steps) for (const v of [step, ...m.values()]) assert.ok(Number.isFinite(v));
        }),
        { numRuns: 40 },
      );
    });
  }
});
