/**
 * The covariance that drives entropy (Cui et al. 2025): per token, the centred product of the
 * advantage and the log-probability, and the step-level covariance the paper tracks against −ΔH.
 */

/** Per-token centred covariances and the positions they were computed over. */
export interface TokenCovariance {
  /** cov_i = (A_i − mean A)·(log π_i − mean log π), means over the valid tokens; 0 where invalid. */
  cov: Float64Array;
  /** The valid positions (mask > 0), in order. */
  valid: number[];
}

/**
 * Per-token centred covariance over the valid tokens, as verl's Clip-Cov and KL-Cov losses compute it
 * (`compute_policy_loss_clip_cov`, `compute_policy_loss_kl_cov` in `verl/trainer/ppo/core_algos.py`).
 * @example
 * tokenCovariance([1, -1], [-0.5, -1.5], [1, 1]).cov // => Float64Array [0.5, 0.5]
 */
export function tokenCovariance(advantages: ArrayLike<number>, logp: ArrayLike<number>, mask: ArrayLike<number>): TokenCovariance {
  const valid: number[] = [];
  let sa = 0, sl = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] > 0) {
      valid.push(i);
      sa += advantages[i];
      sl += logp[i];
    }
  }
  const cov = new Float64Array(mask.length);
  if (valid.length === 0) return { cov, valid };
  const ma = sa / valid.length, ml = sl / valid.length;
  for (const i of valid) cov[i] = (advantages[i] - ma) * (logp[i] - ml);
  return { cov, valid };
}

/**
 * The valid positions of the `count` largest covariances, largest first; ties go to the earlier
 * position, so the choice is reproducible.
 */
export function topCovariance({ cov, valid }: TokenCovariance, count: number): number[] {
  return [...valid].sort((a, b) => cov[b] - cov[a] || a - b).slice(0, Math.max(0, count));
}

/** max(1, ⌊fraction·N⌋): how many tokens a fraction of N selects in Clip-Cov and KL-Cov (at least one). */
export function selectionCount(fraction: number, N: number): number {
  return Math.max(1, Math.floor(fraction * N));
}

/** The mean covariance over the valid tokens and the mean of its top `fraction` (at least one token). */
export function covarianceSummary(c: TokenCovariance, fraction: number): { mean: number; topMean: number } {
  if (c.valid.length === 0) return { mean: 0, topMean: 0 };
  const mean = c.valid.reduce((s, i) => s + c.cov[i], 0) / c.valid.length;
  const top = topCovariance(c, selectionCount(fraction, c.valid.length));
  return { mean, topMean: top.reduce((s, i) => s + c.cov[i], 0) / top.length };
}

/**
 * The paper's step covariance (its check of the entropy dynamics on GRPO): within each prompt group,
 * the covariance over responses of the response's log-probability normalised by its length and its
 * advantage, averaged over groups (groups of one count as 0).
 * @example
 * groupCovariance([-1, -3], [1, -1], [0, 0]) // => 1
 */
export function groupCovariance(seqLogp: ArrayLike<number>, advantage: ArrayLike<number>, group: ArrayLike<number>): number {
  const byId = new Map<number, number[]>();
  for (let i = 0; i < group.length; i++) {
    const m = byId.get(group[i]);
    if (m) m.push(i);
    else byId.set(group[i], [i]);
  }
  if (byId.size === 0) return 0;
  let total = 0;
  for (const members of byId.values()) {
    const n = members.length;
    const ml = members.reduce((s, i) => s + seqLogp[i], 0) / n, ma = members.reduce((s, i) => s + advantage[i], 0) / n;
    total += members.reduce((s, i) => s + (seqLogp[i] - ml) * (advantage[i] - ma), 0) / n;
  }
  return total / byId.size;
}
