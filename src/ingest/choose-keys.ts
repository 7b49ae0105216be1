import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { ENTROPY_ALIASES, TRAIN_REWARD_ALIASES, entropyKeyFor, trainRewardKeyFor, validationKeysFor } from './aliases.ts';
import type { KeyChoice, MetricKind, RawRun } from './types.ts';

/**
 * Entropy keys tried in order (`ENTROPY_ALIASES`): verl (`actor/entropy` since April 2025, `actor/entropy_loss`
 * before: the same quantity), the entropy paper's verl fork, then TRL, OpenRLHF and prime-rl names.
 */
export const ENTROPY_KEYS: readonly string[] = ENTROPY_ALIASES.map((a) => a.key);

/** verl's training-reward keys, tried before the other trainers' (`TRAIN_REWARD_ALIASES`, per-function means). */
const VERL_REWARD_KEYS = ['critic/score/mean', 'critic/rewards/mean'];

/** Training-reward keys tried in order, the last resort for R (verl, then TRL/OpenRLHF, also through W&B/TensorBoard). */
export const TRAIN_REWARD_KEYS: readonly string[] = [...VERL_REWARD_KEYS, ...TRAIN_REWARD_ALIASES.map((a) => a.key)];

/** The column that holds R in the tidy output of `ingest`, so that output can be read back. */
export const TIDY_METRIC_KEY = 'metric';

/** Options of `chooseKeys`. */
export interface ChooseKeysOptions {
  /** Entropy key. Default: the first of `ENTROPY_KEYS` the run has. */
  entropy?: string;
  /** R key. Default: the metric-choice rule of `chooseKeys`. */
  metric?: string;
  /** Receives the warning that training reward stands in for R. Default: none. */
  warnings?: Warnings;
}

/** A `val-core/<source>/<var>/mean@<N>` key, parsed. */
export interface ValCoreKey {
  key: string;
  source: string;
  variable: string;
  n: number;
}

/**
 * Parses a verl validation key `val-core/<data_source>/<var>/mean@<N>` from the right, since the data source
 * itself may contain `/` (`val-core/openai/gsm8k/acc/mean@1`). The sanitised forms are read too: MLflow's
 * `mean_at_<N>` and tensorboardX's `mean_<N>` (it replaces `@` in tags with `_`). Other metrics (`std@N`,
 * `best@k/mean`) give `undefined`.
 *
 * @example
 * parseValCoreKey('val-core/openai/gsm8k/acc/mean@16') // => { key: '…', source: 'openai/gsm8k', variable: 'acc', n: 16 }
 */
export function parseValCoreKey(key: string): ValCoreKey | undefined {
  const m = /^val-core\/(.+)\/([^/]+)\/mean(?:@|_at_|_)(\d+)$/.exec(key);
  return m ? { key, source: m[1], variable: m[2], n: Number(m[3]) } : undefined;
}

/** For each data source, the `mean@N` key of `variable` with the largest N, in first-seen source order. */
function bestValCoreKeys(keys: Iterable<string>, variable: string): string[] {
  const best = new Map<string, ValCoreKey>();
  for (const key of keys) {
    const parsed = parseValCoreKey(key);
    if (!parsed || parsed.variable !== variable) continue;
    const current = best.get(parsed.source);
    if (!current || parsed.n > current.n) best.set(parsed.source, parsed);
  }
  return [...best.values()].map((k) => k.key);
}

/** The metric for R from several keys: a single key names itself, several are averaged. */
function metricFrom(metricKeys: string[], metricKind: MetricKind): Omit<KeyChoice, 'entropyKey'> {
  const metric = metricKeys.length === 1 ? metricKeys[0] : `mean(${metricKeys.join(', ')})`;
  return { metric, metricKeys, metricKind };
}

/** Every key the run recorded at some step. */
export function runKeys(run: RawRun): Set<string> {
  if (run.table) return run.table.keys();
  const keys = new Set<string>();
  for (const metrics of run.steps.values()) for (const key of metrics.keys()) keys.add(key);
  return keys;
}

/**
 * True if `key` could be chosen as entropy or R by the default rules of `chooseKeys`, or named as another
 * entropy key in a run's coverage note (any key with `entropy` in it, such as TRL's `eval_entropy`): a
 * reader may keep only these (plus the user's keys) and the choice comes out the same, at a fraction of the
 * memory.
 *
 * @example
 * isCandidateKey('actor/entropy') // => true
 * isCandidateKey('timing_s/gen') // => false
 */
export function isCandidateKey(key: string): boolean {
  return (
    /entropy/i.test(key) ||
    entropyKeyFor([key]) === key ||
    parseValCoreKey(key) !== undefined ||
    key.startsWith('val/test_score/') ||
    key === 'val/score-all' ||
    validationKeysFor([key]).length > 0 ||
    key === TIDY_METRIC_KEY ||
    VERL_REWARD_KEYS.includes(key) ||
    trainRewardKeyFor([key]) === key
  );
}

