import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { flattenConfig, metaFromConfig } from '../../src/ingest/meta/config.ts';
import { parseVerlJsonlLine } from '../../src/ingest/verl-jsonl.ts';
import { SWIFTSHADER_ICD, TRAIN_KEYS, parameterCount, pretrain, resolveTrainOptions, train, trainDefault, trainOptionsFrom, type TrainOptions } from '../../src/harness/index.ts';
import { InputError, UsageError } from '../../src/util/errors.ts';

let dir: string;
let base: string;
/** A tiny model and a short run: milliseconds per step on the CPU. */
const SMALL: TrainOptions = { prompts: 4, samples: 4, miniBatches: 2, ppoEpochs: 2, steps: 4, valEvery: 2, valSize: 16 };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rl-train-'));
  base = join(dir, 'base');
  (await pretrain({ task: 'add', out: base, steps: 40, model: { layers: 1, width: 16, heads: 2 }, evalEvery: 40, valSize: 16, targetAccuracy: 1.1 })).policy.dispose();
});
after(() => rm(dir, { recursive: true, force: true }));

const readLog = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { step: number; data: Record<string, number> });
/** A log without the wall-clock values, which no seed fixes. */
const deterministic = (log: Awaited<ReturnType<typeof readLog>>) =>
  log.map(({ step, data }) => ({ step, data: Object.fromEntries(Object.entries(data).filter(([k]) => !k.startsWith('timing_s/') && !k.startsWith('perf/'))) }));

test('a run writes verl\'s JSONL file-logger log: validation at step 0, then every step with verl\'s keys and ours', async () => {
  const out = join(dir, 'kl-cov');
  const r = await train({ ...SMALL, from: base, loss: 'kl-cov', klCovRatio: 0.1, out });
  r.policy.dispose();
  assert.equal(r.log, join(out, 'kl-cov.jsonl'));
  const text = await readFile(r.log!, 'utf8');
  // The toolkit's own verl JSONL parser reads every line.
  for (const line of text.trim().split('\n')) assert.ok(parseVerlJsonlLine(line).ok, line);
  const log = await readLog(r.log!);
  assert.deepEqual(log.map((l) => l.step), [0, 1, 2, 3, 4]);
  assert.deepEqual(Object.keys(log[0].data).sort(), ['timing_s/testing', 'val-core/add/acc/mean@1']);
  for (const key of ['actor/entropy', 'critic/score/mean', 'actor/pg_clipfrac', 'actor/ppo_kl', 'response_length/mean', 'perf/throughput',
    'actor/cov/mean', 'actor/cov/top_mean', 'actor/cov/group_mean', 'actor/entropy_delta', 'actor/cov_selected']) {
    for (const { step, data } of log.slice(1)) assert.ok(Number.isFinite(data[key]), `${key} at step ${step}`);
  }
  assert.deepEqual(log.filter((l) => 'val-core/add/acc/mean@1' in l.data).map((l) => l.step), [0, 2, 4]);
  for (const { data } of log.slice(1)) {
    assert.equal(data['response_length/mean'], 3);
    assert.ok(data['actor/entropy'] > 0 && data['actor/entropy'] < Math.log(12));
    // KL-Cov at k = 0.1 of 2 prompts × 4 responses × 3 tokens = 24 per update: 2 tokens, 4 updates.
    assert.equal(data['actor/cov_selected'], 8);
    assert.equal(data['actor/cov_selected_frac'], 8 / 96);
    assert.equal(data['actor/entropy_delta'], data['actor/entropy_after'] - data['actor/entropy']);
  }
  // Several updates per rollout: after the first, π ≠ π_old.
  assert.ok(log.slice(1).some((l) => l.data['actor/ppo_kl'] !== 0));
});

test('config.yaml is verl/Hydra style: the metadata reader finds model size, algorithm and task', async () => {
  const out = join(dir, 'rloo');
  const r = await train({ ...SMALL, from: base, algo: 'rloo', loss: 'clip-cov', steps: 1, out });
  const config = parse(await readFile(join(out, 'config.yaml'), 'utf8'));
  assert.equal(config.algorithm.adv_estimator, 'rloo');
  assert.equal(config.actor_rollout_ref.actor.policy_loss.loss_mode, 'clip_cov');
  assert.equal(config.actor_rollout_ref.rollout.n, 4);
  assert.equal(config.actor_rollout_ref.actor.ppo_epochs, 2);
  assert.equal(config.trainer.seed, 0);
  assert.equal(config.actor_rollout_ref.model.warm_start, join(base, 'checkpoint.safetensors'));
  const size = parameterCount(r.policy.config).total;
  r.policy.dispose();
  assert.equal(config.actor_rollout_ref.model.num_parameters, size);
  assert.deepEqual(metaFromConfig(flattenConfig(config)), { model: 'entropy-law-transformer', size, algorithm: 'clip-cov', dataset: 'add' });
  const plain = await train({ ...SMALL, from: base, algo: 'reinforce++', steps: 1, out: join(dir, 'rpp') });
  plain.policy.dispose();
  assert.equal(metaFromConfig(flattenConfig(parse(await readFile(join(dir, 'rpp', 'config.yaml'), 'utf8')))).algorithm, 'reinforce++');
});

