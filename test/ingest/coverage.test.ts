// Points lost are counted and named: each run says how many steps had R, how many entropy, how many both,
// and in a sentence (a note, also a dataset warning) where steps with R were not points.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture } from '../helpers.ts';
import { expectedFormats } from './formats-text.helpers.ts';
import { ingest, Warnings } from './imports.ts';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-law-coverage-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('coverage and notes', () => {
  it('TRL with logging_steps=10, eval_steps=25: 6 of 12 evaluations are points, and eval_entropy would give 12', async () => {
    // trainer_state.json written by transformers' TrainerState (test/fixtures/formats/make_fixtures.py).
    const state = fixture('formats-cases/trl-eval-steps/checkpoint-300/trainer_state.json');
    const e = expectedFormats['trl-eval-steps'] as unknown as { evalSteps: number; evalWithEntropy: number };
    const data = await ingest([fixture('formats-cases/trl-eval-steps')]);
    const [run] = data.runs;
    assert.equal(run.metric, 'eval_rewards/accuracy_reward/mean');
    assert.deepEqual(run.coverage, { metric: e.evalSteps, entropy: 30, points: e.evalWithEntropy });
    const note = '12 validation steps, 6 with entropy: used 6; --entropy eval_entropy would use 12';
    assert.deepEqual(run.notes, [note]);
    assert.deepEqual(data.warnings, [`${state}: run 'trl-eval-steps': ${note}`]);
    // As the note says: with the eval set's own entropy, every evaluation is a point, and nothing is lost.
    const all = await ingest([fixture('formats-cases/trl-eval-steps')], { entropy: 'eval_entropy' });
    assert.deepEqual(all.runs[0].coverage, { metric: 12, entropy: 12, points: 12 });
    assert.deepEqual(all.runs[0].notes, []);
    assert.deepEqual(all.warnings, []);
  });

  it("verl's final validation, logged after the last training step, has no entropy: not a point", async () => {
    // verl's fit(): validation before training (step 0), every test_freq steps with that step's metrics,
    // and after the loop a last one at global_steps = total + 1, on its own line.
    const line = (s: number) => `(TaskRunner pid=1) step:${s} - actor/entropy:${(0.6 - s / 1000).toFixed(3)} - critic/score/mean:0.2`;
    const val = (s: number) => `(TaskRunner pid=1) step:${s} - val-core/openai/gsm8k/acc/mean@1:${(0.2 + s / 1000).toFixed(3)}`;
    const lines = [];
    for (let s = 1; s <= 434; s++) {
      lines.push(line(s));
      if (s % 10 === 0) lines.push(val(s));
    }
    lines.push(val(435), '');
    const path = join(dir, 'final.log');
    writeFileSync(path, lines.join('\n'));
    const data = await ingest([path]);
    const note = '44 validation steps, 43 with entropy: used 43; step 435 has no actor/entropy: not a point';
    assert.deepEqual(data.runs[0].coverage, { metric: 44, entropy: 434, points: 43 });
    assert.deepEqual(data.runs[0].notes, [note]);
    assert.deepEqual(data.warnings, [`${path}: run 'final': ${note}`]);
  });

  it('many steps without entropy are listed in part, with their count', async () => {
    const rows = ['step,actor/entropy,eval_accuracy'];
    for (let s = 1; s <= 10; s++) rows.push(`${s},${s % 2 ? 0.5 : ''},${s / 10}`);
    const path = join(dir, 'sparse.csv');
    writeFileSync(path, rows.join('\n') + '\n');
    const data = await ingest([path]);
    assert.deepEqual(data.runs[0].coverage, { metric: 10, entropy: 5, points: 5 });
    assert.deepEqual(data.runs[0].notes, ['10 validation steps, 5 with entropy: used 5; steps 2, 4, 6, … (5 in all) have no actor/entropy: not points']);
  });

  it('a validation at step 0, before any rollout, has no entropy by design: counted, not noted', async () => {
    const path = join(dir, 'val-before-train.csv');
    writeFileSync(path, 'step,actor/entropy,eval_accuracy\n0,,0.1\n1,0.5,0.2\n2,0.4,0.3\n');
    const data = await ingest([path]);
    assert.deepEqual(data.runs[0].coverage, { metric: 3, entropy: 2, points: 2 });
    assert.deepEqual(data.runs[0].notes, []);
    assert.deepEqual(data.warnings, []);
  });

  it('ingest returns its warnings, and still gives them to options.warnings', async () => {
    // No validation metric: R is the training reward, which a library caller must be told.
    const path = join(dir, 'reward.log');
    writeFileSync(path, ['step:1 - actor/entropy:0.5 - critic/score/mean:0.1', 'step:2 - actor/entropy:0.4 - critic/score/mean:', 'step:3 - actor/entropy:0.3 - critic/score/mean:0.3', ''].join('\n'));
    const data = await ingest([path]);
    const reward = `${path}: no validation metric; R is the training reward 'critic/score/mean', which is not downstream performance (use --metric to choose)`;
    const malformed = `${path}: 1 malformed metric lines read in part or skipped; first at line 2 (bad value in 'critic/score/mean:')`;
    const note = `${path}: run 'reward': 2 training-reward steps, 2 with entropy: used 2`;
    assert.ok(!data.warnings.includes(note), 'no note when no point was lost');
    assert.deepEqual(data.warnings, [malformed, reward]);
    const collector = new Warnings();
    collector.warn('an earlier warning of the caller');
    const again = await ingest([path], { warnings: collector });
    assert.deepEqual(again.warnings, [malformed, reward]);
    assert.deepEqual(collector.list(), ['an earlier warning of the caller', malformed, reward]);
    // A read that fails still hands over what it warned about before failing.
    const failed = new Warnings();
    await assert.rejects(ingest([path], { warnings: failed, entropy: 'nope' }));
    assert.deepEqual(failed.list(), [malformed]);
  });
});