/** A few keys for an error message. */
function someKeys(keys: Set<string>): string {
  const list = [...keys].slice(0, 12);
  return list.length === 0 ? 'none' : list.join(', ') + (keys.size > list.length ? `, … (${keys.size} in all)` : '');
}

/**
 * Chooses what "entropy" and "R" mean in a run.
 *
 * Entropy: `options.entropy`, else the first of `ENTROPY_KEYS` (`ENTROPY_ALIASES`) present.
 * R, best first: `options.metric` (kind `user`); validation accuracy `val-core/<source>/acc/mean@N` with the
 * largest N per data source, averaged over sources when there are several (kind `validation`); the same with
 * `reward` in place of `acc`; legacy `val/test_score/<source>`, averaged over sources, or the entropy paper's
 * `val/score-all` (kind `legacy-validation`); the other trainers' validation keys by `VALIDATION_RULES`
 * (OpenRLHF `eval_<dataset>_pass1` averaged over data sets, TRL `eval_rewards/<acc f>/mean`, `eval_accuracy`,
 * `eval_reward`; kind `validation`); the tidy output's `metric` column (kind `user`); and last the training
 * reward: `critic/score/mean`, `critic/rewards/mean`, `reward`, `train/reward`, a per-function
 * `rewards/<f>/mean` (kind `train-reward`, with a warning: training reward is not downstream performance).
 *
 * Throws an `InputError` naming the file when a given key is absent or nothing usable is found.
 *
 * @example
 * chooseKeys(run) // => { entropyKey: 'actor/entropy', metric: 'val-core/openai/gsm8k/acc/mean@1', metricKeys: [...], metricKind: 'validation' }
 */
export function chooseKeys(run: RawRun, options: ChooseKeysOptions = {}): KeyChoice {
  const keys = runKeys(run);
  // A reader that kept only candidate keys still knows every key it saw; error messages list those.
  const seen = run.allKeys ?? keys;
  const file = { file: run.source };
  let entropyKey = options.entropy;
  if (entropyKey !== undefined) {
    if (!keys.has(entropyKey)) inputError(`entropy key '${entropyKey}' not found (keys: ${someKeys(seen)})`, file);
  } else {
    entropyKey = entropyKeyFor(keys);
    if (entropyKey === undefined) {
      inputError(`no entropy key (tried ${ENTROPY_KEYS.join(', ')}; use --entropy; keys: ${someKeys(seen)})`, file);
    }
  }
  return { entropyKey, ...chooseMetric(run, keys, seen, options) };
}

/** The R half of `chooseKeys`. */
function chooseMetric(run: RawRun, keys: Set<string>, seen: Set<string>, options: ChooseKeysOptions): Omit<KeyChoice, 'entropyKey'> {
  if (options.metric !== undefined) {
    if (!keys.has(options.metric)) {
      inputError(`metric key '${options.metric}' not found (keys: ${someKeys(seen)})`, { file: run.source });
    }
    return metricFrom([options.metric], 'user');
  }
  for (const variable of ['acc', 'reward']) {
    const valCore = bestValCoreKeys(keys, variable);
    if (valCore.length > 0) return metricFrom(valCore, 'validation');
  }
  const legacy = [...keys].filter((k) => k.startsWith('val/test_score/'));
  if (legacy.length > 0) return metricFrom(legacy, 'legacy-validation');
  if (keys.has('val/score-all')) return metricFrom(['val/score-all'], 'legacy-validation');
  // The other trainers' validation metrics (OpenRLHF pass@1, TRL eval accuracy or reward), by `VALIDATION_RULES`.
  const validation = validationKeysFor(keys);
  if (validation.length > 0) return metricFrom(validation, 'validation');
  if (keys.has(TIDY_METRIC_KEY)) return metricFrom([TIDY_METRIC_KEY], 'user');
  const reward = VERL_REWARD_KEYS.find((k) => keys.has(k)) ?? trainRewardKeyFor(keys);
  if (reward !== undefined) {
    options.warnings?.warn(
      `${run.source}: no validation metric; R is the training reward '${reward}', which is not downstream performance (use --metric to choose)`,
    );
    return metricFrom([reward], 'train-reward');
  }
  return inputError(
    `no metric for R (tried val-core/<source>/acc/mean@N, val/test_score/<source>, eval_<dataset>_pass1, eval_accuracy, eval_reward, ${TRAIN_REWARD_KEYS.join(', ')}, rewards/<f>/mean; use --metric; keys: ${someKeys(seen)})`,
    { file: run.source },
  );
}
