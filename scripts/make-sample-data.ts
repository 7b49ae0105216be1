/**
 * Writes the synthetic sample runs in data/ (run: `node --import tsx scripts/make-sample-data.ts`).
 *
 * Each run follows the entropy law with known coefficients, R = −a·exp(H) + b plus Gaussian noise, with
 * entropy decaying toward a floor, H(t) = H∞ + (H0 − H∞)·exp(−t/τ). Validation every `valEvery` steps as
 * verl does. The files are in three of the formats the toolkit reads (verl console log with Ray prefixes
 * and ANSI codes, verl JSONL file-logger output, a plain CSV) and are named `synthetic-*` so nobody
 * mistakes them for real training runs. The true coefficients live in TRUTH below (and are printed), so
 * data/ holds only logs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';

interface SyntheticRun {
  name: string;
  format: 'verl-console' | 'verl-jsonl' | 'csv';
  a: number;
  b: number;
  h0: number;
  hFloor: number;
  tau: number;
  steps: number;
  valEvery: number;
  noise: number;
  sources: string[];
}

export const TRUTH: SyntheticRun[] = [
  // Two algorithms on one model share a and b (the paper's "algorithm-irrelevant" coefficients).
  { name: 'synthetic-qwen2.5-7b-grpo', format: 'verl-console', a: 0.3, b: 0.95, h0: 1.1, hFloor: 0.05, tau: 60, steps: 240, valEvery: 8, noise: 0.008, sources: ['openai/gsm8k'] },
  { name: 'synthetic-qwen2.5-7b-rloo', format: 'verl-jsonl', a: 0.3, b: 0.95, h0: 1.0, hFloor: 0.08, tau: 80, steps: 240, valEvery: 8, noise: 0.008, sources: ['openai/gsm8k'] },
  { name: 'synthetic-qwen2.5-1.5b-grpo', format: 'verl-console', a: 0.22, b: 0.74, h0: 1.3, hFloor: 0.1, tau: 50, steps: 200, valEvery: 5, noise: 0.01, sources: ['openai/gsm8k', 'lighteval/MATH'] },
  // Across Qwen sizes a and b grow log-linearly in model size (a ≈ 0.20 + 0.05·ln B, b ≈ 0.70 + 0.13·ln B).
  { name: 'synthetic-qwen2.5-0.5b-grpo', format: 'verl-jsonl', a: 0.165, b: 0.61, h0: 1.4, hFloor: 0.15, tau: 45, steps: 200, valEvery: 5, noise: 0.01, sources: ['openai/gsm8k'] },
  { name: 'synthetic-llama3.2-3b-ppo', format: 'csv', a: 0.18, b: 0.62, h0: 0.9, hFloor: 0.12, tau: 70, steps: 200, valEvery: 10, noise: 0.012, sources: ['openai/gsm8k'] },
];

/** mulberry32: a small, seeded PRNG so the files are identical on every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

interface Step {
  step: number;
  metrics: Record<string, number>;
}

function simulate(run: SyntheticRun, seed: number): Step[] {
  const u = rng(seed);
  const out: Step[] = [];
  for (let t = 0; t <= run.steps; t++) {
    const h = run.hFloor + (run.h0 - run.hFloor) * Math.exp(-t / run.tau) * (1 + 0.02 * gaussian(u));
    const truth = run.b - run.a * Math.exp(h);
    const metrics: Record<string, number> = {};
    if (t > 0) {
      metrics['actor/entropy'] = h;
      metrics['actor/pg_loss'] = 0.02 * gaussian(u);
      metrics['actor/grad_norm'] = 0.4 + 0.1 * u();
      metrics['critic/score/mean'] = Math.min(1, Math.max(0, truth + 0.05 + 0.03 * gaussian(u)));
      metrics['response_length/mean'] = 180 + 120 * (1 - Math.exp(-t / 90)) + 5 * gaussian(u);
      metrics['timing_s/step'] = 30 + 3 * u();
    }
    if (t % run.valEvery === 0) {
      for (const source of run.sources) {
        // A harder second source scores a fixed fraction of the first, so their mean still follows the law.
        const scale = source === 'lighteval/MATH' ? 0.8 : 1;
        const acc = Math.min(1, Math.max(0, scale * truth + run.noise * gaussian(u)));
        metrics[`val-core/${source}/acc/mean@1`] = acc;
        metrics[`val-aux/${source}/reward/mean@1`] = acc;
      }
    }
    out.push({ step: t, metrics });
  }
  return out;
}

const ANSI_CYAN = '\u001b[36m';
const ANSI_RESET = '\u001b[0m';

/** A verl ≥ 0.5 console log: Python reprs with numpy 2 scalars, a Ray prefix, noise lines between steps. */
function verlConsole(steps: Step[]): string {
  const lines = ['(TaskRunner pid=4242) Using LocalLogger is deprecated.', '(TaskRunner pid=4242) Training Progress:   0%|          | 0/240'];
  for (const { step, metrics } of steps) {
    const pairs = Object.entries(metrics).map(([k, v]) => `${k}:np.float64(${v})`);
    lines.push(`${ANSI_CYAN}(TaskRunner pid=4242)${ANSI_RESET} step:${step} - ${pairs.join(' - ')}`);
    if (step % 50 === 0) lines.push(`(WorkerDict pid=4301) [rank0]: saving checkpoint to /ckpt/global_step_${step}`);
  }
  return lines.join('\n') + '\n';
}

function verlJsonl(steps: Step[]): string {
  return steps.map(({ step, metrics }) => JSON.stringify({ step, data: metrics })).join('\n') + '\n';
}

/**
 * A plain CSV with one row per step, as users export metrics from their own tooling; validation cells are
 * empty where the step had no validation.
 */
function csv(steps: Step[]): string {
  const header = ['step', 'entropy', 'critic/score/mean', 'val-core/openai/gsm8k/acc/mean@1'];
  const rows = steps.map(({ step, metrics }) =>
    [step, metrics['actor/entropy'], metrics['critic/score/mean'], metrics['val-core/openai/gsm8k/acc/mean@1']]
      .map((v) => (v === undefined ? '' : String(v)))
      .join(','),
  );
  return [header.join(','), ...rows].join('\n') + '\n';
}

function main(): void {
  const dir = new URL('../data/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  TRUTH.forEach((run, i) => {
    const steps = simulate(run, 1000 + i);
    const text = run.format === 'verl-console' ? verlConsole(steps) : run.format === 'verl-jsonl' ? verlJsonl(steps) : csv(steps);
    const ext = run.format === 'verl-console' ? 'log' : run.format === 'verl-jsonl' ? 'jsonl' : 'csv';
    writeFileSync(new URL(`${run.name}.${ext}`, dir), text);
    console.log(`${run.name}.${ext}: a = ${run.a}, b = ${run.b}, ceiling b − a = ${(run.b - run.a).toFixed(3)}`);
  });
}

main();
