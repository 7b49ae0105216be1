import { usageError } from '../../util/errors.ts';

/**
 * Outcome-reward advantage estimators, each as volcengine/verl computes it in
 * `verl/trainer/ppo/core_algos.py` (`compute_grpo_outcome_advantage`, `compute_rloo_outcome_advantage`,
 * `compute_reinforce_plus_plus_outcome_advantage`). Every response i has one scalar score and belongs
 * to the group of its prompt; the advantage is per token of its response, row-major [responses, R],
 * and 0 where `mask` is 0.
 */

/** The estimators `advantages` knows, by the names of verl's `algorithm.adv_estimator`. */
export const ADVANTAGE_ESTIMATORS = ['grpo', 'rloo', 'reinforce++'] as const;
export type AdvantageEstimator = (typeof ADVANTAGE_ESTIMATORS)[number];

/** What every estimator reads. */
export interface AdvantageInput {
  /** One score per response (the exact-answer reward). */
  scores: ArrayLike<number>;
  /** The prompt group of each response (any ids; responses with the same id share a prompt). */
  group: ArrayLike<number>;
  /** Response tokens per response: `mask` is [responses, R]. */
  responseLen: number;
  /** 1 on a response's valid tokens, 0 after its end; defaults to all 1. */
  mask?: ArrayLike<number>;
}

/** Options of the estimators. */
export interface AdvantageOptions {
  /** GRPO divides by the group's standard deviation (verl `norm_adv_by_std_in_grpo`); defaults to true. */
  normByStd?: boolean;
  /** GRPO's guard in (score − mean)/(std + ε); defaults to verl's 1e-6. */
  epsilon?: number;
  /** REINFORCE++'s discount (verl `algorithm.gamma`); defaults to 1. */
  gamma?: number;
}

/**
 * Advantages by `estimator`, per token [responses × responseLen].
 * @throws UsageError for an unknown estimator or inputs of mismatched lengths.
 * @example
 * advantages('grpo', { scores: [1, 0], group: [0, 0], responseLen: 1 }) // => Float64Array [0.7071, -0.7071] (to 1e-6)
 */
export function advantages(estimator: AdvantageEstimator, input: AdvantageInput, options: AdvantageOptions = {}): Float64Array {
  const n = input.scores.length, R = input.responseLen;
  if (input.group.length !== n) usageError(`invalid advantage input: ${input.group.length} group ids for ${n} scores`);
  if (!Number.isInteger(R) || R < 1) usageError(`invalid advantage input: response length ${R}`);
  if (input.mask && input.mask.length !== n * R) usageError(`invalid advantage input: mask has ${input.mask.length} values (expected ${n} × ${R})`);
  const mask = input.mask ?? new Float64Array(n * R).fill(1);
  switch (estimator) {
    case 'grpo': return broadcast(grpo(input, options), R, mask);
    case 'rloo': return broadcast(rloo(input), R, mask);
    case 'reinforce++': return reinforcePlusPlus(input, mask, options.gamma ?? 1);
    default: return usageError(`unknown advantage estimator: ${estimator} (expected ${ADVANTAGE_ESTIMATORS.join(', ')})`);
  }
}

/** The members of each group, in order of first appearance. */
function groups(group: ArrayLike<number>): number[][] {
  const byId = new Map<number, number[]>();
  for (let i = 0; i < group.length; i++) {
    const members = byId.get(group[i]);
    if (members) members.push(i);
    else byId.set(group[i], [i]);
  }
  return [...byId.values()];
}

/**
 * GRPO: (score − group mean) / (group std + ε), the std with Bessel's correction as `torch.std`; a
 * group of one gets mean 0 and std 1, as in verl.
 */
function grpo({ scores, group }: AdvantageInput, { normByStd = true, epsilon = 1e-6 }: AdvantageOptions): Float64Array {
  const out = new Float64Array(scores.length);
  for (const members of groups(group)) {
    let mean = 0, std = 1;
    if (members.length > 1) {
      mean = members.reduce((s, i) => s + scores[i], 0) / members.length;
      std = Math.sqrt(members.reduce((s, i) => s + (scores[i] - mean) ** 2, 0) / (members.length - 1));
    }
    for (const i of members) out[i] = normByStd ? (scores[i] - mean) / (std + epsilon) : scores[i] - mean;
  }
  return out;
}

/**
 * RLOO: each response's score minus the mean of the others in its group, written as verl does,
 * score·n/(n−1) − mean·n/(n−1); a group of one keeps its score.
 */
function rloo({ scores, group }: AdvantageInput): Float64Array {
  const out = new Float64Array(scores.length);
  for (const members of groups(group)) {
    const n = members.length, mean = members.reduce((s, i) => s + scores[i], 0) / n;
    for (const i of members) out[i] = n > 1 ? (scores[i] * n) / (n - 1) - (mean * n) / (n - 1) : scores[i];
  }
  return out;
}

/**
 * REINFORCE++: the score is the reward of each response's last valid token; returns are discounted sums
 * of rewards to the end (reset at each response's end), then whitened over every valid token of the
 * batch: (return − mean)·(var + 1e-8)^−½ with the Bessel-corrected variance of verl's `masked_whiten`.
 * Groups play no part.
 */
function reinforcePlusPlus({ scores, responseLen: R }: AdvantageInput, mask: ArrayLike<number>, gamma: number): Float64Array {
  const n = scores.length, returns = new Float64Array(n * R);
  let sum = 0, count = 0;
  for (let i = 0; i < n; i++) {
    let last = -1;
    for (let t = 0; t < R; t++) if (mask[i * R + t] > 0) last = t;
    let running = 0;
    for (let t = R - 1; t >= 0; t--) {
      running = (t === last ? scores[i] : 0) + gamma * running;
      returns[i * R + t] = running;
      running *= mask[i * R + t];
    }
    for (let t = 0; t < R; t++) if (mask[i * R + t] > 0) {
      sum += returns[i * R + t];
      count++;
    }
  }
  const out = new Float64Array(n * R);
  if (count < 2) return out; // verl raises here; one token has no spread to whiten by
  const mean = sum / count;
  let ss = 0;
  for (let k = 0; k < n * R; k++) if (mask[k] > 0) ss += (returns[k] - mean) ** 2;
  const scale = 1 / Math.sqrt((ss / count) * (count / (count - 1)) + 1e-8);
  for (let k = 0; k < n * R; k++) out[k] = mask[k] > 0 ? (returns[k] - mean) * scale : 0;
  return out;
}

/** Per-response advantages onto every valid token of the response. */
function broadcast(perResponse: Float64Array, R: number, mask: ArrayLike<number>): Float64Array {
  const out = new Float64Array(perResponse.length * R);
  for (let i = 0; i < perResponse.length; i++) for (let t = 0; t < R; t++) out[i * R + t] = perResponse[i] * mask[i * R + t];
  return out;
}
