/**
 * How early the ceiling was known, over many runs: the share of runs whose ceiling estimate had settled
 * within ±tolerance of its final value (and whose interval had narrowed to ±tolerance) against the share
 * of the run used, as step curves (empirical cumulative distributions computed here).
 */
import type { TopLevelSpec, Config } from 'vega-lite';
import { sig } from '../../util/format.ts';
import type { ReportRun } from '../types.ts';
import { COLORS, SCREEN_CONFIG, kindScale, type Text } from './theme.ts';

/** Options of `settleSpec`. */
export interface SettleOptions {
  width?: number;
  height?: number;
  config?: Config;
  title?: Text;
  subtitle?: Text;
}

/** One step of a cumulative curve: by `fraction` of the run used, `share` of the runs had settled. */
export interface SettleRow {
  what: string;
  fraction: number;
  share: number;
  runs: number;
}

/**
 * The empirical cumulative share of runs settled by each fraction of the run used, for the estimate
 * (`settled`) and the interval (`precise`); runs without a convergence or a final ceiling are not counted,
 * runs that never got there count as never (the curve stays below 1). Starts at (0, 0) and ends at (1, …).
 *
 * @example
 * settleRows(runs)[1]; // => { what: 'estimate within ±0.01 of the final', fraction: 0.3, share: 0.25, runs: 1 }
 */
export function settleRows(runs: readonly ReportRun[]): SettleRow[] {
  const counted = runs.map((r) => r.convergence).filter((c) => c?.final);
  if (counted.length === 0) return [];
  const tol = sig(counted[0]!.tolerance);
  const rows: SettleRow[] = [];
  for (const [key, what] of [['settled', `estimate within ±${tol} of the final`], ['precise', `95% CI within ±${tol}`]] as const) {
    const at = counted.map((c) => c![key]?.fraction).filter((f): f is number => f !== undefined).sort((p, q) => p - q);
    rows.push({ what, fraction: 0, share: 0, runs: 0 });
    at.forEach((fraction, i) => {
      // One row per distinct fraction: the share after all runs that settled there.
      if (i + 1 < at.length && at[i + 1] === fraction) return;
      rows.push({ what, fraction, share: (i + 1) / counted.length, runs: i + 1 });
    });
    rows.push({ what, fraction: 1, share: at.length / counted.length, runs: at.length });
  }
  return rows;
}

/**
 * Builds the chart of `settleRows`, or null when no run has a convergence with a final ceiling. Pure.
 *
 * @example
 * settleSpec(runs).mark.interpolate; // => 'step-after'
 */
export function settleSpec(runs: readonly ReportRun[], options: SettleOptions = {}): TopLevelSpec | null {
  const { width = 420, height = 200, config = SCREEN_CONFIG, title, subtitle } = options;
  const rows = settleRows(runs);
  if (rows.length === 0) return null;
  const kinds = kindScale([...new Set(rows.map((r) => r.what))].map((w, i) => [w, i === 0 ? '#0b6e79' : COLORS.forecast] as [string, string]));
  const counted = runs.filter((r) => r.convergence?.final).length;
  return {
    ...(title === undefined ? {} : { title: { text: title, ...(subtitle === undefined ? {} : { subtitle }) } }),
    config,
    width,
    height,
    data: { values: rows },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, point: { filled: true, size: 20 } },
    encoding: {
      x: { field: 'fraction', type: 'quantitative', title: 'share of the run used', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      y: { field: 'share', type: 'quantitative', title: `share of the ${counted} run${counted === 1 ? '' : 's'}`, scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      color: { field: 'what', type: 'nominal', scale: kinds, legend: { title: null, orient: 'bottom', direction: 'vertical', labelLimit: 1000 } },
      tooltip: [
        { field: 'what', type: 'nominal', title: 'settled' },
        { field: 'fraction', type: 'quantitative', title: 'by', format: '.0%' },
        { field: 'runs', type: 'quantitative' },
        { field: 'share', type: 'quantitative', format: '.0%' },
      ],
    },
  } as TopLevelSpec;
}
