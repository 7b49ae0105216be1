import { appendFile, mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { inputError, usageError } from '../../util/errors.ts';
import { hashUniform, Rng } from '../../util/rng.ts';
import { loadCheckpoint, saveCheckpoint, type Checkpoint } from '../checkpoint.ts';
import type { ModelConfig } from '../config.ts';
import { evaluate } from '../evaluate.ts';
import { createPolicy, type DeviceName } from '../policy.ts';
import { pretrain, type PretrainOptions } from '../pretrain.ts';
import { drawTrain, maybeTask, validationSet, type TaskName } from '../tasks/index.ts';
import type { Task } from '../tasks/task.ts';
import { DEFAULT_ADAMW, type AdamWOptions, type Batch, type Policy } from '../types.ts';
import { ADVANTAGE_ESTIMATORS, advantages, type AdvantageEstimator } from './advantages.ts';
import { configYaml } from './config-yaml.ts';
import { covarianceSummary, groupCovariance, tokenCovariance } from './covariance.ts';
import { lossOptions, policyLoss, type PolicyLossOptions } from './losses.ts';
import { rollout, rows, type Rollout } from './rollout.ts';

/** Options of `train`: what `entropy-law train` takes, in verl's terms where verl has one. */
export interface TrainOptions extends PolicyLossOptions {
  /** Task name or object; defaults to 'add'. A `from` checkpoint must have been trained on it. */
  task?: TaskName | Task;
  /** Digits of a task given by name (add, mod: each operand's; sort: how many); the task's default otherwise. */
  digits?: number;
  /** Warm start: a `pretrain` checkpoint (its file or its folder). Without it, `pretrain` runs first (see `warmStart`). */
  from?: string;
  /** Options of the warm start `pretrain` runs when `from` is absent (its `out` defaults to `<out>/.warm-start`). */
  warmStart?: PretrainOptions;
  /** Advantage estimator (verl `algorithm.adv_estimator`); defaults to 'grpo'. */
  algo?: AdvantageEstimator;
  /** RL steps (rollout + updates); defaults to 200. */
  steps?: number;
  /** Seed of prompts, sampling and Clip-Cov's picks; defaults to 0. */
  seed?: number;
  /** Run folder: `<name>.jsonl` (verl's file-logger format) and `config.yaml`. Nothing is written without it. */
  out?: string;
  /** Also save the final policy as `<out>/checkpoint.safetensors`; defaults to false. */
  saveCheckpoint?: boolean;
  /** Run (experiment) name, the log's file name; defaults to the folder's name. */
  name?: string;
  /** Defaults to 'cpu'. */
  device?: DeviceName;
  /**
   * CPU worker threads each batch is split over (see `CpuPolicy`); defaults to 2, both cores of a laptop
   * (about twice the sampling speed of one thread here). A fixed number, not the machine's core count,
   * because it is part of what fixes the log.
   */
  threads?: number;
  /** Prompts per step (verl `data.train_batch_size`); defaults to 64. */
  prompts?: number;
  /** Responses per prompt (verl `rollout.n`); defaults to 8. */
  samples?: number;
  /** Passes over each rollout (verl `ppo_epochs`); defaults to 1. */
  ppoEpochs?: number;
  /** Updates per pass: the rollout's prompts split into this many mini-batches (verl: train_batch_size / ppo_mini_batch_size); defaults to 8, the paper's updates per rollout. */
  miniBatches?: number;
  /**
   * AdamW; `lr` defaults to 3e-4 (1e-3 made 8 updates per rollout unstable: validation accuracy crashed
   * from 0.38 to 0.06 at step 70 and recovered) and `beta2` to 0.999 (verl's actor optimiser), the rest
   * to `DEFAULT_ADAMW`. Constant learning rate.
   */
  adam?: AdamWOptions;
  /** Rollout temperature; defaults to 1 (the entropy the law is about is at temperature 1). */
  temperature?: number;
  /** Validation every this many steps (verl `test_freq`), and at step 0 and the last; defaults to 5. */
  valEvery?: number;
  /** Fixed validation prompts; defaults to 512. */
  valSize?: number;
  /** Validation decoding: 0 (greedy, the default, as verl's `val_kwargs`) or a sampling temperature. */
  valTemperature?: number;
  /** Fraction of tokens whose mean covariance is logged as `actor/cov/top_mean`; defaults to `klCovRatio`. */
  covTopFraction?: number;
  /** Called after each step with its log record (step 0: the first validation). */
  onStep?: (record: StepRecord) => void;
}

/** One line of the log: verl's file logger writes `{"step": N, "data": {...}}`. */
export interface StepRecord {
  step: number;
  data: Record<string, number>;
}

/** What `train` did. */
export interface TrainResult {
  policy: Policy;
  task: Task;
  steps: number;
  /** The last validation accuracy. */
  valAcc: number;
  /** Paths written, when `out` was given. */
  log?: string;
  config?: string;
  checkpoint?: string;
}

/** Every option resolved: what `config.yaml` records. */
export interface ResolvedTrainOptions {
  task: Task;
  /** The data source's name in the log and config.yaml: the task's, with `-<digits>d` when not its default size. */
  dataset: string;
  algo: AdvantageEstimator;
  loss: Required<PolicyLossOptions>;
  steps: number;
  seed: number;
  device: DeviceName;
  threads: number;
  prompts: number;
  samples: number;
  ppoEpochs: number;
  miniBatches: number;
  adam: Required<AdamWOptions>;
  temperature: number;
  valEvery: number;
  valSize: number;
  valTemperature: number;
  covTopFraction: number;
  name: string;
}

/** RL's AdamW defaults: verl's actor optimiser (β₂ 0.999) at a learning rate for a small model from scratch. */
export const RL_ADAMW: Required<AdamWOptions> = { ...DEFAULT_ADAMW, lr: 3e-4, beta2: 0.999 };

/** Checks and fills the options. @throws UsageError naming the first bad one. */
export function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  const {
    task = 'add', algo = 'grpo', steps = 200, seed = 0, device = 'cpu', threads = 2, prompts = 64, samples = 8, ppoEpochs = 1,
    miniBatches = 8, adam = {}, temperature = 1, valEvery = 5, valSize = 512, valTemperature = 0, out,
  } = options;
  if (!ADVANTAGE_ESTIMATORS.includes(algo)) usageError(`unknown algorithm: ${algo} (expected ${ADVANTAGE_ESTIMATORS.join(', ')})`);
  for (const [key, v] of [['steps', steps], ['threads', threads], ['prompts', prompts], ['samples', samples], ['ppoEpochs', ppoEpochs], ['miniBatches', miniBatches], ['valEvery', valEvery], ['valSize', valSize]] as const) {
    if (!Number.isInteger(v) || v < 1) usageError(`invalid ${key}: ${v} (expected a positive integer)`);
  }
  if (!Number.isInteger(seed) || seed < 0) usageError(`invalid seed: ${seed} (expected an integer ≥ 0)`);
  if (prompts % miniBatches !== 0) usageError(`invalid miniBatches: ${miniBatches} does not divide prompts = ${prompts}`);
  if (!(temperature > 0) || !Number.isFinite(temperature)) usageError(`invalid temperature: ${temperature} (expected a positive number)`);
  if (!(valTemperature >= 0) || !Number.isFinite(valTemperature)) usageError(`invalid valTemperature: ${valTemperature} (expected a number ≥ 0)`);
  if (device !== 'cpu' && device !== 'webgpu') usageError(`invalid device: ${device} (expected cpu or webgpu)`);
  const loss = lossOptions(options);
  const resolvedAdam = { ...RL_ADAMW, ...stripUndefined(adam) };
  if (!(resolvedAdam.lr > 0)) usageError(`invalid lr: ${resolvedAdam.lr} (expected a positive number)`);
  const covTopFraction = options.covTopFraction ?? loss.klCovRatio;
  if (!(covTopFraction > 0 && covTopFraction <= 1)) usageError(`invalid covTopFraction: ${covTopFraction} (expected a fraction in (0, 1])`);
  const name = options.name ?? (out ? basename(resolve(out)) : 'run');
  if (!/^[\w.+-]+$/.test(name)) usageError(`invalid run name: ${JSON.stringify(name)} (letters, digits, . _ + - only)`);
  const resolvedTask = maybeTask(task, { digits: options.digits });
  const resized = typeof task === 'string' && options.digits !== undefined && maybeTask(task).description !== resolvedTask.description;
  return {
    task: resolvedTask, dataset: resized ? `${resolvedTask.name}-${options.digits}d` : resolvedTask.name, algo, loss, steps, seed, device, threads, prompts, samples, ppoEpochs, miniBatches, adam: resolvedAdam,
    temperature, valEvery, valSize, valTemperature, covTopFraction, name,
  };
}

