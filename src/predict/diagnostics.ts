import { predictMetric } from '../fit/entropy-law.ts';
import type { EntropyLawFit } from '../fit/types.ts';
import type { DecayFit } from './entropy-decay.ts';
import { fmt, type PredictWarning } from './warnings.ts';

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
export function formatLearningWarning(p: Points, burnIn: number): PredictWarning | null {
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
export function entropyRisingWarning(p: Points, decay?: DecayFit): PredictWarning | null {
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
 * Too little entropy range to pin down a and b: the slope a is within 2 standard errors of 0 (or not
 * positive, so R does not rise as entropy falls). The ceiling b − a is then an extrapolation with no support.
 * @example entropyRangeWarning(fit, series.entropy)?.code // => 'low-entropy-range'
 */
export function entropyRangeWarning(fit: EntropyLawFit, entropy: ArrayLike<number>): PredictWarning | null {
  const { a } = fit.params;
  const se = fit.stderr.a;
  const lo = Math.min(...Array.from(entropy));
  const hi = Math.max(...Array.from(entropy));
  if (!(a > 0)) {
    return {
      code: 'no-entropy-slope',
      message: `R does not rise as entropy falls (a = ${fmt(a)} ± ${fmt(se)} over H ${fmt(lo)}–${fmt(hi)}); the ceiling is meaningless`,
    };
  }
  if (!(a > 2 * se)) {
    return {
      code: 'low-entropy-range',
      message: `too little entropy range to identify a and b (H spans ${fmt(lo)}–${fmt(hi)}; a = ${fmt(a)} ± ${fmt(se)})`,
    };
  }
  return null;
}

/**
 * A regime change late in the run: the latest points (the last 20%, at least 3) sit off the law fitted to
 * the points before them, by more than 4 standard errors of their mean residual (residual scatter plus
 * the fit's own uncertainty at their entropy). `fit` must be fitted on the points before them; pass
 * `fitEarlier` to get it. Null when there are too few points to tell.
 * @example lateRegimeWarning(series, fitEarlier)?.code // => 'late-regime-change'
 */
export function lateRegimeWarning(p: Points, fitEarlier: (k: number) => EntropyLawFit | null): PredictWarning | null {
  const n = p.step.length;
  const w = Math.max(3, Math.round(0.2 * n));
  const k = n - w;
  if (k < 5) return null;
  const fit = fitEarlier(k);
  if (!fit) return null;
  const [[va, cab], [, vb]] = fit.covariance;
  let sum = 0;
  let varMean = 0;
  for (let i = k; i < n; i++) {
    const x = Math.exp(p.entropy[i]);
    sum += p.metric[i] - predictMetric(fit, p.entropy[i]);
    varMean += x * x * va + vb - 2 * x * cab;
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
