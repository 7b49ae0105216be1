/**
 * Plain rows for the charts, computed here rather than in Vega expressions so that the numbers drawn are
 * the numbers tested (and so the page needs no expression evaluation for them).
 */
import { evaluateFit } from '../../fit/evaluate.ts';
import type { ReportRun } from '../types.ts';

/** One observed point of a run. */
export interface PointRow {
  step: number;
  entropy: number;
  metric: number;
}

/** One point of a fitted curve R = −a·exp(H) + b. */
export interface CurveRow {
  entropy: number;
  metric: number;
}

/**
 * A run's points as rows, skipping any point with a non-finite value (JSON cannot carry NaN, and a hole
 * in one column must not shift the others).
 *
 * @example
 * pointRows({ step: [0, 1], entropy: [0.5, 0.4], metric: [0.2, 0.3] });
 * // => [{ step: 0, entropy: 0.5, metric: 0.2 }, { step: 1, entropy: 0.4, metric: 0.3 }]
 */
export function pointRows(series: {
  step: ArrayLike<number>;
  entropy: ArrayLike<number>;
  metric: ArrayLike<number>;
}): PointRow[] {
  const rows: PointRow[] = [];
  const n = Math.min(series.step.length, series.entropy.length, series.metric.length);
  for (let i = 0; i < n; i++) {
    const step = series.step[i];
    const entropy = series.entropy[i];
    const metric = series.metric[i];
    if (Number.isFinite(step) && Number.isFinite(entropy) && Number.isFinite(metric)) {
      rows.push({ step, entropy, metric });
    }
  }
  return rows;
}

/**
 * The largest finite entropy of a run, or 0 when it has none: the right end of the drawn curve.
 *
 * @example
 * maxEntropy([{ step: 0, entropy: 0.7, metric: 0.1 }, { step: 1, entropy: 0.2, metric: 0.4 }]); // => 0.7
 */
export function maxEntropy(rows: readonly PointRow[]): number {
  let max = 0;
  for (const r of rows) if (r.entropy > max) max = r.entropy;
  return max;
}

/**
 * Samples a run's fitted law of entropy at `samples` evenly spaced H over [0, maxH], both ends included,
 * so the curve reaches the ceiling at H = 0; empty for a run without a fit or with a law of other
 * variables (R against H cannot draw it).
 *
 * @example
 * curveRows({ law: entropyExp, fit }, 1, 2); // => [{ entropy: 0, metric: b − a }, { entropy: 1, metric: b − a·e }]
 */
export function curveRows(run: Pick<ReportRun, 'law' | 'fit'>, maxH: number, samples = 60): CurveRow[] {
  const { law, fit } = run;
  if (!fit || law.variables.length !== 1 || law.variables[0] !== 'H') return [];
  const n = maxH > 0 ? Math.max(2, Math.floor(samples)) : 1; // no positive entropy: the ceiling point alone
  const h = Float64Array.from({ length: n }, (_, i) => (n > 1 ? (maxH * i) / (n - 1) : 0));
  const r = evaluateFit(law, fit, [h]);
  return Array.from(h, (entropy, i) => ({ entropy, metric: r[i] }));
}

/** The ceiling b − a with its confidence interval, as drawn at H = 0; null when the run has no fit. */
export interface CeilingRow {
  entropy: 0;
  metric: number;
  lo: number;
  hi: number;
  label: string;
}

/**
 * The ceiling marker of a run: the law's value at H = 0 with its interval and a text label.
 *
 * @example
 * ceilingRow(run).metric; // => run.ceiling.value
 */
export function ceilingRow(run: ReportRun): CeilingRow | null {
  if (!run.fit || !run.ceiling || !Number.isFinite(run.ceiling.value)) return null;
  const { value, ci } = run.ceiling;
  const finiteCi = Number.isFinite(ci[0]) && Number.isFinite(ci[1]);
  return {
    entropy: 0,
    metric: value,
    lo: finiteCi ? ci[0] : value,
    hi: finiteCi ? ci[1] : value,
    label: `ceiling b − a = ${value.toFixed(3)}`,
  };
}
