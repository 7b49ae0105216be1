import { usageError } from '../../util/errors.ts';
import type { Rng } from '../../util/rng.ts';
import { selectionCount, tokenCovariance, topCovariance } from './covariance.ts';

/**
 * Policy losses over the tokens of a (mini-)batch, as volcengine/verl's loss modes compute them in
 * `verl/trainer/ppo/core_algos.py`: `compute_policy_loss_vanilla` (PPO's clipped surrogate with
 * dual-clip), `compute_policy_loss_clip_cov` and `compute_policy_loss_kl_cov` (Cui et al. 2025), each
 * aggregated by `agg_loss`'s "token-mean" (the mean over the valid tokens of the batch the loss sees),
 * minus an optional entropy bonus c·(token-mean entropy) as verl's actor adds it. Besides the loss, each
 * returns its exact derivative with respect to every token's log-probability and entropy, which is what
 * the model's backward pass needs (see `TokenLoss`).
 */

/** The loss modes, by `--loss` name; verl calls them `vanilla`, `clip_cov`, `kl_cov`. */
export const POLICY_LOSSES = ['ppo', 'clip-cov', 'kl-cov'] as const;
export type PolicyLossName = (typeof POLICY_LOSSES)[number];

/**
 * Hyper-parameters of the losses; the defaults are verl's except Clip-Cov's r and KL-Cov's k. The paper's
 * r = 2e-4 and k = 2e-3 (verl's config: k = 2e-4) select max(1, ⌊fraction·N⌋) = 1 token per update at our
 * token counts (N = 192 in a mini-batch of the default run) and left entropy where GRPO's was (0.65 and
 * 0.67 against 0.63 after 60 steps from the smoothed add warm start); r = 0.1 and k = 0.1 select about a
 * tenth of the tokens and kept it at 1.13 and 0.85 (README, "Clip-Cov and KL-Cov at our scale").
 */
export interface PolicyLossOptions {
  /** Defaults to 'ppo'. */
  loss?: PolicyLossName;
  /** ε_low of the clip 1 − ε_low ≤ ratio; defaults to 0.2. */
  clipLow?: number;
  /** ε_high of the clip ratio ≤ 1 + ε_high; defaults to 0.2 (0.28 is DAPO's clip-higher). */
  clipHigh?: number;
  /** Dual-clip bound c of PPO on negative advantages (Ye et al. 2020); defaults to 3. */
  clipRatioC?: number;
  /** Clip-Cov's fraction r of the tokens whose gradient is detached; defaults to 0.1 (the paper: 2e-4). */
  clipCovRatio?: number;
  /** Clip-Cov's candidate band lb < cov < ub; defaults to the paper's 1 and 5. */
  clipCovLb?: number;
  clipCovUb?: number;
  /** KL-Cov's fraction k of the tokens that get the KL term; defaults to 0.1 (the paper: 2e-3 for 7B; verl's config: 2e-4). */
  klCovRatio?: number;
  /** KL-Cov's coefficient β of |log π − log π_old|; defaults to 1. */
  klCoef?: number;
  /** Entropy bonus coefficient c (verl `entropy_coeff`); defaults to 0. */
  entropyCoef?: number;
}

/** Per-token inputs, all of one length (the batch's positions), with a validity mask. */
export interface PolicyLossInput {
  /** log π(token) under the current weights. */
  logp: ArrayLike<number>;
  /** log π_old(token): the policy that sampled it. */
  oldLogp: ArrayLike<number>;
  advantages: ArrayLike<number>;
  /** 1 on response tokens that count, 0 elsewhere. */
  mask: ArrayLike<number>;
  /** Entropy of each position's distribution; needed only with an entropy bonus. */
  entropy?: ArrayLike<number>;
}