/** A 24-bit seed for stream `stream` of step `step`: prompts, sampling and Clip-Cov never share draws. */
export function stepSeed(seed: number, step: number, stream: number): number {
  return Math.floor(hashUniform(seed, step, stream) * 2 ** 24);
}

/**
 * RL from a warm start: per step, `prompts` problems from the task's training split, `samples`
 * responses each at `temperature`, exact-answer rewards, advantages by `algo`, then `ppoEpochs` passes
 * of `miniBatches` AdamW updates on the policy loss (so π ≠ π_old after the first, and KL-Cov acts).
 * Validation accuracy is logged at step 0 and every `valEvery` steps. With `out`, writes the log in
 * verl's JSONL file-logger format (`<name>.jsonl`) and `config.yaml` beside it (and, when asked, the
 * final checkpoint).
 * The same seed on the same device (and thread count) gives the same log (except its `timing_s/` and
 * `perf/` values).
 * @throws UsageError for bad options; InputError for an unreadable or mismatched checkpoint.
 * @example
 * await train({ task: 'add', from: 'base/', steps: 200, out: 'runs/grpo' });
 */
export async function train(options: TrainOptions = {}): Promise<TrainResult> {
  const o = resolveTrainOptions(options);
  const { task } = o;
  if (options.out) await mkdir(options.out, { recursive: true });
  const warm = await warmStart(options, o);
  const policy = await createPolicy(o.device, warm.config, o.seed, { threads: o.threads });
  // RL starts from the warm start's weights with a fresh optimiser, as verl's actor does.
  const n = warm.state.params.length;
  await policy.setState({ params: warm.state.params, m: new Float32Array(n), v: new Float32Array(n), step: 0 });

  const log = options.out ? join(options.out, `${o.name}.jsonl`) : undefined;
  const result: TrainResult = { policy, task, steps: 0, valAcc: 0 };
  if (options.out) {
    result.config = join(options.out, 'config.yaml');
    await writeFile(result.config, configYaml(o, warm.config, warm.source));
    await writeFile(log!, '');
    result.log = log;
  }
  const emit = async (record: StepRecord) => {
    if (log) await appendFile(log, JSON.stringify(record) + '\n');
    options.onStep?.(record);
  };

  const val = validationSet(task, o.valSize);
  const validate = async (step: number) => {
    const t0 = performance.now();
    const { accuracy } = await evaluate(policy, task, val, { temperature: o.valTemperature, seed: stepSeed(o.seed, step, 3) });
    result.valAcc = accuracy;
    return { [`val-core/${o.dataset}/acc/mean@1`]: accuracy, 'timing_s/testing': (performance.now() - t0) / 1000 };
  };
  // verl validates before training; that line carries only validation metrics.
  await emit({ step: 0, data: await validate(0) });

  for (let step = 1; step <= o.steps; step++) {
    const data = await rlStep(policy, o, step);
    if (step % o.valEvery === 0 || step === o.steps) Object.assign(data, await validate(step));
    result.steps = step;
    await emit({ step, data });
  }
  if (options.out && options.saveCheckpoint) {
    result.checkpoint = join(options.out, 'checkpoint.safetensors');
    await saveCheckpoint(result.checkpoint, policy.config, await policy.getState(), { task: task.name, rl_steps: String(result.steps), val_acc: String(result.valAcc) });
  }
  return result;
}

