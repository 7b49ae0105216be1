// What real logs do to readers: resumed runs, steps out of order, NaN/Inf, empty and binary files, huge
// lines, other encodings. Each problem gives one message naming the file and line (or byte offset), and the
// rest of the input is still read.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ingest, InputError, KNOWN_FORMATS, parseLines, readLineStream, verlConsoleParser, Warnings } from './imports.ts';
import type { LineParser } from './imports.ts';

let dir = '';
const line = (step: number, h: number, acc: number) => `step:${step} - actor/entropy:${h} - val-core/a/acc/mean@1:${acc}`;

/** Writes a file under the temp dir. */
function put(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** A parser that collects its lines. */
function collect(): LineParser<Array<[string, number]>> {
  const lines: Array<[string, number]> = [];
  return { line: (text, n) => void lines.push([text, n]), finish: () => lines };
}

/** A stream of the given bytes in chunks of `size` (to cut lines and characters at every place). */
const chunked = (bytes: Buffer, size: number) => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)));

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-law-robust-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('steps', () => {
  it('a resumed run: rewritten steps keep the later values, in one warning with the count', async () => {
    const first = [1, 2, 3, 4].map((s) => line(s, 1 - s / 10, s / 10));
    const resumed = [3, 4, 5].map((s) => line(s, 0.5 - s / 100, s / 100));
    const path = put('resumed.log', [...first, 'restarting from checkpoint 2', ...resumed, ''].join('\n'));
    const warnings = new Warnings();
    const data = await ingest([path], { warnings });
    assert.deepEqual([...data.series[0].step], [1, 2, 3, 4, 5]);
    assert.deepEqual([...data.series[0].metric], [0.1, 0.2, 0.03, 0.04, 0.05]);
    assert.deepEqual(warnings.list(), [`${path}: 2 steps written more than once (a resumed run?): the later values kept; first at line 6 (step 3)`]);
  });

  it('steps out of order are sorted, with one warning; verl JSONL and CSV alike', async () => {
    const jsonl = put('order.jsonl', [3, 1, 2, 5, 4].map((s) => JSON.stringify({ step: s, data: { 'actor/entropy': s / 10, 'val-core/a/acc/mean@1': s } })).join('\n'));
    const csv = put('order2.csv', ['step,actor/entropy,eval_accuracy', '2,0.2,2', '1,0.1,1', '3,0.3,3', ''].join('\n'));
    const warnings = new Warnings();
    const data = await ingest([jsonl, csv], { warnings });
    assert.deepEqual([...data.series[0].step], [1, 2, 3, 4, 5]);
    assert.deepEqual([...data.series[0].entropy], [0.1, 0.2, 0.3, 0.4, 0.5]);
    assert.deepEqual([...data.series[1].step], [1, 2, 3]);
    assert.deepEqual(warnings.list(), [
      `${jsonl}: 3 steps out of order (sorted by step); first at line 2 (step 1 after step 3)`,
      `${csv}: 1 steps out of order (sorted by step); first at line 3 (step 1 after step 2)`,
    ]);
  });

  it('NaN and Inf are dropped and counted, the step kept where its other values are finite', async () => {
    const path = put('nan.jsonl', [
      '{"step": 1, "data": {"actor/entropy": 0.5, "val-core/a/acc/mean@1": 0.1}}',
      '{"step": 2, "data": {"actor/entropy": NaN, "val-core/a/acc/mean@1": 0.2}}',
      '{"step": 3, "data": {"actor/entropy": 0.4, "val-core/a/acc/mean@1": Infinity}}',
      '{"step": 4, "data": {"actor/entropy": 0.3, "val-core/a/acc/mean@1": 0.4}}',
    ].join('\n'));
    const warnings = new Warnings();
    const data = await ingest([path], { warnings });
    assert.deepEqual([...data.series[0].step], [1, 4]);
    assert.ok(data.series[0].entropy.every(Number.isFinite) && data.series[0].metric.every(Number.isFinite));
    assert.deepEqual(warnings.list(), [
      `${path}: 2 null or non-finite values dropped; first at line 2 (actor/entropy)`,
      `${path}: run 'nan': 3 validation steps, 2 with entropy: used 2; step 2 has no actor/entropy: not a point`,
    ]);
  });
});

