// Run metadata: from names, from config files beside the logs, from a manifest, from flags, in that order of strength.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.ts';
import {
  formatRunMeta,
  metaFromConfig,
  metaFromConfigFiles,
  metaFromName,
  normalizeAlgorithm,
  parseManifest,
  parseModelSize,
} from '../../src/ingest/meta/resolve.ts';
import { REAL_LOGS } from '../helpers.ts';
import { ingest, InputError, Warnings } from './imports.ts';

let dir = '';
const LOG = [1, 2, 3, 4].map((s) => `step:${s} - actor/entropy:${1 - s / 10} - val-core/a/acc/mean@1:${s / 10}`).join('\n') + '\n';

function put(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, (t) => out.push(t), (t) => err.push(t));
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-law-meta-'));
  // verl with Hydra: the config says what the name does not.
  put('verl/run-a.log', LOG);
  put(
    'verl/.hydra/config.yaml',
    [
      'data:',
      '  train_files: ~/data/gsm8k/train.parquet',
      'actor_rollout_ref:',
      '  model:',
      '    path: Qwen/Qwen2.5-Math-7B',
      '  actor:',
      '    policy_loss:',
      '      loss_mode: clip_cov',
      'algorithm:',
      '  adv_estimator: grpo',
    ].join('\n'),
  );
  // TRL: the argument dump beside trainer_state.json.
  put('trl/out/trainer_state.json', JSON.stringify({ log_history: [1, 2, 3].map((s) => ({ step: s, entropy: 1 - s / 10, eval_accuracy: s / 10 })) }));
  put('trl/out/training_args.json', JSON.stringify({ model_name_or_path: 'meta-llama/Llama-3.2-1B-Instruct', loss_type: 'dr_grpo', dataset_name: 'openai/gsm8k' }));
  // A name alone.
  put('named/qwen2.5-1.5b-rloo-deepscaler.log', LOG);
  put('bad/run.log', LOG);
  put('bad/config.yaml', 'a: [unclosed\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('metadata from names', () => {
  it('reads family, size, algorithm and data set where the name shows them', () => {
    assert.deepEqual(metaFromName('gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640'), { model: 'gemma-2', size: 2e9, algorithm: 'ppo' });
    assert.deepEqual(metaFromName('Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567'), { model: 'qwen2.5', size: 5e8 });
    assert.deepEqual(metaFromName('Qwen/Qwen2.5-Math-7B'), { model: 'qwen2.5-math', size: 7e9 });
    assert.deepEqual(metaFromName('entropy-law-transformer-2x64'), { model: 'entropy-law-transformer' });
    assert.deepEqual(metaFromName('meta-llama/Llama-3.1-8B-Instruct'), { model: 'llama-3.1', size: 8e9 });
    assert.deepEqual(metaFromName('qwen3-30b-a3b-dapo-dapo-math-17k'), { model: 'qwen3', size: 3e10, algorithm: 'dapo', dataset: 'dapo-math-17k' });
    assert.deepEqual(metaFromName('DeepSeek-R1-Distill-Qwen-1.5B'), { model: 'deepseek-r1-distill-qwen', size: 1.5e9 });
    assert.deepEqual(metaFromName('mixtral-8x7b-rloo'), { model: 'mixtral', size: 5.6e10, algorithm: 'rloo' });
    assert.deepEqual(metaFromName('qwen2.5-7b-kl_cov-deepscaler'), { model: 'qwen2.5', size: 7e9, algorithm: 'kl-cov', dataset: 'deepscaler' });
    assert.deepEqual(metaFromName('x-reinforce++-125m'), { size: 1.25e8, algorithm: 'reinforce++' });
    assert.deepEqual(metaFromName('olmo-2-1b-drgrpo-gsm8k'), { model: 'olmo-2', size: 1e9, algorithm: 'dr-grpo', dataset: 'gsm8k' });
    // Glued to letters, these are not what they look like: a batch size, a word containing "ppo".
    assert.deepEqual(metaFromName('bsz256-support-opponent'), {});
  });

  it('parses sizes and normalises algorithm spellings of the trainers', () => {
    assert.deepEqual(['7B', '0.5b', '125M', '8x7B', '7e9', '1.5 B', 'seven'].map(parseModelSize), [7e9, 5e8, 1.25e8, 5.6e10, 7e9, 1.5e9, undefined]);
    assert.deepEqual(['gae', 'grpo', 'reinforce_plus_plus', 'kl_cov', 'group_norm', 'dr_grpo', 'GRPO'].map(normalizeAlgorithm), [
      'ppo',
      'grpo',
      'reinforce++',
      'kl-cov',
      'grpo',
      'dr-grpo',
      'grpo',
    ]);
    assert.equal(formatRunMeta({ model: 'qwen2.5', size: 5e8, algorithm: 'grpo', dataset: 'gsm8k' }), 'qwen2.5 0.5B, grpo, gsm8k');
    assert.equal(formatRunMeta({ size: 1.25e8 }), '125M');
    assert.equal(formatRunMeta({}), '');
  });
});