/** The loss, its derivatives per token and verl's statistics. */
export interface PolicyLossResult {
  /** pgLoss − c·entropy. */
  loss: number;
  /** Token-mean of the policy-gradient losses. */
  pgLoss: number;
  /** Token-mean entropy (0 without `entropy`). */
  entropy: number;
  /** ∂loss/∂log π per position. */
  dlogp: Float64Array;
  /** ∂loss/∂H per position. */
  dentropy: Float64Array;
  /** Fraction of valid tokens where PPO's clip is active (verl `pg_clipfrac` of the vanilla loss; 0 for KL-Cov, which never clips). */
  clipfrac: number;
  /** Fraction where the dual clip caps a negative-advantage token (verl `pg_clipfrac_lower`; PPO only). */
  clipfracLower: number;
  /** Token-mean of log π_old − log π (verl `ppo_kl`). */
  ppoKl: number;
  /** Valid tokens N. */
  tokens: number;
  /** Tokens Clip-Cov detached or KL-Cov penalised. */
  selected: number;
  /** Clip-Cov's candidates (lb < cov < ub, not already clipped); for KL-Cov, every valid token. */
  candidates: number;
  /** The selected positions. */
  selectedIndices: number[];
}

/** Resolved options with their defaults. */
export function lossOptions(o: PolicyLossOptions = {}): Required<PolicyLossOptions> {
  const r: Required<PolicyLossOptions> = {
    loss: o.loss ?? 'ppo', clipLow: o.clipLow ?? 0.2, clipHigh: o.clipHigh ?? 0.2, clipRatioC: o.clipRatioC ?? 3,
    clipCovRatio: o.clipCovRatio ?? 0.1, clipCovLb: o.clipCovLb ?? 1, clipCovUb: o.clipCovUb ?? 5,
    klCovRatio: o.klCovRatio ?? 0.1, klCoef: o.klCoef ?? 1, entropyCoef: o.entropyCoef ?? 0,
  };
  if (!POLICY_LOSSES.includes(r.loss)) usageError(`unknown loss: ${r.loss} (expected ${POLICY_LOSSES.join(', ')})`);
  for (const key of ['clipLow', 'clipHigh', 'klCoef', 'entropyCoef'] as const) {
    if (!(r[key] >= 0) || !Number.isFinite(r[key])) usageError(`invalid ${key}: ${r[key]} (expected a number ≥ 0)`);
  }
  if (!(r.clipLow < 1)) usageError(`invalid clipLow: ${r.clipLow} (expected a number in [0, 1))`);
  if (!(r.clipRatioC > 1)) usageError(`invalid clipRatioC: ${r.clipRatioC} (expected a number > 1)`);
  for (const key of ['clipCovRatio', 'klCovRatio'] as const) {
    if (!(r[key] > 0 && r[key] <= 1)) usageError(`invalid ${key}: ${r[key]} (expected a fraction in (0, 1])`);
  }
  if (!(r.clipCovLb < r.clipCovUb)) usageError(`invalid Clip-Cov band: ${r.clipCovLb} … ${r.clipCovUb} (expected lb < ub)`);
  return r;
}

/**
 * The policy loss of `options.loss` on one batch of tokens. `rng` draws Clip-Cov's random subset.
 * @example
 * policyLoss({ logp: [-1], oldLogp: [-1], advantages: [2], mask: [1] }).dlogp // => Float64Array [-2]
 */
