/**
 * RL benchmark (`npm run bench -- rl`): one step of the default GRPO configuration (64 prompts × 8
 * responses of 2-digit addition, 8 mini-batch updates, the default model) on the CPU backend (1 and 2
 * worker threads) and on WebGPU (SwiftShader without a GPU):
 * - the sampling phase (the rollout: 512 sequences × 3 new tokens at temperature 1, with log p and
 *   entropy) and the update phase (the 8 AdamW steps on PPO's clipped surrogate), each against PyTorch
 *   CPU on the same model and batch (bench/harness_rl_torch.py, 1 and 2 threads; its sampling without a
 *   key/value cache, with one, and with each prompt prefilled once for its 8 responses, as the harness
 *   does), as ratios to the fastest PyTorch figure;
 * - steps per minute of a 200-step run (validation every 5 steps included), and that run's minutes,
 *   from timed steps and a timed validation. Targets: ≤ 5 minutes on the CPU, sampling ≥ 0.5× PyTorch.
 * Each figure is the best of `BENCH_ROUNDS` (default 3) rounds that measure PyTorch and the harness in
 * turn, so that load from other jobs on the machine, which comes and goes, penalises neither side.
 * `BENCH_SECONDS` sets each rate's measuring time (default 2); `BENCH_RL_GPU_STEPS` the WebGPU steps timed
 * (default 1; 0 skips WebGPU's full steps); `BENCH_RL_GPU=0` skips WebGPU altogether (on SwiftShader it
 * takes about three of the benchmark's five minutes).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_MODEL, createPolicy, drawTrain, evaluate, maybeTask, policyLoss, rollout, saveCheckpoint, train, validationSet, type Policy, type Rollout,
} from '../src/harness/index.ts';
import { Rng } from '../src/util/rng.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GPU_STEPS = Number(process.env.BENCH_RL_GPU_STEPS ?? 1);
const GPU = process.env.BENCH_RL_GPU !== '0';
const PROMPTS = 64, SAMPLES = 8, MINI_BATCHES = 8, STEPS = 200, VAL_EVERY = 5, VAL_SIZE = 512;

/**
 * Items per second of the median call of `fn` over SECONDS (at least `min` calls), after `warmCalls`
 * calls and half as long: V8 compiles the kernels' loops over the first calls (the CPU sampler takes 3–5×
 * its steady time on its first calls and settles after about ten), and other jobs on the machine stretch
 * some calls, so the median is what a call typically takes (the PyTorch script measures the same way).
 */
async function rate(fn: () => Promise<unknown>, items: number, warmCalls: number, min = 3): Promise<number> {
  const warm = performance.now();
  for (let k = 0; k < warmCalls || performance.now() - warm < (SECONDS * 1000) / 2; k++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < min || performance.now() - start < SECONDS * 1000) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return items / (times[Math.floor(times.length / 2)] / 1000);
}

interface Torch { sample: number; sampleCached: number; sampleShared: number; update: number; version: string }

function torchRates(config: object): Torch | string {
  const script = fileURLToPath(new URL('./harness_rl_torch.py', import.meta.url));
  const r = spawnSync('python3', [script, JSON.stringify(config)], { encoding: 'utf8' });
  if (r.status !== 0) return (r.stderr || r.error?.message || 'failed').trim().split('\n').at(-1)!;
  const out = JSON.parse(r.stdout);
  return { sample: out.sample_tokens_per_s, sampleCached: out.sample_cached_tokens_per_s, sampleShared: out.sample_shared_tokens_per_s, update: out.update_tokens_per_s, version: `${out.torch}, ${out.threads} threads` };
}

