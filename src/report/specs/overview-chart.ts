/** The chart of all runs: every run's fitted curve on one R vs H plot (the paper's Figure 1 style). */
import type { TopLevelSpec, Config } from 'vega-lite';
import { modelGroup, runLabels, shortKey } from '../labels.ts';
import type { ReportRun } from '../types.ts';
import { bandRows, curveRows, maxEntropy, statusRows } from './data.ts';
import { SCREEN_CONFIG, type Text } from './theme.ts';

/** Options of `overviewSpec`. */
export interface OverviewOptions {
  /** Plot width in pixels. Default 640. */
  width?: number;
  /** Plot height in pixels. Default 360. */
  height?: number;
  /** H values per fitted curve. Default: 40, fewer with many runs (8000 / runs, at least 12). */
  samples?: number;
  /**
   * Draw the observed points only while all runs together have at most this many, and there are at most
   * `legendLimit` runs (beyond, the plot is a cloud that hides the curves and slows the page). Default 4000.
   */
  maxPoints?: number;
  /**
   * Up to this many runs each has its colour, the legend lists them (by the part of their names that
   * differs) and clicking an entry highlights the run. Above it the curves are thin and faint, coloured
   * by model where 2–10 models are known, and a drop-down picks the run to highlight. Default 10.
   */
  legendLimit?: number;
  /** Vega-Lite config (theme). Default: the page theme. */
  config?: Config;
  title?: Text;
  subtitle?: Text;
}

/** Name of the selection parameter that highlights one run. */
export const PICK = 'pick';

/**
 * Builds the Vega-Lite spec of all runs' R vs H: each fitted run's curve over [0, its max H] (a law of H
 * alone; others are left out), and, for a few runs, its 95% band and its points (crosses for those the fit
 * left out). A few runs each get a colour and a
 * clickable legend entry; many runs are drawn thin and faint (coloured by model when known) so the spread
 * shows instead of spaghetti, with a drop-down to highlight one. Colours follow the input order. Pure.
 *
 * @example
 * overviewSpec(runs).layer.map((l) => l.mark.type); // => ['area', 'point', 'line']
 */
export function overviewSpec(runs: readonly ReportRun[], options: OverviewOptions = {}): TopLevelSpec {
  const {
    width = 640,
    height = 360,
    samples = Math.max(12, Math.min(40, Math.floor(8000 / Math.max(1, runs.length)))),
    maxPoints = 4000,
    legendLimit = 10,
    config = SCREEN_CONFIG,
    title,
    subtitle,
  } = options;
  const ids = runs.map((r) => r.info.id);
  const labels = runLabels(ids);
  const few = runs.length <= legendLimit;
  const groups = runs.map((r) => modelGroup(r.info) ?? 'model unknown');
  const groupList = [...new Set(groups)];
  const byGroup = !few && groupList.length >= 2 && groupList.length <= 10;
  const curves: Record<string, unknown>[] = [];
  const bands: Record<string, unknown>[] = [];
  const points: Record<string, unknown>[] = [];
  const left: Record<string, unknown>[] = [];
  runs.forEach((run, i) => {
    const rows = statusRows(run.series, run.selection);
    const tag = few ? { run: ids[i], label: labels[i] } : byGroup ? { run: ids[i], model: groups[i] } : { run: ids[i] };
    if (few) for (const { status, ...p } of rows) (status === 'used' ? points : left).push({ ...tag, ...p });
    if (run.fit) for (const c of curveRows(run, maxEntropy(rows), samples)) curves.push({ ...tag, ...c });
    // A few runs: each curve with its 95% band (many would hide each other; each run's chart has its own).
    if (few && run.fit) for (const { entropy, lo, hi } of bandRows(run, maxEntropy(rows), samples)) bands.push({ ...tag, entropy, lo, hi });
  });
  const color = few
    ? { field: 'label', type: 'nominal', title: 'run', scale: { domain: labels, scheme: labels.length <= 10 ? 'category10' : 'tableau20' }, legend: { title: 'run', symbolType: 'stroke', symbolStrokeWidth: 2, symbolOpacity: 1, labelLimit: 400 } }
    : byGroup
      ? { field: 'model', type: 'nominal', title: 'model', scale: { domain: groupList, scheme: 'category10' }, legend: { title: 'model', symbolType: 'stroke' } }
      : { value: '#1f5f9f' };
  const picked = { param: PICK, empty: true };
  const x = { field: 'entropy', type: 'quantitative', title: 'entropy H' };
  // Name the metric on the axis when every run measured the same one.
  const metrics = new Set(runs.map((r) => r.info.metric));
  const y = { field: 'metric', type: 'quantitative', title: metrics.size === 1 ? `R: ${shortKey([...metrics][0])}` : 'R', scale: { zero: false } };
  // A legend click or a drop-down choice selects the run's value of the `run` field.
  const bind = few ? 'legend' : { input: 'select', name: 'highlight run ', options: [null, ...ids], labels: ['(all runs)', ...ids] };
  const params = [{ name: PICK, select: { type: 'point', fields: [few ? 'label' : 'run'] }, bind }];
  const tooltip = [{ field: 'run', type: 'nominal' }, ...(byGroup ? [{ field: 'model', type: 'nominal' }] : [])];
  // A few runs: the picked one stays, the others fade. Many: all faint until one is picked, which turns red.
  const encoding = few
    ? { color, opacity: { condition: { ...picked, value: 1 }, value: 0.12 }, strokeWidth: { value: 2 } }
    : {
        color: { condition: { param: PICK, empty: false, value: '#d62728' }, ...color },
        opacity: { condition: [{ param: PICK, empty: false, value: 1 }, { ...picked, value: 0.35 }], value: 0.05 },
        strokeWidth: { condition: { param: PICK, empty: false, value: 2.5 }, value: 1 },
      };
  const curveLayer: Record<string, unknown> = {
    data: { values: curves },
    mark: { type: 'line' },
    encoding: { x, y, ...encoding, detail: { field: 'run' }, tooltip },
  };
  const layer: object[] = [];
  if (bands.length > 0) {
    layer.push({
      data: { values: bands },
      mark: { type: 'area', opacity: 0.12 },
      encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color, detail: { field: 'run' }, opacity: { condition: { ...picked, value: 0.12 }, value: 0.02 } },
    });
  }
  if (few && points.length + left.length <= maxPoints) {
    // The points each fit used, and as crosses those it left out (format learning, outside the steps).
    for (const [rows, mark] of [[points, { type: 'point', filled: true, size: 16 }], [left, { type: 'point', shape: 'cross', filled: true, size: 30 }]] as const) {
      if (rows.length === 0) continue;
      layer.push({
        data: { values: rows },
        mark,
        encoding: {
          x,
          y,
          color,
          opacity: { condition: { ...picked, value: 0.7 }, value: 0.05 },
          tooltip: [
            { field: 'run', type: 'nominal' },
            { field: 'step', type: 'quantitative' },
            { field: 'entropy', type: 'quantitative', title: 'H', format: '.4f' },
            { field: 'metric', type: 'quantitative', title: 'R', format: '.4f' },
          ],
        },
      });
    }
  }
  layer.push(curveLayer);
  // The selection lives in the first layer: the shared legend is built from it, and only a legend of the
  // layer that defines a legend-bound selection reacts to clicks.
  Object.assign(layer[0], { params });
  return { ...(title === undefined ? {} : { title: { text: title, ...(subtitle === undefined ? {} : { subtitle }) } }), width, height, config, layer } as TopLevelSpec;
}
