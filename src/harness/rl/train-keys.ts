import { usageError } from '../../util/errors.ts';
import { TASK_NAMES } from '../tasks/index.ts';
import { ADVANTAGE_ESTIMATORS } from './advantages.ts';
import { POLICY_LOSSES } from './losses.ts';
import type { ResolvedTrainOptions, TrainOptions } from './train.ts';

/**
 * The options of a training run by the names `entropy-law train` gives them (`--clip-high`), which are
 * also the keys of a sweep file: one table, so the command line and a sweep cannot drift apart.
 */
export interface TrainKey {
  /** The flag without its dashes. */
  key: string;
  /** What `--help` says. */
  description: string;
  /** How a value is read: a positive integer, an integer ≥ 0, a number ≥ 0, a fraction in (0, 1], a name from `choices`, a path, or a switch. */
  kind: 'count' | 'integer' | 'number' | 'fraction' | 'choice' | 'path' | 'boolean';
  choices?: readonly string[];
  /** Stores a checked value into the options. */
  set: (o: TrainOptions, value: never) => void;
}

const pre = (o: TrainOptions) => (o.warmStart ??= {});
const model = (o: TrainOptions) => (pre(o).model ??= {});
const adam = (o: TrainOptions) => (o.adam ??= {});

/** Every train option, in `--help` order. */
export const TRAIN_KEYS: readonly TrainKey[] = [
  { key: 'task', description: 'the task', kind: 'choice', choices: TASK_NAMES, set: (o, v: TrainOptions['task']) => (o.task = v) },
  { key: 'digits', description: 'task size: digits of each operand (add, mod) or digits to sort', kind: 'count', set: (o, v: number) => (o.digits = v) },
  { key: 'from', description: 'warm start: a pretrain checkpoint (file or folder); without it, pretrain first', kind: 'path', set: (o, v: string) => (o.from = v) },
  { key: 'algo', description: 'advantage estimator', kind: 'choice', choices: ADVANTAGE_ESTIMATORS, set: (o, v: TrainOptions['algo']) => (o.algo = v) },
  { key: 'loss', description: 'policy loss', kind: 'choice', choices: POLICY_LOSSES, set: (o, v: TrainOptions['loss']) => (o.loss = v) },
  { key: 'steps', description: 'RL steps (rollout and updates)', kind: 'count', set: (o, v: number) => (o.steps = v) },
  { key: 'seed', description: 'seed of prompts, sampling and Clip-Cov\'s picks', kind: 'integer', set: (o, v: number) => (o.seed = v) },
  { key: 'device', description: 'where to train: cpu (WebAssembly SIMD) or webgpu', kind: 'choice', choices: ['cpu', 'webgpu'], set: (o, v: TrainOptions['device']) => (o.device = v) },
  { key: 'threads', description: 'cpu: worker threads each batch is split over', kind: 'count', set: (o, v: number) => (o.threads = v) },
  { key: 'prompts', description: 'prompts per step (verl data.train_batch_size)', kind: 'count', set: (o, v: number) => (o.prompts = v) },
  { key: 'samples', description: 'responses per prompt (verl rollout.n)', kind: 'count', set: (o, v: number) => (o.samples = v) },
  { key: 'ppo-epochs', description: 'passes over each rollout', kind: 'count', set: (o, v: number) => (o.ppoEpochs = v) },
  { key: 'mini-batches', description: 'updates per pass (the prompts split into this many mini-batches)', kind: 'count', set: (o, v: number) => (o.miniBatches = v) },
  { key: 'lr', description: 'AdamW learning rate (constant)', kind: 'number', set: (o, v: number) => (adam(o).lr = v) },
  { key: 'temperature', description: 'rollout temperature', kind: 'number', set: (o, v: number) => (o.temperature = v) },
  { key: 'clip-low', description: 'PPO clip ε_low', kind: 'number', set: (o, v: number) => (o.clipLow = v) },
  { key: 'clip-high', description: 'PPO clip ε_high (0.28: DAPO\'s clip-higher)', kind: 'number', set: (o, v: number) => (o.clipHigh = v) },
  { key: 'clip-cov-ratio', description: 'Clip-Cov: fraction r of tokens detached', kind: 'fraction', set: (o, v: number) => (o.clipCovRatio = v) },
  { key: 'clip-cov-lb', description: 'Clip-Cov: lower bound of the covariance band', kind: 'number', set: (o, v: number) => (o.clipCovLb = v) },
  { key: 'clip-cov-ub', description: 'Clip-Cov: upper bound of the covariance band', kind: 'number', set: (o, v: number) => (o.clipCovUb = v) },
  { key: 'kl-cov-ratio', description: 'KL-Cov: fraction k of tokens penalised', kind: 'fraction', set: (o, v: number) => (o.klCovRatio = v) },
  { key: 'kl-coef', description: 'KL-Cov: coefficient β of |log π − log π_old|', kind: 'number', set: (o, v: number) => (o.klCoef = v) },
  { key: 'entropy-coef', description: 'entropy bonus coefficient', kind: 'number', set: (o, v: number) => (o.entropyCoef = v) },
  { key: 'val-every', description: 'validate every this many steps', kind: 'count', set: (o, v: number) => (o.valEvery = v) },
  { key: 'val-size', description: 'validation prompts', kind: 'count', set: (o, v: number) => (o.valSize = v) },
  { key: 'val-temperature', description: 'validation decoding: 0 greedy, else sampled at this temperature', kind: 'number', set: (o, v: number) => (o.valTemperature = v) },
  { key: 'save-checkpoint', description: 'also save the final policy as checkpoint.safetensors', kind: 'boolean', set: (o, v: boolean) => (o.saveCheckpoint = v) },
  { key: 'layers', description: 'warm start without --from: transformer blocks', kind: 'count', set: (o, v: number) => (model(o).layers = v) },
  { key: 'width', description: 'warm start without --from: residual width', kind: 'count', set: (o, v: number) => (model(o).width = v) },
  { key: 'heads', description: 'warm start without --from: attention heads', kind: 'count', set: (o, v: number) => (model(o).heads = v) },
  { key: 'pretrain-steps', description: 'warm start without --from: most supervised steps', kind: 'count', set: (o, v: number) => (pre(o).steps = v) },
  { key: 'pretrain-target', description: 'warm start without --from: stop at this validation accuracy', kind: 'fraction', set: (o, v: number) => (pre(o).targetAccuracy = v) },
  { key: 'pretrain-entropy-bonus', description: 'warm start without --from: confidence penalty β (keeps its entropy high)', kind: 'number', set: (o, v: number) => (pre(o).entropyBonus = v) },
  { key: 'pretrain-lr', description: 'warm start without --from: peak learning rate (wider models need less)', kind: 'number', set: (o, v: number) => ((pre(o).adam ??= {}).lr = v) },
  { key: 'pretrain-seed', description: 'warm start without --from: its seed (runs of every --seed share it)', kind: 'integer', set: (o, v: number) => (pre(o).seed = v) },
];

