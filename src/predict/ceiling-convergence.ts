/**
 * How early could the ceiling have been known? The run is re-analysed as it stood after each of its first
 * k points, the way a running job would have been analysed then (the same law, fit options, steps window
 * and burn-in rule, applied to what it had seen; as `backtest` cuts runs), which gives the ceiling estimate
 * and its interval as a function of how much of the run was used, and the first point from which the
 * estimate stayed within ±tolerance of the final one.
 */
import type { Estimate } from '../fit/types.ts';
import { checkInteger } from '../util/checks.ts';
import { UsageError } from '../util/errors.ts';
import { analyzeRun, type AnalyzeOptions, type RunAnalysis } from './analyze.ts';
import { sliceSeries } from './select.ts';

/** Options for `ceilingConvergence`. */
export interface ConvergenceOptions {
  /** How close to the final ceiling counts as settled, in units of R. Defaults to 0.01. */
  tolerance?: number;
  /**
   * At most this many cuts, evenly spaced in points, the whole run always the last; every point is a cut
   * when the run has no more. Defaults to 30.
   */
  maxCuts?: number;
  /**
   * The analysis options of the cuts. Defaults to the ones the run's analysis was made with, read back from
   * it: the law, the fit options (confidence, start, robust), the steps window and the burn-in rule (the
   * burn-in rule's tuning is its default; give it here if the analysis used another).
   */
  analyze?: AnalyzeOptions;
}

/** The run as it stood after its first `points` points of the window. */
export interface ConvergenceCut {
  /** Points of the window seen so far (burn-in included). */
  points: number;
  /** points / the window's points. */
  fraction: number;
  /** Step of the last point seen. */
  step: number;
  /** Points the cut's fit used (after its burn-in). */
  used: number;
  /** The ceiling the cut's fit gives, with its interval; null when the cut could not be fit (see `error`). */
  ceiling: Estimate | null;
  error?: string;
}

/** Where an estimate settled: the first cut from which a condition held at every later cut. */
export interface SettledAt {
  points: number;
  fraction: number;
  step: number;
}

/** The ceiling of a run against how much of it was used (see `ceilingConvergence`). */
export interface CeilingConvergence {
  run: string;
  tolerance: number;
  /** The whole run's ceiling: the run's analysis's own, and the last cut's. Null without one. */
  final: Estimate | null;
  /** The cuts, by points seen; the last is the whole window. */
  cuts: ConvergenceCut[];
  /**
   * The first cut from which every later cut has a ceiling within ±tolerance of the final one (in hindsight:
   * when the answer was known); null without a final ceiling. The last cut always qualifies.
   */
  settled: SettledAt | null;
  /**
   * The first cut from which every later cut's interval is no wider than ±tolerance (what a running job
   * could see for itself); null when even the whole run's interval is wider.
   */
  precise: SettledAt | null;
}

/**
 * The options a run's analysis was made with, read back from it (everything `analyzeRun` keeps: the law,
 * the column it reads, the fit options, the steps window, the burn-in rule).
 * @example analysisOptions(analyzeRun(series, { burnIn: 'none' })).burnIn // => 'none'
 */
export function analysisOptions(analysis: RunAnalysis): AnalyzeOptions {
  const { selection, law, variables, fitOptions } = analysis;
  const burnIn = selection.rule === 'count' ? selection.burnIn : selection.rule;
  const x = law.variables.length === 1 && variables[0] !== law.variables[0] ? variables[0] : undefined;
  return {
    law,
    burnIn,
    ...(x !== undefined ? { x } : {}),
    ...(fitOptions.start ? { start: fitOptions.start } : {}),
    ...(fitOptions.robust ? { robust: true } : {}),
    ...(fitOptions.confidence !== undefined ? { confidence: fitOptions.confidence } : {}),
    ...(selection.minStep !== undefined ? { minStep: selection.minStep } : {}),
    ...(selection.maxStep !== undefined ? { maxStep: selection.maxStep } : {}),
  };
}

/** The numbers of points to cut at: from `first` to `n`, all of them or `maxCuts` evenly spaced. */
export function cutPoints(first: number, n: number, maxCuts: number): number[] {
  if (n < first) return n > 0 ? [n] : [];
  if (n - first + 1 <= maxCuts) return Array.from({ length: n - first + 1 }, (_, i) => first + i);
  const out = new Set<number>();
  for (let j = 0; j < maxCuts; j++) out.add(Math.round(first + ((n - first) * j) / (maxCuts - 1)));
  return [...out];
}

/** The first cut from which `holds` is true at every later cut, or null when it fails at the last. */
function settledFrom(cuts: readonly ConvergenceCut[], holds: (c: ConvergenceCut) => boolean): SettledAt | null {
  let i = cuts.length;
  while (i > 0 && holds(cuts[i - 1])) i--;
  if (i === cuts.length) return null;
  const { points, fraction, step } = cuts[i];
  return { points, fraction, step };
}

/**
 * The ceiling estimate and its interval as a function of the share of the run used: the run cut after its
 * first k points of the window, for k from the law's parameter count + 1 to all of them (at most `maxCuts`
 * cuts), each cut analysed as a running job would have been (`analyzeRun` on the points seen, with the
 * run's options), and when the estimate settled within ±`tolerance` of the final one and when its
 * interval narrowed to ±`tolerance`. The last cut is the run's own analysis. Cost: one `analyzeRun` per
 * cut. Throws a `UsageError` for a bad tolerance or cut count.
 * @example ceilingConvergence(analyzeRun(series)).settled // => { points: 14, fraction: 0.35, step: 140 }
 */
export function ceilingConvergence(analysis: RunAnalysis, options: ConvergenceOptions = {}): CeilingConvergence {
  const { tolerance = 0.01, maxCuts = 30 } = options;
  if (!(tolerance > 0 && Number.isFinite(tolerance))) throw new UsageError(`invalid tolerance: ${tolerance} (expected a positive number)`);
  checkInteger(maxCuts, 'maxCuts', 2);
  const analyze = options.analyze ?? analysisOptions(analysis);
  const { series, selection, law } = analysis;
  const n = selection.to - selection.from;
  const cuts: ConvergenceCut[] = [];
  for (const k of cutPoints(law.params.length + 1, n, maxCuts)) {
    const step = series.step[selection.from + k - 1];
    // The whole window is the run's own analysis: one answer per run, whatever the cut would redo.
    const cut = k === n ? analysis : analyzeRun(sliceSeries(series, 0, selection.from + k), analyze, analysis.info);
    cuts.push({
      points: k,
      fraction: k / n,
      step,
      used: cut.selection.used,
      ceiling: cut.ceiling,
      ...(cut.error !== undefined ? { error: cut.error } : !cut.ceiling && cut.fit ? { error: `law ${law.name} has no ceiling` } : {}),
    });
  }
  const final = analysis.ceiling;
  const settled = final ? settledFrom(cuts, (c) => c.ceiling !== null && Math.abs(c.ceiling.value - final.value) <= tolerance) : null;
  const precise = settledFrom(cuts, (c) => c.ceiling !== null && (c.ceiling.ci[1] - c.ceiling.ci[0]) / 2 <= tolerance);
  return { run: analysis.run, tolerance, final, cuts, settled, precise };
}
