// ingest() end to end on every format: detection of files and run directories, aliases in the key choice.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REAL_LOGS } from '../helpers.ts';
import { FORMAT_FIXTURES, expectedFormats } from './formats-text.helpers.ts';
import { chooseKeys, claimDirectory, ingest, KeyFilter, loadLog, READERS, sniffFile, Warnings } from './imports.ts';

const TB = new URL('../fixtures/tensorboard/', import.meta.url).pathname;
const tbExpected = JSON.parse(readFileSync(join(TB, 'expected.json'), 'utf8')) as Record<string, { points: Array<[number, string, number]> }>;
let dir = '';

/** Writes a file under the temp dir, creating folders. */
function put(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

/** An MLflow run folder: one metric file per key (`<ms> <value> <step>` lines), a run name tag. */
function mlflowRun(path: string, name: string, metrics: Record<string, Array<[number, number]>>, deleted = false): void {
  put(`${path}/meta.yaml`, `run_id: x\nlifecycle_stage: ${deleted ? 'deleted' : 'active'}\n`);
  put(`${path}/tags/mlflow.runName`, name);
  for (const [key, points] of Object.entries(metrics)) {
    put(`${path}/metrics/${key}`, points.map(([step, v]) => `1700000000000 ${v} ${step}`).join('\n') + '\n');
  }
}

const ENTROPY = [0.9, 0.8, 0.7, 0.6];
const ACC = [0.1, 0.2, 0.3, 0.4];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'entropy-law-formats-'));
  // A directory mixing a verl console log, a TensorBoard run folder, an MLflow store and a TRL output folder.
  put('mixed/verl.log', ENTROPY.map((h, i) => `step:${i + 1} - actor/entropy:${h} - val-core/a/acc/mean@1:${ACC[i]}`).join('\n') + '\n');
  cpSync(join(TB, 'simple'), join(dir, 'mixed/tensorboard_log/proj/exp1'), { recursive: true });
  const steps = (values: number[]) => values.map((v, i): [number, number] => [i + 1, v]);
  mlflowRun('mixed/mlruns/0/aaa', 'grpo-qwen', { 'val-core/a/acc/mean_at_1': steps(ACC) });
  put('mixed/mlruns/0/aaa/metrics/actor/entropy', steps(ENTROPY).map(([s, v]) => `1700000000000 ${v} ${s}`).join('\n') + '\n');
  mlflowRun('mixed/mlruns/0/bbb', 'gone', { 'actor/entropy': steps(ENTROPY), reward: steps(ACC) }, true);
  put('mixed/mlruns/0/meta.yaml', 'name: Default\n');
  // Two checkpoints of one TRL run: the latest holds the whole history and is the run.
  const state = (n: number) =>
    JSON.stringify({ global_step: n, log_history: ENTROPY.slice(0, n).map((h, i) => ({ step: i + 1, entropy: h, eval_accuracy: ACC[i] })) }, null, 2);
  put('mixed/trl-out/checkpoint-2/trainer_state.json', state(2));
  put('mixed/trl-out/checkpoint-4/trainer_state.json', state(4));
  put('mixed/trl-out/checkpoint-4/config.json', '{"model_type": "qwen2"}');
  // OpenRLHF without eval lines: R falls back to the training reward, with a warning.
  put('openrlhf/noeval.log', ENTROPY.map((h, i) => `✨ Global step ${i + 1}: {'entropy_loss': ${h}, 'reward': ${ACC[i]}}`).join('\n') + '\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('ingest: every format, detected from content and folder layout', () => {
  it('reads the committed fixtures of the other formats, each alias meaning the right column', async () => {
    const warnings = new Warnings();
    const data = await ingest([FORMAT_FIXTURES], { warnings });
    const byFormat = Object.fromEntries(data.runs.map((r) => [r.format, r]));
    assert.deepEqual(
      data.runs.map((r) => [r.id, r.format, r.entropyKey, r.metric, r.metricKind, r.points]),
      [
        ['train', 'openrlhf-console', 'entropy_loss', 'mean(eval_aime_pass1, eval_math_pass1)', 'validation', 2],
        // prime-rl's trainer and orchestrator files are one run each without R or entropy, so skipped (see --join).
        ['train-2', 'roll-console', 'critic/entropy/mean', 'val_correct/all/mean', 'validation', 3],
        ['grpo-run', 'trl-state', 'entropy', 'eval_rewards/accuracy_reward/mean', 'validation', 1],
        ['history', 'wandb-history', 'train/entropy', 'eval/acc', 'validation', 2],
        ['history-2', 'wandb-history', 'train/entropy', 'eval/acc', 'validation', 2],
      ],
    );
    // Values against expected.json, which the Python writers' script recorded.
    const open = expectedFormats.openrlhf.steps;
    const s = data.series[data.runs.indexOf(byFormat['openrlhf-console'])];
    assert.deepEqual([...s.step], [2, 4]);
    assert.deepEqual([...s.entropy], [open['2'].entropy_loss, open['4'].entropy_loss]);
    assert.deepEqual([...s.metric], [(open['2'].eval_aime_pass1 + open['2'].eval_math_pass1) / 2, (open['4'].eval_aime_pass1 + open['4'].eval_math_pass1) / 2]);
    const wb = expectedFormats['wandb-history'].steps;
    assert.deepEqual([...data.series[3].entropy], [wb['0']['train/entropy'], wb['4']['train/entropy']]);
    // The TRL run is its output folder, named by it, though the file is inside checkpoint-30.
    assert.equal(byFormat['trl-state'].source, join(FORMAT_FIXTURES, 'trl/grpo-run/checkpoint-30/trainer_state.json'));
    assert.ok(warnings.list().some((w) => w.startsWith(`skipped ${join(FORMAT_FIXTURES, 'expected.json')}: unrecognised log format`)));
  });

  it('reads a TensorBoard run folder as one run, with the tensorboardX-sanitised val-core key', async () => {
    const data = await ingest([join(TB, 'simple')]);
    assert.equal(data.runs.length, 1);
    assert.deepEqual([data.runs[0].id, data.runs[0].format, data.runs[0].metric], ['simple', 'tensorboard', 'val-core/openai/gsm8k/acc/mean_1']);
    const points = tbExpected.simple.points;
    const value = (step: number, tag: string) => points.find((p) => p[0] === step && p[1] === tag)?.[2];
    const s = data.series[0];
    for (let i = 0; i < s.step.length; i++) {
      assert.equal(s.entropy[i], value(s.step[i], 'actor/entropy'));
      assert.equal(s.metric[i], value(s.step[i], 'val-core/openai/gsm8k/acc/mean_1'));
    }
    assert.equal(s.step.length, 10);
  });

  it('walks a mixed directory: each run directory is one run, other logs beside them are read too', async () => {
    const warnings = new Warnings();
    const data = await ingest([join(dir, 'mixed')], { warnings });
    assert.deepEqual(
      data.runs.map((r) => [r.id, r.format, r.entropyKey, r.metric, r.points]),
      [
        ['grpo-qwen', 'mlflow', 'actor/entropy', 'val-core/a/acc/mean_at_1', 4],
        ['exp1', 'tensorboard', 'actor/entropy', 'val-core/openai/gsm8k/acc/mean_1', 10],
        ['trl-out', 'trl-state', 'entropy', 'eval_accuracy', 4],
        ['verl', 'verl-console', 'actor/entropy', 'val-core/a/acc/mean@1', 4],
      ],
    );
    for (const i of [0, 2, 3]) {
      assert.deepEqual([...data.series[i].entropy], ENTROPY);
      assert.deepEqual([...data.series[i].metric], ACC);
    }
    assert.ok(warnings.list().includes(`${join(dir, 'mixed/mlruns')}: 1 deleted MLflow runs skipped`));
    // Named directly, a run directory is read the same way.
    assert.equal((await ingest([join(dir, 'mixed/trl-out')])).runs[0].points, 4);
    assert.equal((await claimDirectory(join(dir, 'mixed/trl-out')))?.format, 'trl-state');
    assert.equal(await claimDirectory(join(dir, 'mixed')), undefined);
    assert.equal(await claimDirectory(join(dir, 'mixed/tensorboard_log')), undefined);
  });

  it('falls back to the training reward of another trainer with a warning', async () => {
    const warnings = new Warnings();
    const data = await ingest([join(dir, 'openrlhf/noeval.log')], { warnings });
    assert.deepEqual([data.runs[0].entropyKey, data.runs[0].metric, data.runs[0].metricKind], ['entropy_loss', 'reward', 'train-reward']);
    assert.match(warnings.list().join('\n'), /noeval\.log: no validation metric; R is the training reward 'reward'/);
  });

  it('keeps only candidate keys without changing the key choice (real logs and fixtures)', async () => {
    const files = [
      `${REAL_LOGS}Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567.log`,
      `${REAL_LOGS}gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640.log`,
      join(FORMAT_FIXTURES, 'wandb/history.jsonl'),
      join(FORMAT_FIXTURES, 'wandb/history.csv'),
      join(dir, 'mixed/verl.log'),
    ];
    // A bad value in a key that is not kept still gives its warning, and the steps are the same.
    files.push(put('nulls.jsonl', '{"step": 1, "perf/mfu": null, "actor/entropy": 0.5, "eval_accuracy": 0.1}\n{"step": 2, "x": NaN, "actor/entropy": 0.4, "eval_accuracy": 0.2}\n'));
    files.push(put('bad-values.log', 'step:1 - timing/gen:1.2.3x - actor/entropy:0.5 - val-core/a/acc/mean@1:0.1\nstep:2 - perf/mfu:nan\nstep:3 - actor/entropy:0.4 - val-core/a/acc/mean@1:0.2\n'));
    for (const file of files) {
      const warnAll = new Warnings();
      const warnKept = new Warnings();
      const [all] = await loadLog(file, { warnings: warnAll });
      const [kept] = await loadLog(file, { warnings: warnKept, keep: new KeyFilter() });
      assert.deepEqual(chooseKeys(kept), chooseKeys(all), file);
      assert.deepEqual(warnKept.list(), warnAll.list(), file);
      assert.deepEqual([...kept.steps.keys()], [...all.steps.keys()], file);
      assert.ok([...kept.steps.values()].every((m) => m.size <= 4), file);
      if (kept.allKeys) assert.deepEqual(kept.allKeys.size >= new Set([...all.steps.values()].flatMap((m) => [...m.keys()])).size, true);
    }
  });

  it('asks the specific readers before the generic ones', async () => {
    const head = (text: string) => new TextEncoder().encode(text);
    const format = async (name: string, text: string) => (await sniffFile(name, head(text)))?.format;
    assert.equal(await format('x.csv', '"Step","a - acc","a - acc__MIN"\n"1","0.5","0.4"\n'), 'wandb-export');
    assert.equal(await format('x.csv', '_step,_runtime,acc\n1,2,3\n'), 'wandb-history');
    assert.equal(await format('x.csv', 'step,acc\n1,3\n'), 'csv');
    assert.equal(await format('x.jsonl', '{"_step": 1, "acc": 2}\n'), 'wandb-history');
    assert.equal(await format('x.jsonl', '{"step": 1, "data": {"acc": 2}}\n'), 'verl-jsonl');
    assert.equal(await format('x.jsonl', '{"it": 1, "acc": 2}\n{"it": 2}\n'), 'jsonl');
    assert.equal(await format('x.json', '{\n  "log_history": [\n'), 'trl-state');
    assert.equal(await format('x.log', "✨ Global step 1: {'reward': 0.5}\n"), 'openrlhf-console');
    assert.equal(await format('x.log', 'step:1 - actor/entropy:0.5\n'), 'verl-console');
    assert.equal(await format('x.log', '[2026-01-01] [INFO] metrics_tag: {"step": 1, "metrics": {}}\n'), 'roll-console');
    assert.equal(await format('x.jsonl', '{"step": 1, "time": 1700000000.5, "entropy/all/mean": 0.5}\n'), 'prime-rl');
    assert.equal(await format('x.wandb', ':W&B\xe1\xbe\x00'), undefined, 'the header bytes, not their UTF-8 spelling');
    assert.equal(READERS.at(-1)?.format, 'csv');
  });
});
