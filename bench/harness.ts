/**
 * Harness benchmark: tokens/s of a training step (forward, backward, AdamW) and of greedy sampling for
 * the default small model on the CPU backend, on WebGPU (SwiftShader without a GPU) and in PyTorch on
 * 2 CPU threads and on 1 (bench/harness_torch.py, same model and batch), printed as ratios to the faster
 * PyTorch row.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPolicy, DEFAULT_MODEL, maybeTask, drawTrain, supervisedBatch, type Policy } from '../src/harness/index.ts';
import { Rng } from '../src/util/rng.ts';

/** Seconds each measurement runs (after one warm-up call). */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const BATCH = 64;

async function rate(fn: () => Promise<unknown>, items: number): Promise<number> {
  await fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    await fn();
    n++;
  }
  return (items * n) / ((performance.now() - start) / 1000);
}

async function measure(policy: Policy, task: ReturnType<typeof maybeTask>): Promise<{ train: number; sample: number }> {
  const rng = new Rng(0);
  const problems = Array.from({ length: BATCH }, () => drawTrain(task, rng));
  const batch = supervisedBatch(task, problems);
  const prompts = new Int32Array(BATCH * task.promptLen);
  problems.forEach((p, i) => prompts.set(task.tokenizer.encode(p.prompt), i * task.promptLen));
  const train = await rate(() => policy.trainStep(batch), batch.batchSize * batch.seqLen);
  const sample = await rate(() => policy.sample(prompts, task.promptLen, { maxNew: task.answerLen, greedy: true }), BATCH * task.answerLen);
  return { train, sample };
}

function torchRates(config: object): { train: number; sample: number; version: string } | string {
  const script = fileURLToPath(new URL('./harness_torch.py', import.meta.url));
  const r = spawnSync('python3', [script, JSON.stringify(config)], { encoding: 'utf8' });
  if (r.status !== 0) return (r.stderr || r.error?.message || 'failed').trim().split('\n').at(-1)!;
  const out = JSON.parse(r.stdout);
  return { train: out.train_tokens_per_s, sample: out.sample_tokens_per_s, version: `${out.torch}, ${out.threads} threads` };
}

/** Runs the benchmark and returns the lines to print. */
export async function benchHarness(): Promise<string[]> {
  const task = maybeTask('add');
  const model = { ...DEFAULT_MODEL, vocab: task.tokenizer.vocabSize, context: task.promptLen + task.answerLen };
  const lines = [
    `harness: ${model.layers} layers, width ${model.width}, ${model.heads} heads, vocab ${model.vocab}; ` +
      `batch ${BATCH} × ${task.promptLen + task.answerLen - 1} tokens (train), ${BATCH} × ${task.answerLen} new tokens (greedy sampling)`,
  ];
  const torchConfig = {
    ...model, batch: BATCH, seq_len: task.promptLen + task.answerLen - 1, prompt_len: task.promptLen, max_new: task.answerLen, seconds: SECONDS,
  };
  const torch = torchRates({ ...torchConfig, threads: 2 });
  const rows: Array<[string, { train: number; sample: number } | string]> = [];
  rows.push(['PyTorch CPU, 2 threads', typeof torch === 'string' ? `unavailable (${torch})` : torch]);
  // One thread as well: on a loaded 2-core machine PyTorch's spinning thread pool can lose to itself.
  const torch1 = torchRates({ ...torchConfig, threads: 1 });
  if (typeof torch1 !== 'string') rows.push(['PyTorch CPU, 1 thread', torch1]);
  rows.push(['cpu', await measure(await createPolicy('cpu', model, 0), task)]);
  try {
    const gpu = await createPolicy('webgpu', model, 0);
    const { gpuContext } = await import('../src/harness/webgpu/device.ts');
    rows.push([`webgpu (${(await gpuContext()).adapterName})`, await measure(gpu, task)]);
    gpu.dispose();
  } catch (e) {
    rows.push(['webgpu', `unavailable (${(e as Error).message})`]);
  }
  // Ratios are to the faster PyTorch row per measurement, so a thread pool starved by other load on the
  // machine does not flatter the harness.
  const torchRows = [torch, torch1].filter((t): t is { train: number; sample: number; version: string } => typeof t !== 'string');
  const ref = torchRows.length
    ? { train: Math.max(...torchRows.map((t) => t.train)), sample: Math.max(...torchRows.map((t) => t.sample)) }
    : null;
  const fmt = (x: number, r?: number) => `${x.toFixed(0).padStart(8)} tok/s${r ? ` (${(x / r).toFixed(3)}× best PyTorch)` : ''}`;
  for (const [name, v] of rows) {
    if (typeof v === 'string') lines.push(`  ${name.padEnd(28)} ${v}`);
    else lines.push(`  ${name.padEnd(28)} train ${fmt(v.train, ref?.train)}   sample ${fmt(v.sample, ref?.sample)}`);
  }
  if (torchRows.length) lines.push(`  (PyTorch ${torchRows[0].version.split(',')[0]}; ratios are to the faster PyTorch row of each column)`);
  return lines;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchHarness()) console.log(line);
}