/** The warm start's model and weights, and where they came from. */
async function warmStart(options: TrainOptions, o: ResolvedTrainOptions): Promise<{ config: ModelConfig; state: Checkpoint['state']; source: string }> {
  if (options.from !== undefined) {
    const info = await stat(options.from).catch(() => undefined);
    if (!info) inputError('no such checkpoint file or folder', { file: options.from });
    const file = info.isDirectory() ? join(options.from, 'checkpoint.safetensors') : options.from;
    const ckpt = await loadCheckpoint(file);
    if (ckpt.metadata.task !== undefined && ckpt.metadata.task !== o.task.name) {
      inputError(`checkpoint was trained on task ${ckpt.metadata.task}, not ${o.task.name}`, { file });
    }
    const described = ckpt.metadata.task_description;
    if (described !== undefined && described !== o.task.description) inputError(`checkpoint was trained on ${described}, not ${o.task.description}`, { file });
    const vocab = o.task.tokenizer.vocabSize, context = o.task.promptLen + o.task.answerLen;
    if (ckpt.config.vocab !== vocab || ckpt.config.context < context) {
      inputError(`checkpoint's model (vocabulary ${ckpt.config.vocab}, context ${ckpt.config.context}) does not fit task ${o.task.name} (vocabulary ${vocab}, context ${context})`, { file });
    }
    return { config: ckpt.config, state: ckpt.state, source: file };
  }
  const out = options.warmStart?.out ?? (options.out ? join(options.out, '.warm-start') : undefined);
  const pre = await pretrain({ device: o.device, ...options.warmStart, task: o.task, out });
  const state = await pre.policy.getState();
  pre.policy.dispose();
  return { config: pre.policy.config, state, source: pre.checkpoint ?? 'pretrain (not saved)' };
}

