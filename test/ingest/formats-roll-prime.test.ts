// ROLL console logs and prime-rl metrics files, written as ROLL's logger and prime-rl's FileMonitor write
// them (test/fixtures/formats/make_more_fixtures.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseRollConsole, rollConsoleReader } from '../../src/ingest/roll-console.ts';
import { primeRlReader } from '../../src/ingest/prime-rl.ts';
import { ingest, Warnings } from './imports.ts';
import { FORMAT_FIXTURES, stepsObject } from './formats-text.helpers.ts';

const more = JSON.parse(readFileSync(join(FORMAT_FIXTURES, 'more-expected.json'), 'utf8')) as Record<
  string,
  { steps: Record<string, Record<string, number>>; nonFinite?: number; badLine?: number }
>;
const ROLL = join(FORMAT_FIXTURES, 'roll', 'train.log');
const TRAINER = join(FORMAT_FIXTURES, 'prime-rl', 'trainer', 'metrics.jsonl');
const ORCHESTRATOR = join(FORMAT_FIXTURES, 'prime-rl', 'orchestrator', 'metrics.jsonl');
const head = (path: string) => ({ path, isDirectory: false, head: readFileSync(path).subarray(0, 65536) });

describe('ROLL console log', () => {
  test('every metrics_tag line, value for value; the NaN, the resumed steps and the cut last line each one warning', () => {
    const warnings = new Warnings();
    const run = parseRollConsole(readFileSync(ROLL, 'utf8'), { source: 'train.log', warnings });
    assert.deepEqual(stepsObject(run), more.roll.steps);
    assert.deepEqual(warnings.list(), [
      `train.log: 1 unreadable metrics_tag lines skipped; first at line ${more.roll.badLine} (Unterminated string in JSON at position 42)`,
      'train.log: 1 null or non-finite values dropped; first at line 6 (critic/entropy/mean)',
      'train.log: 4 steps written more than once (a resumed run?): the later values kept; first at line 13 (step 6)',
    ]);
  });

  test('detected by content; ROLL keys chosen: critic/entropy/mean and val_correct/all/mean', async () => {
    assert.equal(rollConsoleReader.sniff(head(ROLL)), true);
    assert.equal(primeRlReader.sniff(head(ROLL)), false);
    const data = await ingest([ROLL], { warnings: new Warnings() });
    assert.deepEqual(data.runs.map((r) => [r.id, r.format, r.entropyKey, r.metric, r.points]), [['train', 'roll-console', 'critic/entropy/mean', 'val_correct/all/mean', 3]]);
  });
});

describe('prime-rl metrics.jsonl', () => {
  test('each file is read as written, named by its folder', async () => {
    assert.equal(primeRlReader.sniff(head(TRAINER)), true);
    const [trainer] = await primeRlReader.load(TRAINER, { warnings: new Warnings() });
    assert.deepEqual([trainer.id, trainer.format], ['trainer', 'prime-rl']);
    const time = (s: Record<string, Record<string, number>>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { ...v, time: 1.7e9 + Number(k) }]));
    assert.deepEqual(stepsObject(trainer), time(more['prime-rl-trainer'].steps));
  });

  test('trainer and orchestrator files are one run with --join: entropy from one, the eval average of the other', async () => {
    const warnings = new Warnings();
    const data = await ingest([TRAINER, ORCHESTRATOR], { warnings, join: true, runIds: ['qwen-grpo'] });
    assert.equal(data.runs.length, 1);
    const run = data.runs[0];
    assert.deepEqual([run.id, run.entropyKey, run.metricKeys, run.points], ['qwen-grpo', 'entropy/all/mean', ['eval/gsm8k/all/default/avg@4', 'eval/math/all/default/avg@4'], 3]);
    assert.deepEqual(run.sources, [TRAINER, ORCHESTRATOR]);
    const s = data.series[0];
    const t = more['prime-rl-trainer'].steps;
    const o = more['prime-rl-orchestrator'].steps;
    assert.deepEqual([...s.step], [4, 8, 12]);
    assert.deepEqual([...s.entropy], [4, 8, 12].map((k) => t[k]['entropy/all/mean']));
    assert.deepEqual([...s.metric], [4, 8, 12].map((k) => (o[k]['eval/gsm8k/all/default/avg@4'] + o[k]['eval/math/all/default/avg@4']) / 2));
    // `time` differs between the files at every step, but it is no candidate key, so it is not kept to differ.
    assert.deepEqual(warnings.list(), []);
  });

  test('without --join each file alone has no run: the trainer has no R, the orchestrator no entropy', async () => {
    await assert.rejects(ingest([TRAINER], { warnings: new Warnings() }), /no metric for R/);
    await assert.rejects(ingest([ORCHESTRATOR], { warnings: new Warnings() }), /no entropy key/);
  });
});
