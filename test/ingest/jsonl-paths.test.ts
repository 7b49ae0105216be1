// A JSONL table read from a stream (bytes, through the WebAssembly scanner) must come out exactly as the same
// text read line by line with JSON.parse: the same runs, steps, values, key lists and warnings.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { fc } from '../property.ts';
import { jsonlTableParser, KeyFilter, parseJsonlTable, parseVerlJsonl, readLineStream, verlJsonlParser, Warnings } from './imports.ts';
import type { RawRun } from './imports.ts';

/** A stream of the bytes in chunks of `size`. */
const chunked = (bytes: Buffer, size: number) => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));

/** Both paths on one text: [runs or error, warnings] each. */
async function bothPaths(text: string, chunk: number, options: { step?: string; filter?: boolean }) {
  const run = async (read: (w: Warnings, keep: KeyFilter | undefined) => Promise<RawRun[]> | RawRun[]) => {
    const warnings = new Warnings();
    const keep = options.filter ? new KeyFilter(['my/acc']) : undefined;
    try {
      const runs = await read(warnings, keep);
      return { runs: runs.map((r) => ({ ...r, steps: r.steps, allKeys: r.allKeys && [...r.allKeys].sort() })), warnings: warnings.list() };
    } catch (error) {
      return { error: String(error), warnings: warnings.list() };
    }
  };
  const text$ = await run((warnings, keep) => parseJsonlTable(text, { source: 't.jsonl', step: options.step, keep, warnings }));
  const bytes$ = await run((warnings, keep) =>
    readLineStream(chunked(Buffer.from(text), chunk), jsonlTableParser({ source: 't.jsonl', step: options.step, keep, warnings }), { source: 't.jsonl', warnings }),
  );
  return { text: text$, bytes: bytes$ };
}

/** Stands for a number that overflows to Infinity (`1e999`), which JSON.stringify cannot write. */
const OVERFLOW = 7.77e77;
const value = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(fc.double({ noNaN: true }), fc.integer({ min: -5, max: 50 }), fc.constantFrom(0.5, -0, 1e-6, OVERFLOW)) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 'a', 'é', 'x"y') },
);
const KEYS = ['step', '_step', 'global_step', 'run', 'actor/entropy', 'critic/score/mean', 'my/acc', 'timing_s/gen', 'val-core/d/acc/mean@1'];
/** A line as a logger writes it: flat or nested, compact or spaced, with NaN as Python writes it, or broken. */
const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 7 }), fc.boolean(), fc.boolean(), fc.constantFrom('', 'r1', 'r2', 'é')).map(([o, nested, spaced, run]) => {
    const object: Record<string, unknown> = run ? { ...o, run } : { ...o };
    const shaped = nested ? { step: object.step, data: { actor: { entropy: object['actor/entropy'] } }, ...object } : object;
    const text = JSON.stringify(shaped).replaceAll(String(OVERFLOW), '1e999');
    return spaced ? text.replace(/,"/g, ', "').replace(/":/g, '": ') : text;
  }) },
  { weight: 1, arbitrary: fc.constantFrom('', '  ', 'not json', '{"step": 1, "actor/entropy": NaN}', '{"step": 2, "my/acc": Infinity}', '[1]', '{"step": 3, "a": [1], "my/acc": 0.1}', '{"step": 4', '{"10": 1, "step": 5}', '{"step": 6, "step": 7, "my/acc": 0.2}', '{"step":8,"my/acc":0.3}\r') },
);

describe('JSONL tables: bytes and text paths', () => {
  it('give the same runs and warnings on random logs, cut into chunks anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom(undefined, 'global_step'),
        fc.boolean(),
        async (lines, chunk, step, filter) => {
          const text = lines.join('\n');
          const { text: expected, bytes: got } = await bothPaths(text, chunk, { step, filter });
          assert.deepEqual(got, expected, text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('give the same runs on a log whose keys differ from line to line (the step table turns into maps)', async () => {
    // 300 random keys per line, in random order: more key orders than the compact table keeps.
    const keys = Array.from({ length: 600 }, (_, i) => `k${i}`);
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const lines = Array.from({ length: 40 }, (_, step) => {
      const picked = keys.filter(() => rand() < 0.5).sort(() => rand() - 0.5);
      return JSON.stringify({ step: step % 30, ...Object.fromEntries(picked.map((k) => [k, Math.round(rand() * 1000) / 8])) });
    });
    const { text: expected, bytes: got } = await bothPaths(lines.join('\n'), 4096, {});
    assert.ok('runs' in expected && expected.runs![0].steps.size === 30);
    assert.deepEqual(got, expected);
  });
});

/** A verl file-logger line, `{"step", "data"}`, with the variations loggers and crashes make. */
const verlLine = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom('3', null, OVERFLOW)),
        fc.dictionary(fc.constantFrom('actor/entropy', 'my/acc', 'timing_s', 'perf/mfu', 'data'), fc.oneof(value, fc.dictionary(fc.constantFrom('gen', 'x'), value, { maxKeys: 2 })), { maxKeys: 5 }),
        fc.constantFrom('object', 'object', 'object', 'array', 'string', 'missing'),
        fc.constantFrom({}, { 'data/x': 1 }, { ts: 5, extra: { y: 2 } }, { 'data/actor/entropy': { z: 3 } }),
        fc.boolean(),
      )
      .map(([step, data, shape, extra, stepFirst]) => {
        const d = shape === 'object' ? data : shape === 'array' ? [1] : shape === 'string' ? 'x' : undefined;
        const object = stepFirst ? { step, data: d, ...extra } : { ...extra, data: d, step };
        return JSON.stringify(object).replaceAll(String(OVERFLOW), '1e999');
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom('', 'not json', '{"step": 1, "data": {"actor/entropy": NaN}}', '{"step": 2, "data": {"a": 1}', '{"step": 4, "step": 5, "data": {}}') },
);

describe('verl JSONL: bytes and text paths', () => {
  it('give the same run and warnings on random logs, cut into chunks anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(verlLine, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 200 }), fc.boolean(), async (lines, chunk, filter) => {
        const text = lines.join('\n');
        const read = async (bytes: boolean) => {
          const warnings = new Warnings();
          const keep = filter ? new KeyFilter(['my/acc']) : undefined;
          const options = { source: 'v.jsonl', keep, warnings };
          const run = bytes ? await readLineStream(chunked(Buffer.from(text), chunk), verlJsonlParser(options), { source: 'v.jsonl', warnings }) : parseVerlJsonl(text, options);
          return { run: { ...run, allKeys: run.allKeys && [...run.allKeys].sort() }, warnings: warnings.list() };
        };
        assert.deepEqual(await read(true), await read(false), text);
      }),
      { numRuns: 300 },
    );
  });
});
