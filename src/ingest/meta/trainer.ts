/**
 * The trainer settings that change what a run's numbers mean (`TrainerSettings`), from the flat config
 * keys a log states about itself. Keys are verl's (`actor_rollout_ref.rollout.temperature`,
 * `actor_rollout_ref.actor.loss_agg_mode`, `…actor.use_dynamic_bsz`, `…actor.entropy_coeff`, `…actor.clip_ratio_low/high`, `…actor.policy_loss.{clip_cov_ratio,kl_cov_ratio,ppo_kl_coef}`, as in verl's
 * `ppo_trainer.yaml`), then the flat argument names of TRL's GRPOConfig and OpenRLHF (`temperature`,
 * `entropy_loss_coef`).
 */
import type { TrainerSettings } from '../types.ts';

/** The legacy verl entropy key (verl before April 2025), which `TrainerSettings.legacyEntropyKey` flags. */
const LEGACY_ENTROPY_KEY = 'actor/entropy_loss';

/** The value of the first key present: a rule with a `.` matches a key that is it or ends with `.rule`; a bare name matches only itself. */
function find(config: Map<string, string>, rules: readonly string[]): string | undefined {
  for (const rule of rules) {
    if (config.has(rule)) return config.get(rule);
    if (!rule.includes('.')) continue;
    for (const [key, value] of config) if (key.endsWith(`.${rule}`)) return value;
  }
  return undefined;
}

/** The numeric settings read the same way, each from the first key present (verl's first). */
const NUMBER_SETTINGS: ReadonlyArray<[field: 'entropyCoeff' | 'clipRatioLow' | 'clipRatioHigh' | 'clipCovRatio' | 'klCovRatio' | 'klCovCoef', rules: readonly string[]]> = [
  ['entropyCoeff', ['actor_rollout_ref.actor.entropy_coeff', 'actor.entropy_coeff', 'entropy_coeff', 'entropy_loss_coef']],
  ['clipRatioLow', ['actor_rollout_ref.actor.clip_ratio_low', 'actor.clip_ratio_low']],
  ['clipRatioHigh', ['actor_rollout_ref.actor.clip_ratio_high', 'actor.clip_ratio_high']],
  ['clipCovRatio', ['actor.policy_loss.clip_cov_ratio', 'policy_loss.clip_cov_ratio']],
  ['klCovRatio', ['actor.policy_loss.kl_cov_ratio', 'policy_loss.kl_cov_ratio']],
  ['klCovCoef', ['actor.policy_loss.ppo_kl_coef', 'policy_loss.ppo_kl_coef']],
];

function number(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const x = Number(text);
  return Number.isFinite(x) ? x : undefined;
}

function boolean(text: string | undefined): boolean | undefined {
  const t = text?.trim().toLowerCase();
  return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : undefined;
}

/**
 * The trainer settings a config states, and whether `entropyKey` is verl's legacy key; `undefined` when
 * nothing is known.
 *
 * @example
 * trainerSettings(new Map([['actor_rollout_ref.rollout.temperature', '0.7'], ['actor_rollout_ref.actor.use_dynamic_bsz', 'True']]), 'actor/entropy')
 * // => { temperature: 0.7, dynamicBatch: true }
 */
export function trainerSettings(config: Map<string, string>, entropyKey?: string): TrainerSettings | undefined {
  const out: TrainerSettings = {};
  const temperature = number(find(config, ['actor_rollout_ref.rollout.temperature', 'rollout.temperature', 'temperature']));
  if (temperature !== undefined) out.temperature = temperature;
  const mode = find(config, ['actor_rollout_ref.actor.loss_agg_mode', 'actor.loss_agg_mode', 'loss_agg_mode']);
  if (mode) out.lossAggMode = mode;
  const dynamic = boolean(find(config, ['actor_rollout_ref.actor.use_dynamic_bsz', 'actor.use_dynamic_bsz']));
  if (dynamic !== undefined) out.dynamicBatch = dynamic;
  for (const [field, rules] of NUMBER_SETTINGS) {
    const x = number(find(config, rules));
    if (x !== undefined) out[field] = x;
  }
  if (entropyKey === LEGACY_ENTROPY_KEY) out.legacyEntropyKey = true;
  return Object.keys(out).length > 0 ? out : undefined;
}
