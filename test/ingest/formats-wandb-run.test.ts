// W&B run files written by the real wandb 0.30 (test/fixtures/wandb-run/make_fixtures.py): the values the
// script logged come back exactly, at the steps W&B plots them at, and cut or damaged files keep the rest.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { frameLog, isWandbRunHead, BLOCK_BYTES } from '../../src/ingest/leveldb-log.ts';
import { readWandbRun, wandbRunReader } from '../../src/ingest/wandb-run.ts';
import type { RawRun } from '../../src/ingest/types.ts';
import { ingest, InputError, KeyFilter, Warnings } from './imports.ts';
import { stepsObject } from './formats-text.helpers.ts';

const FIXTURES = new URL('../fixtures/wandb-run/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  bytes: number;
  rows: Record<string, Record<string, number>>;
  evals: Array<Record<string, number>>;
  config: Record<string, unknown>;
};

/** The steps the fixture must give: each row at its _step, each eval value at its eval/step (define_metric). */
function expectedSteps(drop: (step: string) => boolean = () => false): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [step, row] of Object.entries(expected.rows)) if (!drop(step)) out[step] = { ...row };
  for (const ev of expected.evals) {
    // eval/step itself is plotted against _step, in the row it was logged with (the row after its _step's).
    const at = Object.keys(expected.rows).find((s) => Number(s) % 10 === 5 && Math.floor(Number(s) / 10) === ev['eval/step'])!;
    if (!drop(at)) out[at]['eval/step'] = ev['eval/step'];
    const step = String(ev['eval/step']);
    if (!drop(at)) (out[step] ??= {})['eval/gsm8k'] = ev['eval/gsm8k'];
  }
  return out;
}