test('same seed, same device: the same log (wall-clock values aside); another seed, another log', async () => {
  const run = async (name: string, seed: number) => {
    const r = await train({ ...SMALL, from: base, loss: 'clip-cov', clipCovRatio: 0.1, clipCovLb: -10, entropyCoef: 0.01, seed, out: join(dir, name) });
    r.policy.dispose();
    return deterministic(await readLog(r.log!));
  };
  const a = await run('a', 3), b = await run('b', 3), c = await run('c', 4);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.slice(1).every((l) => l.data['actor/cov_selected'] > 0), 'Clip-Cov picked tokens at random every step');
});

test('bad options and checkpoints that do not fit are refused before training', async () => {
  assert.throws(() => resolveTrainOptions({ prompts: 6, miniBatches: 4 }), (e: Error) => e instanceof UsageError && /miniBatches: 4 does not divide prompts = 6/.test(e.message));
  assert.throws(() => resolveTrainOptions({ algo: 'ppo' as 'grpo' }), /unknown algorithm: ppo \(expected grpo, rloo, reinforce\+\+\)/);
  assert.throws(() => resolveTrainOptions({ loss: 'dapo' as 'ppo' }), /unknown loss: dapo/);
  assert.throws(() => resolveTrainOptions({ klCovRatio: 2 }), /invalid klCovRatio: 2/);
  await assert.rejects(train({ ...SMALL, from: join(dir, 'nowhere') }), (e: Error) => e instanceof InputError && /no such checkpoint/.test(e.message));
  await assert.rejects(train({ ...SMALL, task: 'sort', from: base }), (e: Error) => e instanceof InputError && /trained on task add, not sort/.test(e.message));
  await assert.rejects(train({ ...SMALL, digits: 3, from: base }), /trained on 2-digit addition, sum reversed, not 3-digit addition, sum reversed/);
  assert.equal(resolveTrainOptions({ digits: 3 }).dataset, 'add-3d');
  assert.equal(resolveTrainOptions({ digits: 2 }).dataset, 'add');
  // The option table reads what the command line and sweep files give.
  assert.deepEqual(trainOptionsFrom({ algo: 'rloo', 'clip-high': '0.28', 'mini-batches': 4, width: 32 }), { algo: 'rloo', clipHigh: 0.28, miniBatches: 4, warmStart: { model: { width: 32 } } });
  assert.throws(() => trainOptionsFrom({ 'mini-batches': 0 }, 'grid.yaml'), /^UsageError: grid.yaml: invalid mini-batches: 0 \(expected a positive integer\)$/);
  assert.throws(() => trainOptionsFrom({ 'kl-cov': 1 }), /unknown option kl-cov/);
  // Every default `--help` shows is the value the option takes when absent.
  const plain = (o: TrainOptions) => ({ ...resolveTrainOptions(o), task: resolveTrainOptions(o).task.description });
  const defaults = resolveTrainOptions({});
  let shown = 0;
  for (const { key } of TRAIN_KEYS) {
    const value = trainDefault(key, defaults);
    if (value === undefined) continue;
    assert.deepEqual(plain(trainOptionsFrom({ [key]: value })), plain({}), key);
    shown++;
  }
  assert.ok(shown >= 20, `${shown} defaults shown`);
});

test('on WebGPU too: the same seed gives the same log, wall-clock values aside', async () => {
  process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD; // SwiftShader without a GPU; no adapter fails, never skips
  const run = async (name: string) => {
    const r = await train({ ...SMALL, steps: 2, from: base, loss: 'kl-cov', klCovRatio: 0.1, device: 'webgpu', out: join(dir, name) });
    r.policy.dispose();
    return deterministic(await readLog(r.log!));
  };
  const a = await run('gpu-a'), b = await run('gpu-b');
  assert.deepEqual(a, b);
  assert.equal(a.length, 3);
});
