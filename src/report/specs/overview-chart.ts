/** The headline chart: every run's points and fitted curve on one R vs H plot (the paper's Figure 1 style). */
import type { TopLevelSpec, Config } from 'vega-lite';
import type { ReportRun } from '../types.ts';
import { curveRows, maxEntropy, pointRows } from './data.ts';
import { SCREEN_CONFIG } from './theme.ts';

/** Options of `overviewSpec`. */
export interface OverviewOptions {
  /** Plot width in pixels. Default 640. */
  width?: number;
  /** Plot height in pixels. Default 360. */
  height?: number;
  /** H values per fitted curve. Default: 40, fewer with many runs (8000 / runs, at least 12). */
  samples?: number;
  /**
   * Draw the observed points only while all runs together have at most this many (beyond it the plot is a
   * cloud that hides the curves and slows the page). Default 4000.
   */
  maxPoints?: number;
  /**
   * Up to this many runs the legend lists them and clicking a legend entry highlights that run; above it
   * the legend is dropped and a drop-down picks the run. Default 20.
   */
  legendLimit?: number;
  /** Vega-Lite config (theme). Default: the page theme. */
  config?: Config;
}

/** Name of the selection parameter that highlights one run. */
export const PICK = 'pick';

/**
 * Builds the Vega-Lite spec of all runs' R vs H: each fitted run's curve R = −a·exp(H) + b over
 * [0, its max H], coloured by run, over the observed points (while there are at most `maxPoints`). A run
 * is highlighted by clicking its legend entry, or, with many runs, by choosing it in a drop-down; the
 * others fade. Runs keep the colour of their input order. Pure: returns a plain object.
 *
 * @example
 * overviewSpec(runs).layer.map((l) => l.mark.type); // => ['point', 'line']
 */
export function overviewSpec(runs: readonly ReportRun[], options: OverviewOptions = {}): TopLevelSpec {
  const { width = 640, height = 360, samples = Math.max(12, Math.min(40, Math.floor(8000 / Math.max(1, runs.length)))), maxPoints = 4000, legendLimit = 20, config = SCREEN_CONFIG } = options;
  const ids = runs.map((r) => r.info.id);
  const curves: { run: string; entropy: number; metric: number }[] = [];
  const points: { run: string; step: number; entropy: number; metric: number }[] = [];
  for (const run of runs) {
    const rows = pointRows(run.series);
    for (const p of rows) points.push({ run: run.info.id, ...p });
    if (run.fit) for (const c of curveRows(run, maxEntropy(rows), samples)) curves.push({ run: run.info.id, ...c });
  }
  const withLegend = runs.length <= legendLimit;
  const color = {
    field: 'run',
    type: 'nominal',
    scale: { domain: ids, scheme: ids.length <= 10 ? 'category10' : 'tableau20' },
    legend: withLegend ? { title: 'run', symbolType: 'stroke' } : null,
  };
  const fade = { condition: { param: PICK, value: 1, empty: true }, value: 0.12 };
  const x = { field: 'entropy', type: 'quantitative', title: 'policy entropy H' };
  // Name the metric on the axis when every run measured the same one.
  const metrics = new Set(runs.map((r) => r.info.metric));
  const y = { field: 'metric', type: 'quantitative', title: metrics.size === 1 ? `R (${[...metrics][0]})` : 'R', scale: { zero: false } };
  // A legend click or a drop-down choice selects the run's value of the `run` field.
  const bind = withLegend
    ? 'legend'
    : { input: 'select', name: 'highlight run ', options: [null, ...ids], labels: ['(all runs)', ...ids] };
  const params = [{ name: PICK, select: { type: 'point', fields: ['run'] }, bind }];
  const curveLayer: Record<string, unknown> = {
    data: { values: curves },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: { x, y, color, detail: { field: 'run' }, opacity: fade },
  };
  const layer: object[] = [];
  if (points.length <= maxPoints) {
    layer.push({
      data: { values: points },
      mark: { type: 'point', filled: true, size: 16 },
      encoding: {
        x,
        y,
        color,
        opacity: { condition: { param: PICK, value: 0.7, empty: true }, value: 0.05 },
        tooltip: [
          { field: 'run', type: 'nominal' },
          { field: 'step', type: 'quantitative' },
          { field: 'entropy', type: 'quantitative', title: 'H', format: '.4f' },
          { field: 'metric', type: 'quantitative', title: 'R', format: '.4f' },
        ],
      },
    });
  }
  layer.push(curveLayer);
  // The selection lives in the first layer: the shared legend is built from it, and only a legend of the
  // layer that defines a legend-bound selection reacts to clicks.
  Object.assign(layer[0], { params });
  return { width, height, config, layer } as TopLevelSpec;
}
