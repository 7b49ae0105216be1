/**
 * Which of a run's points a fit uses: those within `minStep`–`maxStep`, less the leading points that the
 * burn-in rule (or a count) leaves out. Every command that fits chooses its points here, so that one run
 * with one set of flags gets one answer everywhere.
 */
import type { RunSeries } from '../ingest/types.ts';
import { UsageError } from '../util/errors.ts';
import { detectBurnIn, type BurnInOptions } from './burn-in.ts';

/** How to choose the points of a run. */
export interface SelectOptions {
  /**
   * Leading points to leave out: 'auto' applies the burn-in rule of `detectBurnIn` (format learning),
   * 'none' keeps all, a number drops that many. Defaults to 'auto'.
   */
  burnIn?: 'auto' | 'none' | number;
  /** Tuning of the 'auto' rule. Defaults to `detectBurnIn`'s. */
  burnInOptions?: BurnInOptions;
  /** Only points at this step or later. Defaults to none. */
  minStep?: number;
  /** Only points at this step or earlier. Defaults to none. */
  maxStep?: number;
}

/** The points chosen, as index ranges into the run's series (sorted by step). */
export interface PointSelection {
  /** Points of the run (steps with both H and R). */
  total: number;
  /** The points within `minStep`–`maxStep`: indices [from, to). */
  from: number;
  to: number;
  /** Leading points of that window left out as burn-in. */
  burnIn: number;
  /** Points used: indices [from + burnIn, to). */
  used: number;
  /** Whether the burn-in was detected ('auto') or given. */
  rule: 'auto' | 'none' | 'count';
  minStep?: number;
  maxStep?: number;
}

/** The points of `series` at indices [from, to). */
export function sliceSeries(series: RunSeries, from: number, to: number): RunSeries {
  return { run: series.run, step: series.step.subarray(from, to), entropy: series.entropy.subarray(from, to), metric: series.metric.subarray(from, to) };
}

/** Checks the options a user can get wrong, with one message each. */
export function checkSelectOptions(options: SelectOptions): void {
  const { burnIn, minStep, maxStep } = options;
  if (burnIn !== undefined && burnIn !== 'auto' && burnIn !== 'none' && !(Number.isInteger(burnIn) && burnIn >= 0)) {
    throw new UsageError(`invalid burn-in: ${String(burnIn)} (expected auto, none or a number of points ≥ 0)`);
  }
  for (const [name, v] of [['min-step', minStep], ['max-step', maxStep]] as const) {
    if (v !== undefined && !Number.isFinite(v)) throw new UsageError(`invalid ${name}: ${v} (expected a step number)`);
  }
  if (minStep !== undefined && maxStep !== undefined && minStep > maxStep) throw new UsageError(`invalid steps: min-step ${minStep} is after max-step ${maxStep}`);
}

/**
 * Chooses the points of a run: the window `minStep`–`maxStep`, then the burn-in. `detectLeading` says
 * whether the burn-in rule may run (it reads exp(H), so not on entropy that is not an entropy).
 * @example selectPoints(series, { burnIn: 'auto' }).selection.burnIn // => 2 for a run that starts with format learning
 */
export function selectPoints(series: RunSeries, options: SelectOptions = {}, detectLeading = true): { selection: PointSelection; used: RunSeries } {
  checkSelectOptions(options);
  const { burnIn = 'auto', burnInOptions, minStep, maxStep } = options;
  const n = series.step.length;
  let from = 0;
  let to = n;
  if (minStep !== undefined) while (from < n && series.step[from] < minStep) from++;
  if (maxStep !== undefined) while (to > from && series.step[to - 1] > maxStep) to--;
  const window = sliceSeries(series, from, to);
  let count = 0;
  if (burnIn === 'auto') count = detectLeading ? detectBurnIn(window.entropy, window.metric, burnInOptions) : 0;
  else if (burnIn !== 'none') count = Math.min(burnIn, to - from);
  const selection: PointSelection = {
    total: n,
    from,
    to,
    burnIn: count,
    used: to - from - count,
    rule: burnIn === 'auto' ? 'auto' : burnIn === 'none' ? 'none' : 'count',
    ...(minStep !== undefined ? { minStep } : {}),
    ...(maxStep !== undefined ? { maxStep } : {}),
  };
  return { selection, used: sliceSeries(series, from + count, to) };
}