describe('files that are not logs', () => {
  it('empty, binary and unknown files: an error naming the file when named, a skip in a directory', async () => {
    const empty = put('junk/empty.log', '');
    const binary = put('junk/random.bin', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 256)));
    const prose = put('junk/notes.txt', 'Training went well.\nNothing to parse here.\n');
    put('junk/run.log', [line(1, 0.5, 0.1), line(2, 0.4, 0.2), ''].join('\n'));
    const reject = async (path: string, message: string) =>
      assert.rejects(ingest([path]), (e: unknown) => e instanceof InputError && e.message === message);
    await reject(empty, `${empty}: empty file`);
    await reject(binary, `${binary}@0: binary data, not a recognised log format (expected ${KNOWN_FORMATS})`);
    await reject(prose, `${prose}: unrecognised log format (expected ${KNOWN_FORMATS})`);
    const warnings = new Warnings();
    const data = await ingest([join(dir, 'junk')], { warnings });
    assert.deepEqual(data.runs.map((r) => r.id), ['run']);
    assert.equal(warnings.size, 3);
    assert.ok(warnings.list().every((w) => w.startsWith(`skipped ${join(dir, 'junk')}/`)));
  });

  it("a run folder's config, sweep, checkpoint and SQLite sidecar files are left out of a walk without a warning", async () => {
    put('run-folder/log.log', [line(1, 0.5, 0.1), line(2, 0.4, 0.2), ''].join('\n'));
    put('run-folder/config.yaml', 'actor_rollout_ref:\n  rollout:\n    temperature: 1.0\n');
    put('run-folder/training_args.json', '{"learning_rate": 1e-6}');
    put('run-folder/checkpoint.safetensors', Buffer.from([1, 2, 3, 4]));
    put('run-folder/project.db-wal', Buffer.from([0, 0, 0]));
    put('run-folder/experiment.yaml', 'train: {steps: 200}\ngrid:\n  seed: [0, 1]\n');
    const warnings = new Warnings();
    const data = await ingest([join(dir, 'run-folder')], { warnings });
    assert.deepEqual(data.runs.map((r) => r.id), ['log']);
    assert.deepEqual(warnings.list(), []);
    // Named directly, a config file is not taken for a log either.
    await assert.rejects(ingest([join(dir, 'run-folder/training_args.json')]), InputError);
  });

  it('binary garbage inside a log costs only the lines it is on', async () => {
    const garbage = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31 + 7) % 256));
    const path = put('garbled.log', Buffer.concat([Buffer.from(line(1, 0.5, 0.1) + '\n'), garbage, Buffer.from('\n' + line(2, 0.4, 0.2) + '\n')]));
    const data = await ingest([path]);
    assert.deepEqual([...data.series[0].step], [1, 2]);
  });
});