/** Sampling and update rates of one policy on the default step's batch. */
async function phases(policy: Policy, r: Rollout, task = maybeTask('add')): Promise<{ sample: number; update: number }> {
  const warmCalls = policy.device === 'cpu' ? 10 : 1;
  const B = PROMPTS * SAMPLES, T = r.batch.seqLen, per = B / MINI_BATCHES;
  const prompts = new Int32Array(B * task.promptLen);
  for (let i = 0; i < B; i++) prompts.set(task.tokenizer.encode(r.problems[Math.floor(i / SAMPLES)].prompt), i * task.promptLen);
  let seed = 0;
  const sample = await rate(() => policy.sample(prompts, task.promptLen, { maxNew: task.answerLen, temperature: 1, seed: seed++ }), B * task.answerLen, warmCalls, policy.device === 'cpu' ? 3 : 1);
  const adv = new Float64Array(B * T).map((_, i) => ((i * 7919) % 13) / 6 - 1);
  const update = await rate(async () => {
    for (let m = 0; m < MINI_BATCHES; m++) {
      const at = (a: Int32Array | Float32Array) => a.subarray(m * per * T, (m + 1) * per * T);
      const batch = { batchSize: per, seqLen: T, tokens: at(r.batch.tokens) as Int32Array, targets: at(r.batch.targets) as Int32Array, weights: new Float32Array(per * T) };
      const mask = at(r.mask), oldLogp = at(r.oldLogp), a = adv.subarray(m * per * T, (m + 1) * per * T);
      await policy.trainStep(batch, { lr: 0 }, ({ logp }) => ({ weights: Float32Array.from(policyLoss({ logp, oldLogp, advantages: a, mask }).dlogp, (g) => -g) }));
    }
  }, B * T, Math.ceil(warmCalls / 2), policy.device === 'cpu' ? 3 : 1);
  return { sample, update };
}