/** One RL step: rollout, advantages, updates; returns its metrics in verl's names (and ours). */
async function rlStep(policy: Policy, o: ResolvedTrainOptions, step: number): Promise<Record<string, number>> {
  const { task } = o;
  const t0 = performance.now();
  const promptRng = new Rng(stepSeed(o.seed, step, 0));
  const problems = Array.from({ length: o.prompts }, () => drawTrain(task, promptRng));
  const r = await rollout(policy, task, problems, o.samples, { temperature: o.temperature, seed: stepSeed(o.seed, step, 1) });
  const t1 = performance.now();

  const B = r.batch.batchSize, T = r.batch.seqLen;
  const adv = tokenAdvantages(o.algo, r, task.answerLen);
  const before = meanOver(r.entropy, r.mask);
  const cov = tokenCovariance(adv, r.oldLogp, r.mask);
  const covSummary = covarianceSummary(cov, o.covTopFraction);

  // Updates: ppoEpochs passes over miniBatches contiguous mini-batches of whole prompt groups.
  const rowsPer = B / o.miniBatches;
  const pickRng = new Rng(stepSeed(o.seed, step, 2));
  const acc = { pgLoss: 0, clipfrac: 0, clipfracLower: 0, ppoKl: 0, selected: 0, candidates: 0, tokens: 0, updates: 0 };
  for (let epoch = 0; epoch < o.ppoEpochs; epoch++) {
    for (let m = 0; m < o.miniBatches; m++) {
      const from = m * rowsPer, to = from + rowsPer;
      const batch: Batch = {
        batchSize: rowsPer, seqLen: T, tokens: rows(r.batch.tokens, from, to, T), targets: rows(r.batch.targets, from, to, T),
        weights: new Float32Array(rowsPer * T),
      };
      const mask = rows(r.mask, from, to, T), oldLogp = rows(r.oldLogp, from, to, T), a = adv.subarray(from * T, to * T);
      await policy.trainStep(batch, o.adam, ({ logp, entropy }) => {
        const l = policyLoss({ logp, oldLogp, advantages: a, mask, entropy }, o.loss, pickRng);
        acc.pgLoss += l.pgLoss;
        acc.clipfrac += l.clipfrac;
        acc.clipfracLower += l.clipfracLower;
        acc.ppoKl += l.ppoKl;
        acc.selected += l.selected;
        acc.candidates += l.candidates;
        acc.tokens += l.tokens;
        acc.updates++;
        // The batch loss is −Σ w·log p − Σ e·H, so w = −∂loss/∂log p and e = −∂loss/∂H.
        return { weights: Float32Array.from(l.dlogp, (g) => -g), entropyWeights: Float32Array.from(l.dentropy, (g) => -g) };
      });
    }
  }
  // Entropy of the same rollout under the updated policy: the step's ΔH, on the tokens it learned from.
  const after = meanOver((await policy.forward(r.batch)).entropy, r.mask);
  const t2 = performance.now();

  const seqLogp = new Float64Array(B), seqAdv = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    let s = 0, a = 0, n = 0;
    for (let t = 0; t < T; t++) if (r.mask[i * T + t] > 0) {
      s += r.oldLogp[i * T + t];
      a += adv[i * T + t];
      n++;
    }
    seqLogp[i] = s / n;
    seqAdv[i] = a / n;
  }
  const scores = [...r.scores];
  const u = acc.updates;
  const seconds = (t2 - t0) / 1000;
  return {
    'actor/entropy': before,
    'actor/pg_loss': acc.pgLoss / u,
    'actor/pg_clipfrac': acc.clipfrac / u,
    'actor/pg_clipfrac_lower': acc.clipfracLower / u,
    'actor/ppo_kl': acc.ppoKl / u,
    'actor/lr': o.adam.lr,
    'critic/score/mean': mean(scores),
    'critic/score/max': Math.max(...scores),
    'critic/score/min': Math.min(...scores),
    'critic/rewards/mean': mean(scores),
    'critic/advantages/mean': meanOver(adv, r.mask),
    'critic/advantages/max': maxOver(adv, r.mask, 1),
    'critic/advantages/min': -maxOver(adv, r.mask, -1),
    'critic/score/zero_std_frac': zeroStdFraction(r),
    'response_length/mean': task.answerLen,
    'actor/cov/mean': covSummary.mean,
    'actor/cov/top_mean': covSummary.topMean,
    'actor/cov/group_mean': groupCovariance(seqLogp, seqAdv, r.group),
    'actor/entropy_after': after,
    'actor/entropy_delta': after - before,
    'actor/cov_selected': acc.selected,
    'actor/cov_candidates': acc.candidates,
    'actor/cov_selected_frac': acc.tokens ? acc.selected / acc.tokens : 0,
    'perf/throughput': (B * (task.promptLen + task.answerLen)) / seconds,
    'timing_s/gen': (t1 - t0) / 1000,
    'timing_s/update_actor': (t2 - t1) / 1000,
    'timing_s/step': seconds,
  };
}