describe('W&B run files', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wandb-run-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('the header: :W&B, 0xBEE1, version 0 or 1', () => {
    const head = readFileSync(join(FIXTURES, 'grpo-qwen.wandb')).subarray(0, 7);
    assert.equal(isWandbRunHead(head), true);
    assert.equal(isWandbRunHead(Buffer.from([...head.subarray(0, 6), 1])), true);
    assert.equal(isWandbRunHead(Buffer.from([...head.subarray(0, 6), 2])), false);
    assert.equal(isWandbRunHead(Buffer.from('SQLite format 3\0')), false);
  });

  test('every row the writer logged, value for value, eval/* at eval/step; name and config from the run record', () => {
    const warnings = new Warnings();
    const run = readWandbRun(join(FIXTURES, 'grpo-qwen.wandb'), { warnings });
    assert.equal(run.id, 'grpo-qwen');
    assert.equal(run.format, 'wandb-run');
    assert.deepEqual(stepsObject(run), expectedSteps());
    assert.equal(run.config?.get('actor_rollout_ref.model.path'), 'Qwen/Qwen2.5-7B-Instruct');
    assert.equal(run.config?.get('actor_rollout_ref.rollout.temperature'), '0.7');
    assert.equal(run.config?.get('algorithm.adv_estimator'), 'grpo');
    assert.deepEqual(warnings.list(), [`${join(FIXTURES, 'grpo-qwen.wandb')}: 3 non-finite values (NaN, Infinity) dropped; first at byte offset 6100 (actor/entropy)`]);
  });

  test('a record longer than a block is put together from its FIRST, MIDDLE and LAST chunks', () => {
    const bytes = readFileSync(join(FIXTURES, 'grpo-qwen.wandb'));
    const records = [...frameLog(bytes.length, (into, at) => bytes.copy(into, 0, at, Math.min(bytes.length, at + into.length)))];
    assert.ok(records.every((r) => r.kind === 'record'));
    const longest = Math.max(...records.map((r) => (r.kind === 'record' ? r.data.length : 0)));
    assert.ok(longest > BLOCK_BYTES, `longest record ${longest} bytes`);
  });

  test('a file cut in its last block keeps every whole record before the cut, with one warning', () => {
    const warnings = new Warnings();
    const path = join(FIXTURES, 'truncated.wandb');
    const run = readWandbRun(path, { warnings });
    const whole = expectedSteps();
    const steps = stepsObject(run);
    assert.ok(Object.keys(steps).length >= 40 && Object.keys(steps).length < 60);
    for (const [step, values] of Object.entries(steps)) for (const [k, v] of Object.entries(values)) assert.equal(v, whole[step][k], `${k} at ${step}`);
    assert.match(warnings.list()[0], /truncated\.wandb@\d+: the file ends inside a record \(a live or killed run\?\); the \d+ whole records before it were read/);
  });

  test('a flipped byte costs its record only: the chunk after it is found by its own checksum', () => {
    const warnings = new Warnings();
    const path = join(FIXTURES, 'corrupt.wandb');
    const run = readWandbRun(path, { warnings });
    const whole = expectedSteps();
    const steps = stepsObject(run);
    const missing = Object.keys(whole).filter((s) => !(s in steps) || Object.keys(whole[s]).some((k) => !(k in steps[s])));
    assert.equal(missing.length, 1, `steps missing: ${missing}`);
    for (const [step, values] of Object.entries(steps)) for (const [k, v] of Object.entries(values)) assert.equal(v, whole[step][k]);
    assert.ok(warnings.list().some((w) => /1 corrupt chunks skipped \(with the records they were in\); first at byte offset \d+ \(checksum mismatch\)/.test(w)));
  });

  test('a chunk header with an impossible length: the rest of its block is lost, the blocks before it kept', async () => {
    const bytes = Buffer.from(readFileSync(join(FIXTURES, 'grpo-qwen.wandb')));
    bytes.fill(0xff, 3 * BLOCK_BYTES, 3 * BLOCK_BYTES + 7);
    const path = join(dir, 'garbage.wandb');
    await writeFile(path, bytes);
    const warnings = new Warnings();
    const run = readWandbRun(path, { warnings });
    assert.ok(run.steps.size >= 30 && run.steps.size < 60, `${run.steps.size} steps`);
    assert.ok(warnings.list().includes(`${path}: 1 corrupt chunks skipped (with the records they were in); first at byte offset ${3 * BLOCK_BYTES} (chunk length past its block)`));
    const whole = expectedSteps();
    for (const [step, values] of Object.entries(stepsObject(run))) for (const [k, v] of Object.entries(values)) assert.equal(v, whole[step][k]);
  });

  test('not a run file, or an empty one: an InputError naming the file and offset', async () => {
    const path = join(dir, 'x.wandb');
    await writeFile(path, 'hello world');
    assert.throws(() => readWandbRun(path), (e: unknown) => e instanceof InputError && e.message === `${path}@0: not a W&B run file (no ":W&B" header)`);
  });

  test('detected by content and read through ingest, keeping only the keys the choice can use', async () => {
    const file = join(dir, 'run-abc.bin');
    await writeFile(file, readFileSync(join(FIXTURES, 'grpo-qwen.wandb')));
    assert.equal(wandbRunReader.sniff({ path: file, isDirectory: false, head: readFileSync(file).subarray(0, 64) }), true);
    const data = await ingest([file], { warnings: new Warnings() });
    assert.equal(data.runs[0].format, 'wandb-run');
    assert.equal(data.runs[0].entropyKey, 'actor/entropy');
    assert.equal(data.runs[0].metric, 'eval/gsm8k');
    assert.deepEqual(data.runs[0].trainer, { temperature: 0.7, lossAggMode: 'seq-mean-token-mean' });
    assert.deepEqual([data.runs[0].model, data.runs[0].size, data.runs[0].algorithm, data.runs[0].dataset], ['qwen2.5', 7e9, 'grpo', 'gsm8k']);
    const kept = readWandbRun(file, { keep: new KeyFilter() });
    const keys = new Set([...kept.steps.values()].flatMap((m) => [...m.keys()]));
    assert.deepEqual([...keys].sort(), ['actor/entropy', 'critic/score/mean', 'eval/gsm8k']);
  });
});

export type { RawRun };
