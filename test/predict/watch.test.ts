import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ingest } from '../../src/ingest/index.ts';
import { forecastRun } from '../../src/predict/forecast.ts';
import { syntheticRun } from '../../src/predict/synthetic.ts';
import { watch, type WatchUpdate } from '../../src/predict/watch.ts';
import { REAL_LOGS } from '../helpers.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'entropy-law-watch-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** verl console lines of a synthetic run: a training line and a validation line per step. */
function consoleLines(n: number, seed = 1): string[] {
  const run = syntheticRun({ seed, points: n });
  return Array.from(run.step, (s, i) => [
    `\x1b[36m(main_task pid=7)\x1b[0m step:${s} - actor/entropy:${run.entropy[i]} - critic/score/mean:0.3`,
    `(main_task pid=7) step:${s} - val-core/openai/gsm8k/acc/mean@1:${run.metric[i]}`,
  ]).flat();
}

test('watch refreshes the forecast once per new point, never from a half-written line', async () => {
  const path = join(dir, 'live.log');
  await writeFile(path, 'INFO starting, please wait\n');
  const updates: WatchUpdate[] = [];
  const reports: number[] = [];
  const w = watch(path, {
    at: 500,
    replicates: 30,
    pollMs: 60_000,
    onUpdate: (u) => void updates.push(u),
    onReport: (u) => void reports.push(u.points),
  });
  const lines = consoleLines(8);
  for (const line of lines) {
    const cut = Math.floor(line.length / 2);
    await appendFile(path, line.slice(0, cut));
    await w.poll();
    await appendFile(path, line.slice(cut) + '\n');
    await w.poll();
  }
  await w.stop();
  await w.done;
  assert.deepEqual(updates.map((u) => u.points), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(reports, [1, 2, 3, 4, 5, 6, 7, 8], 'the report hook follows every update');
  assert.ok(updates.slice(0, 3).every((u) => u.forecast === null && /at least/.test(u.error as string)));
  const last = updates.at(-1)!;
  assert.equal(last.run, 'live');
  const expected = syntheticRun({ seed: 1, points: 8 });
  assert.deepEqual(last.series.metric, expected.metric, 'half lines never produced a truncated value');
  assert.deepEqual(last.forecast, forecastRun({ ...expected, run: 'live' }, { at: 500, replicates: 30 }));
});

test('watching a real verl log written in odd-sized chunks gives the same run as ingest', async () => {
  const source = `${REAL_LOGS}gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640.log`;
  const bytes = await readFile(source);
  const path = join(dir, 'gemma.log');
  await writeFile(path, '');
  const updates: WatchUpdate[] = [];
  const w = watch(path, { pollMs: 60_000, replicates: 20, onUpdate: (u) => void updates.push(u) });
  for (let at = 0, size = 1; at < bytes.length; at += size, size = (size * 7 + 3) % 9000) {
    await appendFile(path, bytes.subarray(at, at + size));
    await w.poll();
  }
  await w.stop();
  const whole = (await ingest([source])).series[0];
  const last = updates.at(-1)!;
  assert.equal(last.points, 10);
  assert.equal(last.metric, 'val/test_score/openai/gsm8k');
  assert.deepEqual(last.series.step, whole.step);
  assert.deepEqual(last.series.entropy, whole.entropy);
  assert.deepEqual(last.series.metric, whole.metric);
  assert.deepEqual(updates.map((u) => u.points), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.ok(last.forecast !== null);
});

test('watch follows verl JSONL on its timer, and starts over when the file is rewritten', async () => {
  const path = join(dir, 'run.jsonl');
  const run = syntheticRun({ seed: 3, points: 6 });
  const line = (i: number): string =>
    JSON.stringify({ step: run.step[i], data: { 'actor/entropy': run.entropy[i], 'val-core/x/acc/mean@1': run.metric[i] } }) + '\n';
  await writeFile(path, line(0) + line(1) + line(2) + line(3) + line(4).slice(0, 20));
  const seen: number[] = [];
  let resolveFour!: () => void;
  let resolveFive!: () => void;
  const four = new Promise<void>((r) => (resolveFour = r));
  const five = new Promise<void>((r) => (resolveFive = r));
  const w = watch(path, {
    pollMs: 15,
    replicates: 20,
    onUpdate: (u) => {
      seen.push(u.points);
      if (u.points === 4) resolveFour();
      if (u.points === 5) resolveFive();
    },
  });
  await four;
  // More checks with the half line still pending must not add a point.
  await w.poll();
  await w.poll();
  assert.deepEqual(seen, [4], 'four complete lines, one half line');
  await appendFile(path, line(4).slice(20));
  await five;
  await writeFile(path, line(0) + line(1));
  await w.poll();
  await w.stop();
  assert.deepEqual(seen, [4, 5, 2]);
});

test('a watch stops with the error when the log cannot be followed', async () => {
  const path = join(dir, 'bad.log');
  await writeFile(path, 'step,actor/entropy,acc\n1,0.5,0.2\n');
  const errors: unknown[] = [];
  const w = watch(path, { pollMs: 60_000, format: 'csv', onUpdate: () => {}, onError: (e) => errors.push(e) });
  await w.poll();
  await w.stop();
  await w.done;
  assert.equal(errors.length, 0, 'a CSV is fine');
  const w2 = watch(path, { pollMs: 60_000, format: 'tensorboard', onUpdate: () => {} });
  await assert.rejects(w2.done, /cannot follow tensorboard logs line by line/);
});

test('watch follows a TensorBoard run folder as its event file grows, a cut record at a time', async () => {
  // Event file written by tensorboardX (test/fixtures/tensorboard/make_fixtures.py): steps 1–10.
  const fixture = new URL('../fixtures/tensorboard/simple/events.out.tfevents.1700000001.fixture', import.meta.url).pathname;
  const bytes = await readFile(fixture);
  const folder = join(dir, 'tb-run');
  await mkdir(folder);
  const path = join(folder, 'events.out.tfevents.1700000001.fixture');
  await writeFile(path, '');
  const seen: number[] = [];
  const w = watch(folder, { pollMs: 60_000, replicates: 20, metric: 'val-core/openai/gsm8k/acc/mean_1', onUpdate: (u) => void seen.push(u.points) });
  for (let at = 0; at < bytes.length; at += 97) {
    await appendFile(path, bytes.subarray(at, at + 97));
    await w.poll();
  }
  await w.stop();
  assert.equal(seen.at(-1), 10);
  assert.ok(seen.every((p, i) => i === 0 || p > seen[i - 1]), `points only grow: ${seen.join(',')}`);
});

test('watch skips CSV rows with more fields than the header, with the warning ingest gives', async () => {
  const path = join(dir, 'extra.csv');
  const run = syntheticRun({ seed: 5, points: 6 });
  const rows = Array.from(run.step, (s, i) => `${s},${run.entropy[i]},${run.metric[i]}${i === 2 ? ',extra' : ''}`);
  await writeFile(path, ['step,actor/entropy,eval_accuracy', ...rows, ''].join('\n'));
  const updates: WatchUpdate[] = [];
  const w = watch(path, { pollMs: 60_000, replicates: 20, onUpdate: (u) => void updates.push(u) });
  await w.poll();
  await w.stop();
  const data = await ingest([path]);
  const last = updates.at(-1)!;
  assert.equal(last.points, 5);
  assert.deepEqual(last.series, data.series[0]);
  const skipped = `${path}: 1 rows with more fields than the header skipped; first at line 4 (4 fields, header has 3)`;
  assert.ok(data.warnings.includes(skipped));
  assert.ok(last.warnings.includes(skipped), last.warnings.join('\n'));
});