/** Advantages in the batch layout [responses, T], from the estimator's [responses, answerLen]. */
function tokenAdvantages(algo: AdvantageEstimator, r: Rollout, R: number): Float64Array {
  const B = r.batch.batchSize, T = r.batch.seqLen;
  const perToken = advantages(algo, { scores: r.scores, group: r.group, responseLen: R });
  const out = new Float64Array(B * T);
  for (let i = 0; i < B; i++) for (let s = 0; s < R; s++) out[i * T + T - R + s] = perToken[i * R + s];
  return out;
}

/** Fraction of prompt groups whose responses all scored the same: they carry no gradient. */
function zeroStdFraction(r: Rollout): number {
  const P = r.problems.length;
  let same = 0;
  for (let p = 0; p < P; p++) {
    const s = r.scores.subarray(p * r.G, (p + 1) * r.G);
    if (s.every((x) => x === s[0])) same++;
  }
  return same / P;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function meanOver(x: ArrayLike<number>, mask: ArrayLike<number>): number {
  let s = 0, n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] > 0) {
    s += x[i];
    n++;
  }
  return n ? s / n : 0;
}

function maxOver(x: ArrayLike<number>, mask: ArrayLike<number>, sign: number): number {
  let m = -Infinity;
  for (let i = 0; i < mask.length; i++) if (mask[i] > 0) m = Math.max(m, sign * x[i]);
  return Number.isFinite(m) ? m : 0;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