/** Minutes of a 200-step default run, from `steps` timed steps and one timed validation. */
async function runMinutes(device: 'cpu' | 'webgpu', steps: number, threads = 1): Promise<{ perStep: number; perVal: number; minutes: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-rl-'));
  try {
    const task = maybeTask('add');
    const model = { ...DEFAULT_MODEL, vocab: task.tokenizer.vocabSize, context: task.promptLen + task.answerLen };
    const init = await createPolicy('cpu', model, 0);
    await saveCheckpoint(join(dir, 'checkpoint.safetensors'), init.config, await init.getState(), { task: 'add' });
    const times: number[] = [];
    const r = await train({ from: dir, steps, valEvery: STEPS, valSize: VAL_SIZE, device, threads, onStep: (s) => s.step > 0 && times.push(s.data['timing_s/step']) });
    const val = validationSet(task, VAL_SIZE);
    const t0 = performance.now();
    await evaluate(r.policy, task, val);
    const perVal = (performance.now() - t0) / 1000;
    r.policy.dispose();
    // The first step pays for compiling (JIT, shaders); a 200-step run pays it once.
    const perStep = times.length > 1 ? times.slice(1).reduce((a, b) => a + b, 0) / (times.length - 1) : times[0];
    const vals = Math.floor(STEPS / VAL_EVERY) + 1;
    return { perStep, perVal, minutes: (STEPS * perStep + vals * perVal) / 60 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark and returns the lines to print. */
export async function benchRl(): Promise<string[]> {
  const task = maybeTask('add');
  const model = { ...DEFAULT_MODEL, vocab: task.tokenizer.vocabSize, context: task.promptLen + task.answerLen };
  const B = PROMPTS * SAMPLES;
  const lines = [
    `rl: default GRPO step: ${PROMPTS} prompts × ${SAMPLES} responses (${B} × ${task.answerLen} sampled tokens), ${MINI_BATCHES} updates of ${B / MINI_BATCHES} × ${task.promptLen + task.answerLen - 1} tokens; ` +
      `model ${model.layers} layers, width ${model.width}`,
  ];
  const torchConfig = { ...model, sequences: B, group: SAMPLES, prompt_len: task.promptLen, max_new: task.answerLen, mini_batches: MINI_BATCHES, seconds: SECONDS };
  const problems = (() => {
    const rng = new Rng(0);
    return Array.from({ length: PROMPTS }, () => drawTrain(task, rng));
  })();
  const torch = new Map<number, Torch>(), cpu = new Map<number, { sample: number; update: number }>();
  let torchError = '';
  for (let round = 0; round < ROUNDS; round++) {
    for (const threads of [1, 2]) {
      const t = torchRates({ ...torchConfig, threads });
      if (typeof t === 'string') torchError = t;
      else {
        const best = torch.get(threads);
        torch.set(threads, best ? { ...t, sample: Math.max(best.sample, t.sample), sampleCached: Math.max(best.sampleCached, t.sampleCached), sampleShared: Math.max(best.sampleShared, t.sampleShared), update: Math.max(best.update, t.update) } : t);
      }
      const policy = await createPolicy('cpu', model, 0, { threads });
      const r = await rollout(policy, task, problems, SAMPLES, { seed: 1 });
      const p = await phases(policy, r);
      policy.dispose();
      const best = cpu.get(threads);
      cpu.set(threads, best ? { sample: Math.max(best.sample, p.sample), update: Math.max(best.update, p.update) } : p);
    }
  }
  const torchRows = [...torch.values()];
  const ref = torchRows.length ? { sample: Math.max(...torchRows.map((t) => Math.max(t.sample, t.sampleCached, t.sampleShared))), update: Math.max(...torchRows.map((t) => t.update)) } : null;
  const fmt = (x: number, r?: number) => `${x.toFixed(0).padStart(7)} tok/s${r ? ` (${(x / r).toFixed(2)}×)` : ''}`;
  for (const [threads, t] of torch) {
    lines.push(`  ${`PyTorch CPU, ${threads} thread${threads > 1 ? 's' : ''}`.padEnd(26)} sample ${fmt(t.sample, ref?.sample)}, cached ${fmt(t.sampleCached, ref?.sample)}, shared prefill ${fmt(t.sampleShared, ref?.sample)}   update ${fmt(t.update, ref?.update)}`);
  }
  if (!torchRows.length) lines.push(`  PyTorch unavailable (${torchError}; pip install the +cpu torch wheel)`);
  for (const [threads, p] of cpu) {
    lines.push(`  ${`cpu, ${threads} thread${threads > 1 ? 's' : ''}`.padEnd(26)} sample ${fmt(p.sample, ref?.sample)}   update ${fmt(p.update, ref?.update)}`);
  }
  let gpuName = 'webgpu';
  if (!GPU) gpuName = '';
  else try {
    const { gpuContext } = await import('../src/harness/webgpu/device.ts');
    gpuName = `webgpu (${(await gpuContext()).adapterName})`;
    const policy = await createPolicy('webgpu', model, 0);
    const r = await rollout(policy, task, problems, SAMPLES, { seed: 1 });
    const p = await phases(policy, r);
    lines.push(`  ${gpuName.padEnd(26)} sample ${fmt(p.sample, ref?.sample)}   update ${fmt(p.update, ref?.update)}`);
    policy.dispose();
  } catch (e) {
    lines.push(`  ${gpuName.padEnd(26)} unavailable (${(e as Error).message})`);
    gpuName = '';
  }
  if (torchRows.length) lines.push(`  (PyTorch ${torchRows[0].version.split(',')[0]}; best of ${ROUNDS} rounds; ratios are to the fastest PyTorch figure of each phase)`);
  const run = (name: string, x: { perStep: number; perVal: number; minutes: number }) =>
    `  ${name.padEnd(26)} ${x.perStep.toFixed(2)} s/step, ${x.perVal.toFixed(2)} s/validation: ${(STEPS / x.minutes).toFixed(1)} steps/min, ${STEPS} steps in ${x.minutes.toFixed(1)} min (target ≤ 5 on cpu)`;
  lines.push(`  a ${STEPS}-step default GRPO run (validation of ${VAL_SIZE} prompts every ${VAL_EVERY} steps):`);
  const fastest = async (f: () => Promise<{ perStep: number; perVal: number; minutes: number }>) => {
    let best = await f();
    for (let k = 1; k < ROUNDS; k++) {
      const x = await f();
      if (x.minutes < best.minutes) best = x;
    }
    return best;
  };
  lines.push(run('cpu, 1 thread', await fastest(() => runMinutes('cpu', 6))));
  lines.push(run('cpu, 2 threads', await fastest(() => runMinutes('cpu', 6, 2))));
  if (gpuName && GPU_STEPS > 0) lines.push(run(gpuName, await runMinutes('webgpu', GPU_STEPS)));
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchRl()) console.log(line);
}