describe('metadata from config files', () => {
  it('reads verl Hydra configs, TRL argument dumps and MLflow params by the same rules', async () => {
    assert.deepEqual(await metaFromConfigFiles(join(dir, 'verl/run-a.log')), { model: 'qwen2.5-math', size: 7e9, algorithm: 'clip-cov', dataset: 'gsm8k' });
    assert.deepEqual(await metaFromConfigFiles(join(dir, 'trl/out/trainer_state.json')), { model: 'llama-3.2', size: 1e9, algorithm: 'dr-grpo', dataset: 'gsm8k' });
    // MLflow keeps params flat, one file each (verl logs its config through it).
    const params = new Map([['actor_rollout_ref.model.path', '/models/Qwen3-4B'], ['algorithm.adv_estimator', 'gae'], ['data.train_files', '/d/my_set/train.parquet']]);
    assert.deepEqual(metaFromConfig(params), { model: 'qwen3', size: 4e9, algorithm: 'ppo', dataset: 'my_set' });
    // A plain policy loss is not an algorithm of its own: the estimator decides.
    assert.equal(metaFromConfig(new Map([['policy_loss.loss_mode', 'vanilla'], ['algorithm.adv_estimator', 'rloo']])).algorithm, 'rloo');
  });

  it('skips a config it cannot parse, with a warning naming it', async () => {
    const warnings = new Warnings();
    assert.deepEqual(await metaFromConfigFiles(join(dir, 'bad/run.log'), warnings), {});
    assert.equal(warnings.size, 1);
    assert.match(warnings.list()[0], new RegExp(`^${join(dir, 'bad/config.yaml')}: config not read`));
  });
});

describe('manifest', () => {
  it('reads CSV and JSON manifests, sizes as 7B or numbers', () => {
    const csv = parseManifest('run,model,size,algorithm,dataset\nrun-a,llama-3.1,8B,ppo,math\n"b, c",,,grpo,\n', 'm.csv');
    assert.deepEqual([...csv], [['run-a', { model: 'llama-3.1', size: 8e9, algorithm: 'ppo', dataset: 'math' }], ['b, c', { algorithm: 'grpo' }]]);
    const json = parseManifest('{"run-a": {"size": 7e9, "dataset": "aime"}}', 'm.json');
    assert.deepEqual([...json], [['run-a', { size: 7e9, dataset: 'aime' }]]);
    assert.deepEqual([...parseManifest('[{"id": "x", "model": "phi-3"}]', 'm.json')], [['x', { model: 'phi-3' }]]);
  });

  it('names the file and line of a bad entry', () => {
    assert.throws(
      () => parseManifest('run,size\na,7B\nb,huge\n', 'm.csv'),
      (e: unknown) => e instanceof InputError && e.message.startsWith("m.csv:3: invalid size 'huge' for run 'b'"),
    );
    assert.throws(() => parseManifest('name,size\na,7B\n', 'm.csv'), /^InputError: m\.csv:1: manifest has no run column/);
    assert.throws(() => parseManifest('{"a": ', 'm.json'), /^InputError: m\.json: manifest is not valid JSON/);
  });
});

describe('metadata through ingest and the CLI', () => {
  it('takes each field from the strongest source: flags > manifest > config > name', async () => {
    const manifest = new Map([['run-a', { algorithm: 'ppo' }], ['nobody', { model: 'x' }]]);
    const warnings = new Warnings();
    const data = await ingest([join(dir, 'verl'), join(dir, 'trl/out'), join(dir, 'named')], { manifest, meta: { dataset: 'aime' }, warnings });
    assert.deepEqual(
      data.runs.map((r) => [r.id, r.model, r.size, r.algorithm, r.dataset, r.metaFrom]),
      [
        ['run-a', 'qwen2.5-math', 7e9, 'ppo', 'aime', { model: 'config', size: 'config', algorithm: 'manifest', dataset: 'flag' }],
        ['out', 'llama-3.2', 1e9, 'dr-grpo', 'aime', { model: 'config', size: 'config', algorithm: 'config', dataset: 'flag' }],
        ['qwen2.5-1.5b-rloo-deepscaler', 'qwen2.5', 1.5e9, 'rloo', 'aime', { model: 'name', size: 'name', algorithm: 'name', dataset: 'flag' }],
      ],
    );
    assert.deepEqual(data.runTable.select('model', 'size', 'algorithm', 'dataset').objects()[2], { model: 'qwen2.5', size: 1.5e9, algorithm: 'rloo', dataset: 'aime' });
    assert.deepEqual(warnings.list(), ['manifest: 1 entries match no run (nobody)']);
  });

  it('prints meta in fit --json and the fit legend, and applies --manifest and the flags', async () => {
    const manifest = put('manifest.csv', 'run,dataset\ngemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640,gsm8k\n');
    const logs = REAL_LOGS;
    const json = await cli('fit', logs, '--json', '--manifest', manifest, '--algorithm', 'GRPO');
    assert.equal(json.code, 0, json.stderr);
    const runs = JSON.parse(json.stdout).runs as Array<{ run: string; meta: Record<string, unknown> }>;
    assert.deepEqual(runs[2].meta, {
      model: 'gemma-2',
      size: 2e9,
      algorithm: 'grpo',
      dataset: 'gsm8k',
      from: { model: 'name', size: 'name', algorithm: 'flag', dataset: 'manifest' },
    });
    // The Qwen log prints its config: model and data from there (the flag still wins for the algorithm).
    assert.deepEqual(runs[0].meta, { model: 'qwen2.5', size: 5e8, algorithm: 'grpo', dataset: 'gsm8k', from: { model: 'config', size: 'config', algorithm: 'flag', dataset: 'config' } });
    const human = await cli('fit', logs, '--size', '3B');
    assert.match(human.stdout, /\ngemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0\.640: H = actor\/entropy_loss, R = val\/test_score\/openai\/gsm8k \(legacy-validation\); gemma-2 3B, ppo, gsm8k$/);
    const bad = await cli('fit', logs, '--size', 'big');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid size: big/);
  });
});
