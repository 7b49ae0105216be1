import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ENTROPY_ALIASES, entropyKeyFor, trainRewardKeyFor, validationKeysFor } from '../../src/ingest/aliases.ts';
import { loadTrainerState } from '../../src/ingest/trl-state.ts';
import { openRlhfConsoleReader } from '../../src/ingest/openrlhf-console.ts';
import { Warnings } from '../../src/util/warnings.ts';
import { FORMAT_FIXTURES } from './formats-text.helpers.ts';

/** All keys a run has at any step. */
const keysOf = (steps: Map<number, Map<string, number>>) => new Set([...steps.values()].flatMap((m) => [...m.keys()]));

describe('key aliases', () => {
  test('entropy: the first alias present wins', () => {
    assert.equal(entropyKeyFor(['actor/entropy_loss', 'actor/entropy']), 'actor/entropy');
    assert.equal(entropyKeyFor(['train/entropy', 'loss']), 'train/entropy');
    assert.equal(entropyKeyFor(['train/entropy_loss']), 'train/entropy_loss');
    assert.equal(entropyKeyFor(['entropy/mean', 'entropy/std']), 'entropy/mean');
    assert.equal(entropyKeyFor(['kl']), undefined);
    assert.equal(new Set(ENTROPY_ALIASES.map((a) => a.key)).size, ENTROPY_ALIASES.length);
  });

  test('validation: OpenRLHF pass@1 per data set, then TRL accuracy, then TRL eval reward', () => {
    assert.deepEqual(validationKeysFor(['eval/eval_math_pass1', 'eval/eval_aime_pass1', 'eval/eval_aime_pass8', 'train/reward']), [
      'eval/eval_aime_pass1',
      'eval/eval_math_pass1',
    ]);
    assert.deepEqual(validationKeysFor(['eval_gsm8k_pass1']), ['eval_gsm8k_pass1']);
    assert.deepEqual(validationKeysFor(['eval_avg_pass1', 'eval_math_pass1', 'eval_aime_pass1']), ['eval_aime_pass1', 'eval_math_pass1']);
    assert.deepEqual(validationKeysFor(['eval_avg_pass1', 'eval_avg_pass8']), ['eval_avg_pass1']);
    assert.deepEqual(validationKeysFor(['eval/math_pass1', 'eval/pass1', 'eval/math_pass4']), ['eval/math_pass1']);
    assert.deepEqual(validationKeysFor(['eval/pass1', 'eval/pass4']), ['eval/pass1']);
    assert.deepEqual(validationKeysFor(['eval/reward', 'eval/rewards/accuracy_reward/mean', 'eval/rewards/accuracy_reward/std']), [
      'eval/rewards/accuracy_reward/mean',
    ]);
    assert.deepEqual(validationKeysFor(['eval_loss', 'eval_accuracy', 'eval_runtime']), ['eval_accuracy']);
    assert.deepEqual(validationKeysFor(['eval_reward', 'eval_reward_std', 'eval_loss']), ['eval_reward']);
    assert.deepEqual(validationKeysFor(['reward', 'entropy']), []);
  });

  test('the 2026 trainers: prime-rl, ROLL, slime entropy; ROLL, prime-rl and slime validation', () => {
    assert.equal(entropyKeyFor(['entropy/all/mean', 'entropy/all/std', 'entropy/math/mean']), 'entropy/all/mean');
    assert.equal(entropyKeyFor(['critic/entropy/mean', 'critic/score/mean']), 'critic/entropy/mean');
    assert.equal(entropyKeyFor(['train/entropy_loss', 'train/pg_loss', 'train/step']), 'train/entropy_loss');
    assert.deepEqual(validationKeysFor(['val_correct/all/mean', 'val_correct/gsm8k/mean']), ['val_correct/all/mean']);
    assert.deepEqual(validationKeysFor(['eval/gsm8k/all/default/avg@4', 'eval/math/all/default/avg@4', 'eval/math/effective/default/pass@1']), [
      'eval/gsm8k/all/default/avg@4',
      'eval/math/all/default/avg@4',
    ]);
    // slime: eval/<dataset>, without eval/step and the per-dataset companions.
    assert.deepEqual(validationKeysFor(['eval/aime', 'eval/math500', 'eval/step', 'eval/aime-truncated_ratio', 'eval/aime-pass@8', 'eval/aime/response_len/mean']), [
      'eval/aime',
      'eval/math500',
    ]);
    // transformers / TRL eval statistics under eval/ are not data sets.
    assert.deepEqual(validationKeysFor(['eval/loss', 'eval/runtime', 'eval/samples_per_second', 'eval/steps_per_second', 'eval/entropy']), []);
    assert.equal(trainRewardKeyFor(['train/agg/all/default/reward/mean', 'train/agg/all/default/reward/max']), 'train/agg/all/default/reward/mean');
    assert.equal(trainRewardKeyFor(['rollout/raw_reward', 'rollout/response_len/mean']), 'rollout/raw_reward');
  });

  test('training reward: the total first, else an accuracy reward function', () => {
    assert.equal(trainRewardKeyFor(['rewards/accuracy_reward/mean', 'reward']), 'reward');
    assert.equal(trainRewardKeyFor(['train/reward', 'train/kl']), 'train/reward');
    assert.equal(trainRewardKeyFor(['rewards/format/mean', 'rewards/math_acc/mean']), 'rewards/math_acc/mean');
    assert.equal(trainRewardKeyFor(['rewards/b/mean', 'rewards/a/mean']), 'rewards/a/mean');
    assert.equal(trainRewardKeyFor(['loss']), undefined);
  });

  test('applied to the real-writer fixtures', async () => {
    const [trl] = await loadTrainerState(join(FORMAT_FIXTURES, 'trl', 'grpo-run'));
    assert.equal(entropyKeyFor(keysOf(trl.steps)), 'entropy');
    assert.deepEqual(validationKeysFor(keysOf(trl.steps)), ['eval_rewards/accuracy_reward/mean']);
    assert.equal(trainRewardKeyFor(keysOf(trl.steps)), 'reward');
    const [orl] = await openRlhfConsoleReader.load(join(FORMAT_FIXTURES, 'openrlhf', 'train.log'), { warnings: new Warnings() });
    assert.equal(entropyKeyFor(keysOf(orl.steps)), 'entropy_loss');
    assert.deepEqual(validationKeysFor(keysOf(orl.steps)), ['eval_aime_pass1', 'eval_math_pass1']);
  });
});
