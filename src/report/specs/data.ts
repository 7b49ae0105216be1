/**
 * Plain rows for the charts, computed here rather than in Vega expressions so that the numbers drawn are
 * the numbers tested (and so the page needs no expression evaluation for them).
 */
import { evaluateFit } from '../../fit/evaluate.ts';
import { predictionBand } from '../../fit/uncertainty/prediction-band.ts';
import type { ReportRun } from '../types.ts';

/** One observed point of a run. */
export interface PointRow {
  step: number;
  entropy: number;
  metric: number;
}

/** Why a point is drawn the way it is: used by the fit, or left out (and why). */
export type PointStatus = 'used' | 'burn-in' | 'outside';

/** One observed point with what the fit did with it. */
export interface StatusRow extends PointRow {
  status: PointStatus;
}

/** One point of a fitted curve R = −a·exp(H) + b. */
export interface CurveRow {
  entropy: number;
  metric: number;
}

/** One point of a fitted curve with its pointwise confidence band. */
export interface BandRow extends CurveRow {
  lo: number;
  hi: number;
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
  return statusRows(series).map(({ step, entropy, metric }) => ({ step, entropy, metric }));
}

/**
 * A run's points as rows with their status: `burn-in` for the leading points the fit left out as format
 * learning, `outside` for points outside `--min-step`/`--max-step`, `used` for the rest (all of them when
 * no selection is given). Points with a non-finite value are skipped.
 *
 * @example
 * statusRows(run.series, run.selection).filter((r) => r.status === 'burn-in').length; // => run.selection.burnIn
 */
export function statusRows(
  series: { step: ArrayLike<number>; entropy: ArrayLike<number>; metric: ArrayLike<number> },
  selection?: { from: number; to: number; burnIn: number },
): StatusRow[] {
  const rows: StatusRow[] = [];
  const n = Math.min(series.step.length, series.entropy.length, series.metric.length);
  const from = selection?.from ?? 0;
  const to = selection?.to ?? n;
  const burnIn = selection?.burnIn ?? 0;
  for (let i = 0; i < n; i++) {
    const step = series.step[i];
    const entropy = series.entropy[i];
    const metric = series.metric[i];
    if (!(Number.isFinite(step) && Number.isFinite(entropy) && Number.isFinite(metric))) continue;
    const status: PointStatus = i < from || i >= to ? 'outside' : i < from + burnIn ? 'burn-in' : 'used';
    rows.push({ step, entropy, metric, status });
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

/** Whether the run's law is a curve in H alone, which R against H can draw. */
export function lawOfEntropy(run: Pick<ReportRun, 'law' | 'variables'>): boolean {
  return run.variables.length === 1 && run.variables[0] === 'H';
}

/** `samples` evenly spaced values over [lo, hi], both ends included (one value when the range is empty). */
export function grid(lo: number, hi: number, samples: number): Float64Array {
  const n = hi > lo ? Math.max(2, Math.floor(samples)) : 1;
  return Float64Array.from({ length: n }, (_, i) => (n > 1 ? lo + ((hi - lo) * i) / (n - 1) : lo));
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
  const h = grid(0, maxH, samples);
  const r = evaluateFit(law, fit, [h]);
  return Array.from(h, (entropy, i) => ({ entropy, metric: r[i] }));
}

/**
 * The fitted law of entropy over [0, maxH] with its pointwise confidence band for the curve, by the delta
 * method (`predictionBand`, at the fit's confidence); empty where `curveRows` is.
 *
 * @example
 * bandRows(run, 1, 2)[0]; // => { entropy: 0, metric: b − a, lo: …, hi: … } (lo, hi: the ceiling's interval)
 */
export function bandRows(run: Pick<ReportRun, 'law' | 'fit' | 'variables'>, maxH: number, samples = 60): BandRow[] {
  const { law, fit } = run;
  if (!fit || !lawOfEntropy(run)) return [];
  const h = grid(0, maxH, samples);
  const band = predictionBand(law, fit, [h]);
  return Array.from(h, (entropy, i) => ({ entropy, metric: band.value[i], lo: band.lower[i], hi: band.upper[i] }));
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

/**
 * The smallest and largest finite number among `values` (any nesting of arrays), or null when there is none.
 *
 * @example
 * extent([1, [NaN, -2], 5]); // => [-2, 5]
 */
export function extent(values: readonly (number | null | undefined | readonly (number | null | undefined)[])[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'number' && Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  };
  values.forEach(visit);
  return lo <= hi ? [lo, hi] : null;
}

/**
 * An extent widened by `below` and `above` of its span (a little room for marks at the edges, or for a
 * label above the data); a zero span is widened by `pad` absolute instead.
 *
 * @example
 * padded([0, 1], 0.05, 0.1); // => [-0.05, 1.1]
 */
export function padded(range: [number, number], below = 0.04, above = 0.04, pad = 0.05): [number, number] {
  const span = range[1] - range[0];
  if (!(span > 0)) return [range[0] - pad, range[1] + pad];
  return [range[0] - below * span, range[1] + above * span];
}

/**
 * `padded`, but not below 0 when the data are not: R and H are never negative, and an axis that starts
 * at −0.1 only wastes room.
 *
 * @example
 * paddedFromZero([0, 1]); // => [0, 1.04]
 */
export function paddedFromZero(range: [number, number], below = 0.04, above = 0.04): [number, number] {
  const [lo, hi] = padded(range, below, above);
  return [range[0] >= 0 ? Math.max(0, lo) : lo, hi];
}

/**
 * The range an axis shows: the `core` (what the fit used and what it predicts) and the `extra` points (the
 * ones it left out) too, unless the extra ones would more than double the span and squash the core into a
 * strip; then only the core, and `beyond` says so (the chart draws those points at the axis's edge).
 *
 * @example
 * focusRange([0.45, 0.6], [0.01, 0.6]); // => { range: [0.45, 0.6], beyond: true }
 */
export function focusRange(core: [number, number] | null, extra: [number, number] | null, factor = 2): { range: [number, number] | null; beyond: boolean } {
  const all = union(core, extra);
  if (!core || !all) return { range: all, beyond: false };
  const span = core[1] - core[0];
  if (span > 0 && all[1] - all[0] > factor * span) return { range: core, beyond: true };
  return { range: all, beyond: false };
}

/** The union of extents (null ones skipped). */
export function union(...ranges: ([number, number] | null)[]): [number, number] | null {
  return extent(ranges.filter((r): r is [number, number] => r !== null).flat());
}