export function policyLoss(input: PolicyLossInput, options: PolicyLossOptions = {}, rng?: Rng): PolicyLossResult {
  const o = lossOptions(options);
  const { logp, oldLogp, advantages: A, mask, entropy } = input;
  const n = mask.length;
  for (const [name, x] of [['logp', logp], ['oldLogp', oldLogp], ['advantages', A]] as const) {
    if (x.length !== n) usageError(`invalid loss input: ${name} has ${x.length} values (expected ${n})`);
  }
  if (o.entropyCoef > 0 && (!entropy || entropy.length !== n)) usageError('invalid loss input: an entropy bonus needs the entropy of every position');
  const valid: number[] = [];
  for (let i = 0; i < n; i++) if (mask[i] > 0) valid.push(i);
  const N = valid.length;
  const dlogp = new Float64Array(n), dentropy = new Float64Array(n);
  const result: PolicyLossResult = {
    loss: 0, pgLoss: 0, entropy: 0, dlogp, dentropy, clipfrac: 0, clipfracLower: 0, ppoKl: 0, tokens: N, selected: 0, candidates: 0, selectedIndices: [],
  };
  if (N === 0) return result;

  // Per valid token: the surrogate's value and its derivative with respect to log π.
  const value = new Float64Array(n), slope = new Float64Array(n), clipped = new Uint8Array(n);
  let clipCount = 0, lowerCount = 0, kl = 0;
  for (const i of valid) {
    const a = A[i], d = logp[i] - oldLogp[i];
    kl -= d;
    if (o.loss === 'kl-cov') {
      // No clip at all: −A·ratio on every token (the KL term is added below on the selected ones).
      const ratio = Math.exp(d);
      value[i] = -a * ratio;
      slope[i] = -a * ratio;
      continue;
    }
    // verl clamps log-ratio to ±20 in the vanilla loss, for stability; the derivative is 0 beyond.
    const dc = o.loss === 'ppo' ? Math.min(20, Math.max(-20, d)) : d;
    const ratio = Math.exp(dc), dRatio = o.loss === 'ppo' && dc !== d ? 0 : ratio;
    const pg1 = -a * ratio, clampedRatio = Math.min(1 + o.clipHigh, Math.max(1 - o.clipLow, ratio));
    const pg2 = -a * clampedRatio;
    let v = pg1, g = -a * dRatio;
    if (pg2 > pg1) {
      // The clip is active and the clipped value is the larger: constant in log π.
      v = pg2;
      g = 0;
      clipped[i] = 1;
      clipCount++;
    }
    if (o.loss === 'ppo' && a < 0) {
      const pg3 = -a * o.clipRatioC;
      if (v > pg3) {
        v = pg3;
        g = 0;
        lowerCount++;
      }
    }
    value[i] = v;
    slope[i] = g;
  }

  if (o.loss === 'clip-cov') {
    const c = tokenCovariance(A, logp, mask);
    const candidates = valid.filter((i) => !clipped[i] && c.cov[i] > o.clipCovLb && c.cov[i] < o.clipCovUb);
    const take = Math.min(selectionCount(o.clipCovRatio, N), candidates.length);
    // A uniform random subset (verl: torch.randperm), by a partial Fisher–Yates shuffle.
    if (take > 0 && !rng) usageError('Clip-Cov needs a random generator to pick its tokens');
    for (let k = 0; k < take; k++) {
      const j = k + rng!.int(candidates.length - k);
      [candidates[k], candidates[j]] = [candidates[j], candidates[k]];
    }
    result.selectedIndices = candidates.slice(0, take).sort((a, b) => a - b);
    for (const i of result.selectedIndices) {
      value[i] = 0;
      slope[i] = 0;
    }
    result.candidates = candidates.length;
  } else if (o.loss === 'kl-cov') {
    const top = topCovariance(tokenCovariance(A, logp, mask), selectionCount(o.klCovRatio, N));
    result.selectedIndices = top.sort((a, b) => a - b);
    for (const i of result.selectedIndices) {
      const d = logp[i] - oldLogp[i];
      value[i] += o.klCoef * Math.abs(d);
      slope[i] += o.klCoef * Math.sign(d); // |x|' = sign(x), 0 at 0 as in torch: on-policy it does nothing
    }
    result.candidates = N;
  }
  result.selected = result.selectedIndices.length;

  let pg = 0, H = 0;
  for (const i of valid) {
    pg += value[i];
    dlogp[i] = slope[i] / N;
    if (entropy) H += entropy[i];
    if (o.entropyCoef > 0) dentropy[i] = -o.entropyCoef / N;
  }
  result.pgLoss = pg / N;
  result.entropy = entropy ? H / N : 0;
  result.loss = result.pgLoss - o.entropyCoef * result.entropy;
  result.clipfrac = clipCount / N;
  result.clipfracLower = lowerCount / N;
  result.ppoKl = kl / N;
  return result;
}
