import { evaluateFit } from '../fit/evaluate.ts';
import { entropyExp } from '../fit/laws/entropy-exp.ts';
import type { Law } from '../fit/laws/types.ts';
import type { Estimate, LawFit } from '../fit/types.ts';
import { predictionBand } from '../fit/uncertainty/prediction-band.ts';
import type { MetricKind, TrainerSettings } from '../ingest/types.ts';
import { sig as fmt } from '../util/format.ts';
import { ENTROPY_TYPICAL_MAX } from '../util/tolerances.ts';
import type { DecayFit } from './entropy-decay.ts';
import type { RunWarning } from './warnings.ts';

/** Points with step, entropy and metric, as the checks read them. */
interface Points {
  step: ArrayLike<number>;
  entropy: ArrayLike<number>;
  metric: ArrayLike<number>;
}

/**
 * The warning for a detected format-learning phase: the first `burnIn` points sat far below the law (see
 * `detectBurnIn`) and were left out of the fit. Null when nothing was excluded.
 * @example formatLearningWarning(series, 2)?.code // => 'format-learning'
 */
export function formatLearningWarning(p: Points, burnIn: number): RunWarning | null {
  if (burnIn <= 0) return null;
  const dR = p.metric[burnIn] - p.metric[0];
  const dH = p.entropy[burnIn] - p.entropy[0];
  return {
    code: 'format-learning',
    message:
      `format-learning phase: the first ${burnIn} point(s) (steps ${fmt(p.step[0])}–${fmt(p.step[burnIn - 1])}) lie far below ` +
      `the law (R rose by ${fmt(dR)} while H changed by ${fmt(dH)}); excluded as burn-in`,
  };
}

/**
 * Entropy going up instead of down: the least-squares slope of H against step over the latest half of the
 * points is positive and more than 3 standard errors from 0, or the fitted entropy curve rises. Typical of an
 * entropy bonus or KL regularisation, outside the law's claimed scope.
 * @example entropyRisingWarning(series)?.code // => 'entropy-rising'
 */
export function entropyRisingWarning(p: Points, decay?: DecayFit): RunWarning | null {
  const n = p.step.length;
  const from = Math.floor(n / 2);
  const m = n - from;
  let rising = decay !== undefined && decay.amplitude < 0;
  if (m >= 4) {
    let tBar = 0;
    let hBar = 0;
    for (let i = from; i < n; i++) {
      tBar += p.step[i];
      hBar += p.entropy[i];
    }
    tBar /= m;
    hBar /= m;
    let stt = 0;
    let sth = 0;
    for (let i = from; i < n; i++) {
      stt += (p.step[i] - tBar) ** 2;
      sth += (p.step[i] - tBar) * (p.entropy[i] - hBar);
    }
    const slope = sth / stt;
    let ssr = 0;
    for (let i = from; i < n; i++) ssr += (p.entropy[i] - hBar - slope * (p.step[i] - tBar)) ** 2;
    const se = Math.sqrt(ssr / (m - 2) / stt);
    if (slope > 0 && slope > 3 * se) rising = true;
  }
  if (!rising) return null;
  return {
    code: 'entropy-rising',
    message:
      `entropy is rising (H ${fmt(p.entropy[from])} at step ${fmt(p.step[from])} → ${fmt(p.entropy[n - 1])} at step ` +
      `${fmt(p.step[n - 1])}): an entropy bonus or KL regularisation? The law is claimed only for runs without them`,
  };
}

/**
 * Too little entropy range to pin the law down, for a law of entropy alone: the rise of R from the
 * highest to the lowest observed entropy, f(H_min) − f(H_max), is within 2 standard errors of 0 (its
 * delta-method error from the parameters' covariance), or not positive, so R does not rise as entropy
 * falls. The ceiling at H = 0 is then an extrapolation with no support. For the paper's law the rise is
 * a·(exp H_max − exp H_min), so the test is a > 2·se(a). Null for laws of other variables.
 * @example entropyRangeWarning(fit, series.entropy)?.code // => 'low-entropy-range'
 */
export function entropyRangeWarning(fit: LawFit, entropy: ArrayLike<number>, law: Law = entropyExp): RunWarning | null {
  if (law.variables.length !== 1) return null;
  const values = Array.from(entropy);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const band = predictionBand(law, fit, [[lo, hi]]);
  const rise = band.value[0] - band.value[1];
  // Var(f(lo) − f(hi)) from the gradient difference: the two values share the parameters' error.
  const k = fit.values.length;
  const jac = new Float64Array(2 * k);
  law.jacobian(fit.values, [[lo, hi]], jac);
  let v = 0;
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) v += (jac[2 * a] - jac[2 * a + 1]) * fit.covariance[a][b] * (jac[2 * b] - jac[2 * b + 1]);
  const se = Math.sqrt(Math.max(0, v));
  const slope = 'a' in fit.params ? `a = ${fmt(fit.params.a)} ± ${fmt(fit.stderr.a)}` : `R rises by ${fmt(rise)} ± ${fmt(se)}`;
  if (!(rise > 0)) {
    return { code: 'no-entropy-slope', message: `R does not rise as entropy falls (${slope} over H ${fmt(lo)}–${fmt(hi)}); the ceiling is meaningless` };
  }
  if (!(rise > 2 * se)) {
    return { code: 'low-entropy-range', message: `too little entropy range to identify the law (H spans ${fmt(lo)}–${fmt(hi)}; ${slope})` };
  }
  return null;
}

/**
 * A regime change late in the run: the latest points (the last 20%, at least 3) sit off the law fitted to
 * the points before them, by more than 4 standard errors of their mean residual (residual scatter plus
 * the fit's own uncertainty at their points). `fitEarlier(k)` must return the law fitted on the first k
 * points; `columns(k0, k1)` the law's variables at points [k0, k1). Null when there are too few points.
 * @example lateRegimeWarning(series, fitEarlier)?.code // => 'late-regime-change'
 */
