import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import type { KeyChoice, MetricKind, RawRun } from './types.ts';

/**
 * Entropy keys tried in order: verl (`actor/entropy` since April 2025, `actor/entropy_loss` before: the same
 * quantity), the entropy paper's verl fork, then generic and TRL-through-W&B names.
 */
export const ENTROPY_KEYS = ['actor/entropy', 'actor/entropy_loss', 'train_entropy/all', 'entropy', 'train/entropy'];

/** Training-reward keys tried in order, the last resort for R (verl, then TRL and W&B-exported TRL). */
export const TRAIN_REWARD_KEYS = ['critic/score/mean', 'critic/rewards/mean', 'reward', 'train/reward'];

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
 * itself may contain `/` (`val-core/openai/gsm8k/acc/mean@1`). Other metrics (`std@N`, `best@k/mean`) give
 * `undefined`.
 *
 * @example
 * parseValCoreKey('val-core/openai/gsm8k/acc/mean@16') // => { key: '…', source: 'openai/gsm8k', variable: 'acc', n: 16 }
 */
export function parseValCoreKey(key: string): ValCoreKey | undefined {
  const m = /^val-core\/(.+)\/([^/]+)\/mean@(\d+)$/.exec(key);
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
  const keys = new Set<string>();
  for (const metrics of run.steps.values()) for (const key of metrics.keys()) keys.add(key);
  return keys;
}

/** A few keys for an error message. */
function someKeys(keys: Set<string>): string {
  const list = [...keys].slice(0, 12);
  return list.length === 0 ? 'none' : list.join(', ') + (keys.size > list.length ? `, … (${keys.size} in all)` : '');
}

/**
 * Chooses what "entropy" and "R" mean in a run.
 *
 * Entropy: `options.entropy`, else the first of `ENTROPY_KEYS` present.
 * R, best first: `options.metric` (kind `user`); validation accuracy `val-core/<source>/acc/mean@N` with the
 * largest N per data source, averaged over sources when there are several (kind `validation`); the same with
 * `reward` in place of `acc`; legacy `val/test_score/<source>`, averaged over sources, or the entropy paper's
 * `val/score-all` (kind `legacy-validation`); the tidy output's `metric` column (kind `user`); and last the
 * training reward `critic/score/mean`, `critic/rewards/mean`, `reward` (kind `train-reward`, with a warning:
 * training reward is not downstream performance).
 *
 * Throws an `InputError` naming the file when a given key is absent or nothing usable is found.
 *
 * @example
 * chooseKeys(run) // => { entropyKey: 'actor/entropy', metric: 'val-core/openai/gsm8k/acc/mean@1', metricKeys: [...], metricKind: 'validation' }
 */
export function chooseKeys(run: RawRun, options: ChooseKeysOptions = {}): KeyChoice {
  const keys = runKeys(run);
  const file = { file: run.source };
  let entropyKey = options.entropy;
  if (entropyKey !== undefined) {
    if (!keys.has(entropyKey)) inputError(`entropy key '${entropyKey}' not found (keys: ${someKeys(keys)})`, file);
  } else {
    entropyKey = ENTROPY_KEYS.find((k) => keys.has(k));
    if (entropyKey === undefined) {
      inputError(`no entropy key (tried ${ENTROPY_KEYS.join(', ')}; use --entropy; keys: ${someKeys(keys)})`, file);
    }
  }
  return { entropyKey, ...chooseMetric(run, keys, options) };
}

/** The R half of `chooseKeys`. */
function chooseMetric(run: RawRun, keys: Set<string>, options: ChooseKeysOptions): Omit<KeyChoice, 'entropyKey'> {
  if (options.metric !== undefined) {
    if (!keys.has(options.metric)) {
      inputError(`metric key '${options.metric}' not found (keys: ${someKeys(keys)})`, { file: run.source });
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
  if (keys.has(TIDY_METRIC_KEY)) return metricFrom([TIDY_METRIC_KEY], 'user');
  const reward = TRAIN_REWARD_KEYS.find((k) => keys.has(k));
  if (reward !== undefined) {
    options.warnings?.warn(
      `${run.source}: no validation metric; R is the training reward '${reward}', which is not downstream performance (use --metric to choose)`,
    );
    return metricFrom([reward], 'train-reward');
  }
  return inputError(
    `no metric for R (tried val-core/<source>/acc/mean@N, val/test_score/<source>, ${TRAIN_REWARD_KEYS.join(', ')}; use --metric; keys: ${someKeys(keys)})`,
    { file: run.source },
  );
}
