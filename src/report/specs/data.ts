/**
 * Plain rows for the charts, computed here rather than in Vega expressions so that the numbers drawn are
 * the numbers tested (and so the page needs no expression evaluation for them).
 */
import type { EntropyLawFit } from '../../fit/types.ts';
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
 * Samples the fitted law R = −a·exp(H) + b at `samples` evenly spaced H over [0, maxH], both ends
 * included, so the curve reaches the ceiling b − a at H = 0.
 *
 * @example
 * curveRows({ a: 0.5, b: 1 }, 1, 2); // => [{ entropy: 0, metric: 0.5 }, { entropy: 1, metric: 1 - 0.5 * Math.E }]
 */
export function curveRows(params: EntropyLawFit['params'], maxH: number, samples = 60): CurveRow[] {
  const { a, b } = params;
  const n = Math.max(2, Math.floor(samples));
  const rows: CurveRow[] = [];
  for (let i = 0; i < n; i++) {
    const entropy = maxH > 0 ? (maxH * i) / (n - 1) : 0;
    rows.push({ entropy, metric: -a * Math.exp(entropy) + b });
    if (!(maxH > 0)) break; // a run with no positive entropy: the curve is the ceiling point alone
  }
  return rows;
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