const BY_KEY = new Map(TRAIN_KEYS.map((k) => [k.key, k]));

/** Where each option's default sits in the resolved options, for `--help`. */
const DEFAULTS: Record<string, (r: ResolvedTrainOptions) => string | number> = {
  task: (r) => r.task.name, algo: (r) => r.algo, loss: (r) => r.loss.loss, steps: (r) => r.steps, seed: (r) => r.seed,
  device: (r) => r.device, threads: (r) => r.threads, prompts: (r) => r.prompts, samples: (r) => r.samples,
  'ppo-epochs': (r) => r.ppoEpochs, 'mini-batches': (r) => r.miniBatches, lr: (r) => r.adam.lr, temperature: (r) => r.temperature,
  'clip-low': (r) => r.loss.clipLow, 'clip-high': (r) => r.loss.clipHigh, 'clip-cov-ratio': (r) => r.loss.clipCovRatio,
  'clip-cov-lb': (r) => r.loss.clipCovLb, 'clip-cov-ub': (r) => r.loss.clipCovUb, 'kl-cov-ratio': (r) => r.loss.klCovRatio,
  'kl-coef': (r) => r.loss.klCoef, 'entropy-coef': (r) => r.loss.entropyCoef, 'val-every': (r) => r.valEvery,
  'val-size': (r) => r.valSize, 'val-temperature': (r) => r.valTemperature,
};

/**
 * The value `key` takes when it is not given, from `resolved` (the library's defaults: `resolveTrainOptions({})`),
 * or `undefined` for options whose default is not a value (`from`: pretrain first).
 * @example
 * trainDefault('lr', resolveTrainOptions({})) // => 0.0003
 */
export function trainDefault(key: string, resolved: ResolvedTrainOptions): string | number | undefined {
  return DEFAULTS[key]?.(resolved);
}

/** Reads one value of `key` (a flag's string or a YAML scalar). @throws UsageError `where: invalid key: value (expected …)`. */
export function parseTrainValue(key: string, value: unknown, where = ''): string | number | boolean {
  const k = BY_KEY.get(key);
  const at = where ? `${where}: ` : '';
  if (!k) return usageError(`${at}unknown option ${key} (expected one of ${TRAIN_KEYS.map((t) => t.key).join(', ')})`);
  const fail = (expected: string): never => usageError(`${at}invalid ${key}: ${String(value)} (expected ${expected})`);
  if (k.kind === 'boolean') {
    if (typeof value !== 'boolean') return fail('true or false');
    return value;
  }
  if (k.kind === 'choice' || k.kind === 'path') {
    if (typeof value !== 'string' || value === '') return fail(k.kind === 'path' ? 'a path' : `one of ${k.choices!.join(', ')}`);
    if (k.choices && !k.choices.includes(value)) return fail(`one of ${k.choices.join(', ')}`);
    return value;
  }
  const x = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (k.kind === 'count' && !(Number.isInteger(x) && x > 0)) return fail('a positive integer');
  if (k.kind === 'integer' && !(Number.isInteger(x) && x >= 0)) return fail('an integer ≥ 0');
  if (k.kind === 'number' && !(Number.isFinite(x) && x >= 0)) return fail('a number ≥ 0');
  if (k.kind === 'fraction' && !(x > 0 && x <= 1)) return fail('a fraction in (0, 1]');
  return x;
}

/**
 * Train options from `{key: value}` pairs named as `TRAIN_KEYS` names them (a sweep file's, or the
 * command line's), checked one by one.
 * @throws UsageError naming `where` and the first bad key.
 * @example
 * trainOptionsFrom({ algo: 'rloo', 'clip-high': 0.28 }) // => { algo: 'rloo', clipHigh: 0.28 }
 */
export function trainOptionsFrom(values: Record<string, unknown>, where = '', into: TrainOptions = {}): TrainOptions {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const parsed = parseTrainValue(key, value, where); // throws for an unknown key
    BY_KEY.get(key)!.set(into, parsed as never);
  }
  return into;
}
