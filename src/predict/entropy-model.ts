import { UsageError } from '../util/errors.ts';
import { fitEntropyDecay, predictEntropy, type DecayFit, type DecayModel } from './entropy-decay.ts';
import { Rng } from '../util/rng.ts';

/** Options for `chooseEntropyModel`. */
export interface EntropyModelOptions {
  /** 'exponential', 'power', or 'auto' to pick by leave-future-out error. Defaults to 'auto'. */
  model?: DecayModel | 'auto';
  /**
   * Fraction of the latest points held out when choosing (at least 2 points). Defaults to 0.25. The
   * choice is made only with 6 or more points; with fewer, 'auto' means exponential.
   */
  holdout?: number;
}

/** The chosen entropy curve and the leave-future-out RMSE of each candidate (null where not scored). */
export interface EntropyModelChoice {
  fit: DecayFit;
  /** The other candidate fitted on all points, when 'auto' compared them: used for model uncertainty. */
  alternative: DecayFit | null;
  scores: Record<DecayModel, number | null>;
}

const MODELS: DecayModel[] = ['exponential', 'power'];

/**
 * Picks the entropy-vs-step curve that best predicts the future: each candidate is fitted on the earlier
 * points and scored by RMSE on the latest `holdout` fraction, the winner (ties to exponential) is refitted on
 * all points. Choosing on held-out future points rather than on the in-sample fit guards against the power
 * law's habit of fitting the past well and extrapolating a floor that is too low. Throws what
 * `fitEntropyDecay` throws.
 * @example chooseEntropyModel(series.step, series.entropy).fit.model // => 'exponential'
 */
export function chooseEntropyModel(
  step: ArrayLike<number>,
  entropy: ArrayLike<number>,
  options: EntropyModelOptions = {},
): EntropyModelChoice {
  const { model = 'auto', holdout = 0.25 } = options;
  if (!(holdout > 0 && holdout < 1)) throw new UsageError(`invalid holdout: ${holdout} (expected a number in (0, 1))`);
  const scores: Record<DecayModel, number | null> = { exponential: null, power: null };
  if (model !== 'auto') {
    if (!MODELS.includes(model)) throw new UsageError(`unknown entropy model: ${String(model)} (expected auto, exponential or power)`);
    return { fit: fitEntropyDecay(step, entropy, model), alternative: null, scores };
  }
  const n = step.length;
  const k = n - Math.max(2, Math.round(holdout * n));
  let chosen: DecayModel = 'exponential';
  if (n >= 6 && k >= 4) {
    const s = Array.from(step);
    const h = Array.from(entropy);
    for (const m of MODELS) {
      const fit = fitEntropyDecay(s.slice(0, k), h.slice(0, k), m);
      let sse = 0;
      for (let i = k; i < n; i++) sse += (predictEntropy(fit, s[i]) - h[i]) ** 2;
      scores[m] = Math.sqrt(sse / (n - k));
    }
    if ((scores.power as number) < (scores.exponential as number)) chosen = 'power';
  }
  const other: DecayModel = chosen === 'exponential' ? 'power' : 'exponential';
  return { fit: fitEntropyDecay(step, entropy, chosen), alternative: fitEntropyDecay(step, entropy, other), scores };
}

/**
 * Model uncertainty of the entropy curve at step t: with Akaike weights w and 1 − w of the chosen and the
 * other curve (same number of parameters, so they compare residual sums of squares), the variance of the
 * two-curve mixture about the chosen one is w·(1 − w)·(Ĥ_other − Ĥ)². Short runs cannot tell an
 * exponential floor from a power tail; this term widens their far forecasts accordingly.
 * @example modelGapVariance(choice.fit, choice.alternative, 1000) // => ≥ 0
 */
export function modelGapVariance(fit: DecayFit, alternative: DecayFit | null, t: number): number {
  if (!alternative) return 0;
  const ratio = (alternative.rmse * alternative.rmse) / Math.max(fit.rmse * fit.rmse, 1e-300);
  const w = 1 / (1 + Math.exp((fit.n / 2) * Math.log(Math.max(ratio, 1e-300))));
  return w * (1 - w) * (predictEntropy(alternative, t) - predictEntropy(fit, t)) ** 2;
}

/** Options for `entropyTrendVariance`. */
export interface BootstrapOptions {
  /** Number of bootstrap replicates. Defaults to 200. */
  replicates?: number;
  /** Seed of the resampling, so repeated forecasts agree exactly. Defaults to 1. */
  seed?: number;
}

/**
 * The variance of the fitted entropy curve at each step of `at`, by a seeded residual bootstrap: the
 * fitted curve plus resampled residuals (inflated by sqrt(n/dof) to undo the fit's shrinkage) is refitted
 * with the same model and evaluated at `at`. This captures the uncertainty of τ (or p), which has no
 * closed form, together with that of floor and amplitude. The scatter of a single future reading about the
 * curve (`fit.sigma²`) is not included. Cost: replicates × one fit.
 * @example entropyTrendVariance(step, H, fit, [1000])[0] // => variance of Ĥ(1000)
 */
export function entropyTrendVariance(
  step: ArrayLike<number>,
  entropy: ArrayLike<number>,
  fit: DecayFit,
  at: ArrayLike<number>,
  options: BootstrapOptions = {},
): Float64Array {
  const { replicates = 200, seed = 1 } = options;
  if (!(Number.isInteger(replicates) && replicates >= 2)) {
    throw new UsageError(`invalid replicates: ${replicates} (expected an integer ≥ 2)`);
  }
  const n = step.length;
  const fitted = new Float64Array(n);
  const resid = new Float64Array(n);
  const inflate = Math.sqrt(n / Math.max(1, fit.dof));
  for (let i = 0; i < n; i++) {
    fitted[i] = predictEntropy(fit, step[i]);
    resid[i] = (entropy[i] - fitted[i]) * inflate;
  }
  const rng = new Rng(seed);
  const m = at.length;
  const sum = new Float64Array(m);
  const sum2 = new Float64Array(m);
  const h = new Float64Array(n);
  const centre = new Float64Array(m);
  for (let j = 0; j < m; j++) centre[j] = predictEntropy(fit, at[j]);
  for (let r = 0; r < replicates; r++) {
    for (let i = 0; i < n; i++) h[i] = fitted[i] + resid[rng.int(n)];
    const refit = fitEntropyDecay(step, h, fit.model);
    for (let j = 0; j < m; j++) {
      // Deviations from the original curve keep the sums small (no cancellation in the variance).
      const d = predictEntropy(refit, at[j]) - centre[j];
      sum[j] += d;
      sum2[j] += d * d;
    }
  }
  const out = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const mean = sum[j] / replicates;
    out[j] = Math.max(0, (sum2[j] - replicates * mean * mean) / (replicates - 1));
  }
  return out;
}