describe('lines and encodings', () => {
  it('reads a 10 MB line (a sample dump in a console log, a big JSONL row) and the lines around it', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const log = put('big.log', [line(1, 0.5, 0.1), `(main_task pid=1) sample: ${big}`, line(2, 0.4, 0.2), ''].join('\n'));
    const jsonl = put('big2.jsonl', [
      JSON.stringify({ step: 1, data: { 'actor/entropy': 0.5, 'val-core/a/acc/mean@1': 0.1 } }),
      JSON.stringify({ step: 2, data: { 'actor/entropy': 0.4, 'val-core/a/acc/mean@1': 0.2, text: big } }),
    ].join('\n'));
    const warnings = new Warnings();
    const data = await ingest([log, jsonl], { warnings });
    assert.deepEqual(data.runs.map((r) => r.points), [2, 2]);
    assert.deepEqual(warnings.list(), []);
  });

  it('skips a line over the limit with one warning naming it, and reads on', async () => {
    const text = Buffer.from(['a', 'b'.repeat(100), 'c', 'd'.repeat(50), 'e'].join('\n'));
    const warnings = new Warnings();
    const lines = await readLineStream(chunked(text, 7), collect(), { source: 'x.log', maxLineBytes: 40, warnings });
    assert.deepEqual(lines, [['a', 1], ['c', 3], ['e', 5]]);
    assert.deepEqual(warnings.list(), ['x.log: 2 lines longer than 40 bytes skipped; first at line 2']);
  });

  it('gives the same lines whatever the chunk size, with CRLF endings and multi-byte characters cut across chunks', async () => {
    const text = 'α,β\r\nstep:1 - ключ:1\n\n✨ Global step 2\r\nlast';
    const expected = parseLines(text, collect()).filter(([l], i, all) => i < all.length || l !== '');
    for (const size of [1, 2, 3, 5, 64]) {
      assert.deepEqual(await readLineStream(chunked(Buffer.from(text), size), collect()), expected, `chunks of ${size}`);
    }
    assert.deepEqual(expected.map(([l]) => l), ['α,β', 'step:1 - ключ:1', '', '✨ Global step 2', 'last']);
  });

  it('decodes UTF-16 with a byte-order mark (LE and BE) and keeps Latin-1 bytes as characters', async () => {
    const text = `${line(1, 0.5, 0.1)}\r\n${line(2, 0.4, 0.2)}\r\n`;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    const warnings = new Warnings();
    const data = await ingest([put('utf16le.log', le), put('utf16be.log', be)], { warnings });
    assert.deepEqual(data.runs.map((r) => [r.format, r.points]), [['verl-console', 2], ['verl-console', 2]]);
    assert.deepEqual([...data.series[1].metric], [0.1, 0.2]);
    // A CSV written in Latin-1 (a Windows export): the run names keep their accents.
    const latin1 = put('latin1.csv', Buffer.from('run,step,actor/entropy,eval_accuracy\nrésumé,1,0.5,0.1\nrésumé,2,0.4,0.2\n', 'latin1'));
    const csv = await ingest([latin1]);
    assert.deepEqual(csv.runs.map((r) => r.id), ['résumé']);
    // A lone invalid byte in a UTF-8 line: that line alone is read as Latin-1, the others as UTF-8.
    const mixed = await readLineStream(Readable.from([Buffer.concat([Buffer.from('ключ\n'), Buffer.from([0x61, 0xe9, 0x0a]), Buffer.from('ok')])]), collect());
    assert.deepEqual(mixed, [['ключ', 1], ['aé', 2], ['ok', 3]]);
  });

  it('parses a console log streamed in small chunks exactly as from text, line numbers included', async () => {
    const text = [
      'noise',
      line(1, 0.5, 0.1),
      'sample text\r',
      '\x1b[36m(main_task pid=1)\x1b[0m ' + line(2, 0.4, 0.2),
      'more',
      'text',
      'step:3 - actor/entropy:nan - val-core/a/acc/mean@1:oops',
      'step: not a step',
      line(2, 0.3, 0.3),
      'the end',
    ].join('\n');
    const fromText = new Warnings();
    const expected = parseLines(text, verlConsoleParser({ source: 's', warnings: fromText }));
    assert.equal(fromText.size, 3);
    for (const size of [1, 3, 7, 40, 1000]) {
      const fromStream = new Warnings();
      assert.deepEqual(await readLineStream(chunked(Buffer.from(text), size), verlConsoleParser({ source: 's', warnings: fromStream })), expected);
      assert.deepEqual(fromStream.list(), fromText.list(), `chunks of ${size}`);
    }
    assert.deepEqual(fromText.list(), [
      "s: 1 malformed metric lines read in part or skipped; first at line 7 (bad value in 'val-core/a/acc/mean@1:oops')",
      's: 1 non-finite values (nan/inf) dropped; first at line 7 (actor/entropy)',
      's: 1 steps written more than once (a resumed run?): the later values kept; first at line 9 (step 2)',
    ]);
  });
});