export function lateRegimeWarning(
  p: Points,
  fitEarlier: (k: number) => LawFit | null,
  law: Law = entropyExp,
  columns: (from: number, to: number) => ArrayLike<number>[] = (from, to) => [Array.prototype.slice.call(p.entropy, from, to)],
): RunWarning | null {
  const n = p.step.length;
  const w = Math.max(3, Math.round(0.2 * n));
  const k = n - w;
  if (k < 5) return null;
  const fit = fitEarlier(k);
  if (!fit) return null;
  const late = columns(k, n);
  const band = predictionBand(law, fit, late);
  const predicted = evaluateFit(law, fit, late);
  let sum = 0;
  let varMean = 0;
  for (let i = 0; i < w; i++) {
    sum += p.metric[k + i] - predicted[i];
    varMean += band.stderr[i] ** 2;
  }
  const mean = sum / w;
  // The fit's error is shared by all w points, so it does not shrink with w; the scatter does.
  const se = Math.sqrt((fit.sigma * fit.sigma) / w + varMean / w);
  if (!(Math.abs(mean) > 4 * se)) return null;
  return {
    code: 'late-regime-change',
    message:
      `regime change late in the run: from step ${fmt(p.step[k])} the points sit ${fmt(Math.abs(mean))} ` +
      `${mean > 0 ? 'above' : 'below'} the law fitted before them (${fmt(Math.abs(mean) / se)} standard errors)`,
  };
}

/**
 * A ceiling outside [0, 1] for a metric whose every reading lies in [0, 1] (accuracy, a pass rate, a 0/1
 * reward): the law extrapolates past what R can reach. Null otherwise.
 * @example ceilingBoundsWarning({ value: 1.005, … }, [0.4, 0.9]) // => { code: 'ceiling-out-of-bounds', … }
 */
export function ceilingBoundsWarning(ceiling: Estimate, metric: ArrayLike<number>): RunWarning | null {
  for (let i = 0; i < metric.length; i++) if (!(metric[i] >= 0 && metric[i] <= 1)) return null;
  const { value, ci } = ceiling;
  if (value >= 0 && value <= 1) return null;
  return {
    code: 'ceiling-out-of-bounds',
    message:
      `the ceiling ${fmt(value)} (95% ${fmt(ci[0])}–${fmt(ci[1])}) lies ${value > 1 ? 'above 1' : 'below 0'}, outside what a metric ` +
      'read in [0, 1] can reach: the law does not hold up to H = 0 here (the training reward, or a run far from its entropy floor?)',
  };
}

/** The warning for R being the training reward: what `chooseKeys` falls back to when no validation metric is logged. */
export function trainRewardWarning(kind: MetricKind | undefined, metric: string): RunWarning | null {
  if (kind !== 'train-reward') return null;
  return {
    code: 'train-reward',
    message: `R is the training reward (${metric}), not validation performance: the ceiling is that of the reward on training prompts`,
  };
}

/**
 * Entropy larger than per-token policy entropy typically is (above `ENTROPY_TYPICAL_MAX` nats): possibly a
 * sum over a sequence's tokens rather than a mean, or another unit. Null otherwise.
 */
export function entropyScaleWarning(entropy: ArrayLike<number>): RunWarning | null {
  let max = -Infinity;
  for (let i = 0; i < entropy.length; i++) max = Math.max(max, entropy[i]);
  if (!(max > ENTROPY_TYPICAL_MAX)) return null;
  return {
    code: 'entropy-scale',
    message: `entropy reaches ${fmt(max)} nats: per-token policy entropy is typically below ${ENTROPY_TYPICAL_MAX}; check that the key is a per-token mean, not a sum over a sequence`,
  };
}

/**
 * Trainer settings known to change what the logged entropy means, where the log states them:
 * - verl ≤ 0.4 (the legacy key `actor/entropy_loss`) with `use_dynamic_bsz` logged a wrong entropy,
 *   averaged over micro-batches of different sizes (fixed in verl PR #1943, June 2025);
 * - a rollout temperature other than 1: the entropy is that of the tempered distribution, not the policy's;
 * - aggregation per sequence (`loss_agg_mode: seq-mean-…`) instead of verl's default `token-mean`: the
 *   law is stated for the token-mean entropy (a per-sequence sum is refused outright, see `entropyError`).
 * @example trainerWarnings({ temperature: 0.6 })[0].code // => 'trainer-setting'
 */
export function trainerWarnings(trainer: TrainerSettings | undefined): RunWarning[] {
  if (!trainer) return [];
  const out: RunWarning[] = [];
  if (trainer.dynamicBatch && trainer.legacyEntropyKey) {
    out.push({
      code: 'trainer-setting',
      message:
        'verl before 0.5 (entropy logged as actor/entropy_loss) with use_dynamic_bsz=True logged a wrong entropy, averaged over ' +
        'micro-batches of different sizes (fixed in verl PR #1943, June 2025): this H is not the policy entropy',
    });
  }
  if (trainer.temperature !== undefined && trainer.temperature !== 1) {
    out.push({
      code: 'trainer-setting',
      message: `the rollout temperature is ${fmt(trainer.temperature)}: the logged entropy is of the tempered distribution, not of the policy at temperature 1, so a and b are not comparable with other runs`,
    });
  }
  if (trainer.lossAggMode && trainer.lossAggMode.startsWith('seq-mean')) {
    out.push({
      code: 'trainer-setting',
      message: `entropy aggregated per sequence (loss_agg_mode ${trainer.lossAggMode}), not per token (token-mean): the law is stated for the token-mean entropy`,
    });
  }
  return out;
}
