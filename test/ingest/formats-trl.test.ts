import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadTrainerState, parseTrainerState, trlStateReader } from '../../src/ingest/trl-state.ts';
import { InputError } from '../../src/util/errors.ts';
import { Warnings } from '../../src/util/warnings.ts';
import { expectedFormats, FORMAT_FIXTURES, stepsObject } from './formats-text.helpers.ts';

const RUN_DIR = join(FORMAT_FIXTURES, 'trl', 'grpo-run');
const STATE = join(RUN_DIR, 'checkpoint-30', 'trainer_state.json');

describe('TRL trainer_state.json', () => {
  test('reads what transformers TrainerState.save_to_json wrote, NaN/Infinity dropped and counted', async () => {
    const warnings = new Warnings();
    const [run] = await loadTrainerState(STATE, { warnings });
    const e = expectedFormats.trl;
    assert.deepEqual(stepsObject(run), e.steps);
    assert.equal(run.id, 'grpo-run');
    assert.equal(run.format, 'trl-state');
    assert.deepEqual(warnings.list(), [`${STATE}: ${e.nonFinite} null or non-finite values dropped; first is log_history[0].loss`]);
  });

  test('the eval entry adds eval_* keys to its step; the summary entry is skipped', async () => {
    const [run] = await loadTrainerState(STATE);
    assert.equal(run.steps.get(20)?.get('eval_rewards/accuracy_reward/mean'), 0.55);
    assert.equal(run.steps.get(20)?.has('entropy'), true);
    for (const metrics of run.steps.values()) assert.equal(metrics.has('train_runtime'), false);
  });

  test('an output folder reads its latest checkpoint', async () => {
    const [run] = await loadTrainerState(RUN_DIR);
    assert.equal(run.source, STATE);
    assert.equal(run.id, 'grpo-run');
    assert.equal((await loadTrainerState(RUN_DIR, { id: 'x' }))[0].id, 'x');
    assert.equal(await trlStateReader.sniff({ path: RUN_DIR, isDirectory: true, head: new Uint8Array(0) }), true);
  });

  test('NaN/Infinity inside strings stay text; bare ones outside strings are missing values', () => {
    const run = parseTrainerState('{"note": "NaN Infinity -Infinity", "log_history": [{"step": 1, "a": NaN, "b": -Infinity, "c": 2}]}');
    assert.deepEqual(stepsObject(run), { '1': { c: 2 } });
  });

  test('entries without a step are skipped with a warning', () => {
    const warnings = new Warnings();
    const run = parseTrainerState('{"log_history": [{"loss": 1}, 3, {"step": 2, "loss": 0.5}]}', { source: 's.json', warnings });
    assert.deepEqual(stepsObject(run), { '2': { loss: 0.5 } });
    assert.deepEqual(warnings.list(), ['s.json: 2 log_history entries without a numeric "step" skipped; first is log_history[0]']);
  });

  test('broken JSON is an InputError naming the line', () => {
    assert.throws(
      () => parseTrainerState('{\n  "log_history": [\n    {"step": 1,, "a": 2}\n  ]\n}', { source: 's.json' }),
      (e: unknown) => e instanceof InputError && e.message.startsWith('s.json:3: '),
    );
    assert.throws(() => parseTrainerState('{"global_step": 3}', { source: 's.json' }), /no "log_history" list/);
  });

  test('sniff: a JSON object with log_history, not other JSON', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    assert.equal(await trlStateReader.sniff({ path: 'a.json', isDirectory: false, head: enc('{\n  "best_metric": null,\n  "log_history": [') }), true);
    assert.equal(await trlStateReader.sniff({ path: 'a.json', isDirectory: false, head: enc('{"step": 1, "data": {}}\n') }), false);
  });

  test('a folder without trainer_state.json is an InputError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trl-'));
    try {
      await mkdir(join(dir, 'checkpoint-5'));
      await writeFile(join(dir, 'checkpoint-5', 'config.json'), '{}');
      await assert.rejects(loadTrainerState(dir), (e: unknown) => e instanceof InputError && /no trainer_state\.json/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
