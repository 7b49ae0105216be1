// What a log says about its own run: the config verl prints at start-up (the real verl logs of
// test/fixtures/real/ print theirs), the launch command's Hydra overrides, MODEL_PATH-style shell lines, and
// the trainer settings that change what the numbers mean.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REAL_LOGS } from '../helpers.ts';
import { commandLineConfig, configFromLogText, ingest, printedConfig, readLogConfig, shellModelConfig, trainerSettings, Warnings } from './imports.ts';

const QWEN = join(REAL_LOGS, 'Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567.log');
const GEMMA = join(REAL_LOGS, 'gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640.log');

describe('config printed in a verl console log', () => {
  test('the real Qwen log: model path, estimator, data, rollout temperature, entropy coefficient', () => {
    const config = readLogConfig(QWEN);
    assert.equal(config.get('actor_rollout_ref.model.path'), 'Qwen/Qwen2.5-0.5B-Instruct');
    assert.equal(config.get('algorithm.adv_estimator'), 'gae');
    assert.match(config.get('data.train_files') ?? '', /\/data\/gsm8k\/train\.parquet$/);
    assert.equal(config.get('actor_rollout_ref.rollout.temperature'), '1');
    assert.equal(config.get('actor_rollout_ref.actor.entropy_coeff'), '0.001');
  });

  test('the real gemma log, whose config other actors broke into: read by its pprint layout', () => {
    const config = readLogConfig(GEMMA);
    assert.equal(config.get('algorithm.adv_estimator'), 'gae');
    assert.equal(config.get('actor_rollout_ref.rollout.temperature'), '1.0');
    assert.equal(config.get('data.train_files'), 'data/gsm8k/train.parquet');
    assert.equal(config.get('trainer.total_epochs'), '15');
  });

  test('lines of other actors between the config lines are skipped (as in verl-data deepseek7b_llm_math_megatron.log)', () => {
    const lines = [
      "(TaskRunner pid=705604) {'actor_rollout_ref': {'actor': {'use_dynamic_bsz': True,",
      "(TaskRunner pid=705604)                                  'loss_agg_mode': 'seq-mean-token-sum'},",
      "(TaskRunner pid=705604)                        'rollout': {'temperature': 0.6}},",
      '(pid=715618) /usr/local/lib/python3.11/dist-packages/vllm/connections.py:8: RuntimeWarning: Failed to read commit hash:',
      '(pid=715618) No module named \'vllm._version\'',
      "(TaskRunner pid=705604)  'algorithm': {'adv_estimator': 'grpo'}}",
    ];
    assert.deepEqual([...printedConfig(lines)!], [
      ['actor_rollout_ref.actor.use_dynamic_bsz', 'true'],
      ['actor_rollout_ref.actor.loss_agg_mode', 'seq-mean-token-sum'],
      ['actor_rollout_ref.rollout.temperature', '0.6'],
      ['algorithm.adv_estimator', 'grpo'],
    ]);
    assert.equal(printedConfig(['no config here', "{'not': 'closed'"]), undefined);
  });

  test('the launch command and shell traces: Hydra overrides, MODEL_PATH lines; $VARIABLES left out', () => {
    const lines = [
      '+ MODEL_PATH=deepseek-ai/deepseek-llm-7b-chat',
      'export MODEL_PATH="$HOME/models/other"',
      "+ python3 -m verl.trainer.main_ppo algorithm.adv_estimator=grpo 'data.train_files=['\\''/home/tiger/data/gsm8k/train.parquet'\\'']' actor_rollout_ref.model.path=$MODEL_PATH trainer.n_gpus_per_node=16",
    ];
    assert.deepEqual([...shellModelConfig(lines)], [['MODEL_PATH', '$HOME/models/other']]);
    assert.deepEqual([...commandLineConfig(lines)], [['algorithm.adv_estimator', 'grpo'], ['trainer.n_gpus_per_node', '16']]);
    const config = configFromLogText(lines.join('\n'));
    assert.equal(config.get('MODEL_PATH'), '$HOME/models/other');
  });
});

describe('trainer settings', () => {
  test('from verl keys, TRL/OpenRLHF flat keys, and the legacy entropy key', () => {
    const verl = new Map([
      ['actor_rollout_ref.rollout.temperature', '0.7'],
      ['actor_rollout_ref.rollout.val_kwargs.temperature', '0'],
      ['actor_rollout_ref.actor.loss_agg_mode', 'seq-mean-token-sum'],
      ['actor_rollout_ref.actor.use_dynamic_bsz', 'True'],
      ['actor_rollout_ref.actor.entropy_coeff', '0'],
    ]);
    assert.deepEqual(trainerSettings(verl, 'actor/entropy_loss'), { temperature: 0.7, lossAggMode: 'seq-mean-token-sum', dynamicBatch: true, entropyCoeff: 0, legacyEntropyKey: true });
    assert.deepEqual(trainerSettings(new Map([['temperature', '1.0'], ['entropy_loss_coef', '0.01']])), { temperature: 1, entropyCoeff: 0.01 });
    // A validation temperature alone is not the rollout's.
    assert.equal(trainerSettings(new Map([['actor_rollout_ref.rollout.val_kwargs.temperature', '0']])), undefined);
    // The settings that name a method: clip-higher's upper clip, Clip-Cov's r, KL-Cov's k and β (verl's keys).
    const method = new Map([
      ['actor_rollout_ref.actor.clip_ratio_low', '0.2'], ['actor_rollout_ref.actor.clip_ratio_high', '0.28'],
      ['actor_rollout_ref.actor.policy_loss.clip_cov_ratio', '0.0002'], ['actor_rollout_ref.actor.policy_loss.kl_cov_ratio', '0.002'],
      ['actor_rollout_ref.actor.policy_loss.ppo_kl_coef', '1'],
    ]);
    assert.deepEqual(trainerSettings(method), { clipRatioLow: 0.2, clipRatioHigh: 0.28, clipCovRatio: 0.0002, klCovRatio: 0.002, klCovCoef: 1 });
  });

  test('every real verl log: metadata from its printed config, trainer settings on RunInfo', async () => {
    const data = await ingest([REAL_LOGS], { warnings: new Warnings() });
    for (const run of data.runs) {
      assert.equal(run.algorithm, 'ppo', run.id);
      assert.equal(run.dataset, 'gsm8k', run.id);
      assert.deepEqual(run.trainer, { temperature: 1, entropyCoeff: 0.001, legacyEntropyKey: true }, run.id);
    }
    const qwen = data.runs.find((r) => r.id.startsWith('Qwen2.5-0.5B-bsz256_2-prompt1024'))!;
    assert.deepEqual([qwen.model, qwen.size, qwen.metaFrom?.algorithm], ['qwen2.5', 5e8, 'config']);
  });
});
