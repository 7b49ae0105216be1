/**
 * What "entropy", "validation performance" and "training reward" are called in each trainer's logs, so a
 * run can be read without `--entropy`/`--metric` whatever wrote it. Data first, then the pure functions
 * that apply it to a run's keys; verl's `val-core/...` rule lives with the key choice itself.
 */

/** A raw key and the trainer/logger that writes it. */
export interface KeyAlias {
  key: string;
  source: string;
}

/** Policy-entropy keys, best first: a run uses the first of these it has. */
export const ENTROPY_ALIASES: readonly KeyAlias[] = [
  { key: 'actor/entropy', source: 'verl (since April 2025)' },
  { key: 'actor/entropy_loss', source: 'verl (before April 2025; the same quantity)' },
  { key: 'train_entropy/all', source: "the entropy paper's verl fork" },
  { key: 'entropy', source: 'TRL ≥ 0.20 trainer_state.json' },
  { key: 'train/entropy', source: 'TRL through W&B / TensorBoard (transformers prefixes train/)' },
  { key: 'entropy_loss', source: 'OpenRLHF console (only with an entropy coefficient)' },
  { key: 'train/entropy_loss', source: 'OpenRLHF through W&B / TensorBoard; slime (train/<loss key>, W&B and TensorBoard)' },
  { key: 'entropy/all/mean', source: 'prime-rl trainer metrics (since May 2026, commit 46653c1d7)' },
  { key: 'entropy/mean', source: 'prime-rl trainer metrics (before May 2026)' },
  { key: 'critic/entropy/mean', source: 'ROLL (roll/utils/metrics/metrics_manager.py, prefix critic)' },
];

/** slime's `eval/<dataset>`: one level under `eval/`, not a transformers/TRL eval statistic, not a companion key. */
const SLIME_EVAL =
  /^eval\/(?!(?:step|loss|runtime|samples_per_second|steps_per_second|entropy|kl|epoch|reward|reward_std|accuracy|acc|num_tokens|frac_reward_zero_std|policy_version)$)[^/]+$(?<!-truncated_ratio|-pass@\d+|-pass\^\d+|_pass\d+)/;

/** A family of validation keys: all keys matching `pattern` are one metric over several data sets. */
export interface ValidationRule {
  pattern: RegExp;
  source: string;
}

/**
 * Validation-metric rules, best first: the first rule that matches any key gives the keys (averaged by the
 * caller when there are several, e.g. one per data set). Accuracy comes before a total reward, which can
 * include format or length terms.
 */
export const VALIDATION_RULES: readonly ValidationRule[] = [
  // Per data set first; the average over data sets some versions add (`eval_avg_pass1`) only without them.
  { pattern: /^(?:eval\/)?eval_(?!avg_pass1$).+_pass1$/, source: 'OpenRLHF eval_<dataset>_pass1 (eval/ in W&B / TensorBoard)' },
  { pattern: /^eval\/(?!avg_).+_pass1$/, source: 'OpenRLHF (newer) <dataset>_pass1 under eval/' },
  { pattern: /^(?:eval\/)?(?:eval_)?(?:avg_)?pass1$/, source: 'OpenRLHF pass1 over all eval data (eval_avg_pass1, eval/pass1)' },
  { pattern: /^eval[_/]rewards\/[^/]*acc[^/]*(?:\/mean)?$/i, source: 'TRL accuracy reward function (eval_rewards/<f>/mean)' },
  { pattern: /^eval[_/](?:accuracy|acc)$/, source: 'transformers compute_metrics accuracy (eval_accuracy)' },
  { pattern: /^eval[_/]reward$/, source: 'TRL total reward on the eval set (eval_reward)' },
  { pattern: /^val_correct\/all\/mean$/, source: 'ROLL validation accuracy over all tags (val_correct/all/mean)' },
  { pattern: /^eval\/[^/]+\/all\/[^/]+\/avg@\d+$/, source: 'prime-rl eval/<env>/all/<agent>/avg@<k>, averaged over environments' },
  // slime's eval/<dataset> (slime/observability/rollout_metrics.py); the names transformers and TRL log under
  // eval/ (loss, runtime, …) and slime's own companions (eval/step, eval/<d>-truncated_ratio, -pass@k) are not data sets.
  { pattern: SLIME_EVAL, source: 'slime eval/<dataset> (mean reward on each eval data set), averaged over data sets' },
];

/** Training-reward keys, best first: the fallback R when a run has no validation metric. */
export const TRAIN_REWARD_ALIASES: readonly KeyAlias[] = [
  { key: 'reward', source: 'TRL trainer_state.json, OpenRLHF console' },
  { key: 'train/reward', source: 'TRL / OpenRLHF through W&B / TensorBoard' },
  { key: 'rollout/raw_reward', source: 'slime rollout/<sample metric> (mean raw reward of the rollout batch)' },
];

/** Per-function reward means: `rewards/<f>/mean` (TRL ≥ 0.17), also under `train/`; prime-rl's per-agent reward. */
const REWARD_FUNCTION_MEAN = /^(?:train\/)?rewards\/([^/]+)\/mean$|^train\/agg\/all\/([^/]+)\/reward\/mean$/;

/**
 * The policy-entropy key of a run: the first of `ENTROPY_ALIASES` among `keys`, or `undefined`.
 *
 * @example
 * entropyKeyFor(['reward', 'entropy', 'loss']) // => 'entropy'
 * entropyKeyFor(['loss']) // => undefined
 */
export function entropyKeyFor(keys: Iterable<string>): string | undefined {
  const present = new Set(keys);
  return ENTROPY_ALIASES.find((a) => present.has(a.key))?.key;
}

/**
 * The validation-metric keys of a run by the first of `VALIDATION_RULES` that matches, sorted; empty when
 * none does. Several keys mean one metric over several data sets.
 *
 * @example
 * validationKeysFor(['eval/eval_math_pass1', 'eval/eval_aime_pass1', 'eval/eval_aime_pass8']) // => ['eval/eval_aime_pass1', 'eval/eval_math_pass1']
 * validationKeysFor(['eval_reward', 'eval_rewards/accuracy_reward/mean', 'eval_loss']) // => ['eval_rewards/accuracy_reward/mean']
 */
export function validationKeysFor(keys: Iterable<string>): string[] {
  const all = [...new Set(keys)];
  for (const rule of VALIDATION_RULES) {
    const found = all.filter((k) => rule.pattern.test(k));
    if (found.length > 0) return found.sort();
  }
  return [];
}

/**
 * The training-reward key of a run: `reward`/`train/reward` (the total), else a per-function mean, one
 * whose name mentions accuracy first; `undefined` when there is none.
 *
 * @example
 * trainRewardKeyFor(['rewards/format_reward/mean', 'rewards/accuracy_reward/mean']) // => 'rewards/accuracy_reward/mean'
 */
export function trainRewardKeyFor(keys: Iterable<string>): string | undefined {
  const all = [...new Set(keys)];
  const total = TRAIN_REWARD_ALIASES.find((a) => all.includes(a.key));
  if (total) return total.key;
  const perFunction = all.filter((k) => REWARD_FUNCTION_MEAN.test(k)).sort();
  return perFunction.find((k) => /acc/i.test(REWARD_FUNCTION_MEAN.exec(k)?.[1] ?? '')) ?? perFunction[0];
}
