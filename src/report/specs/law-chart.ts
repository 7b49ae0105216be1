/** The per-run chart of the law: R against H, the fitted curve, and the ceiling at H = 0. */
import type { TopLevelSpec, Config } from 'vega-lite';
import type { ReportRun } from '../types.ts';
import { ceilingRow, curveRows, maxEntropy, pointRows } from './data.ts';
import { SCREEN_CONFIG } from './theme.ts';

/** Options of `lawChartSpec`. */
export interface LawChartOptions {
  /** Plot width in pixels. Default 360. */
  width?: number;
  /** Plot height in pixels. Default 240. */
  height?: number;
  /** Number of H values at which the fitted curve is sampled over [0, max H]. Default 60. */
  samples?: number;
  /** Chart title. Default: none (the page heads each run itself). */
  title?: string;
  /** Vega-Lite config (theme). Default: the page theme. */
  config?: Config;
  /** Show tooltips on the points. Default true. */
  tooltip?: boolean;
  /** Show the colour legend of steps. Default true (small multiples leave it out). */
  legend?: boolean;
}

/**
 * Builds the Vega-Lite spec of R vs H for one run: the observed points coloured by step, the fitted curve
 * R = −a·exp(H) + b over [0, max H], and the ceiling b − a at H = 0 (point, confidence interval, dashed
 * rule and label). A run without a fit gets the points alone. Pure: returns a plain object.
 *
 * @example
 * lawChartSpec(run).layer.map((l) => l.mark.type); // => ['point', 'line', 'rule', 'rule', 'point', 'text']
 */
export function lawChartSpec(run: ReportRun, options: LawChartOptions = {}): TopLevelSpec {
  const { width = 360, height = 240, samples = 60, title, config = SCREEN_CONFIG, tooltip = true, legend = true } = options;
  const points = pointRows(run.series);
  const x = { field: 'entropy', type: 'quantitative' as const, title: 'policy entropy H' };
  // A vertical title longer than the plot would push the layout: cut it at the plot's height.
  const y = { field: 'metric', type: 'quantitative' as const, title: `R (${run.info.metric})`, scale: { zero: false }, axis: { titleLimit: height } };
  const layer: object[] = [
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 30, opacity: 0.85 },
      encoding: {
        x,
        y,
        color: { field: 'step', type: 'quantitative', title: 'step', scale: { scheme: 'viridis' }, ...(legend ? {} : { legend: null }) },
        ...(tooltip
          ? {
              tooltip: [
                { field: 'step', type: 'quantitative' },
                { field: 'entropy', type: 'quantitative', title: 'H', format: '.4f' },
                { field: 'metric', type: 'quantitative', title: 'R', format: '.4f' },
              ],
            }
          : {}),
      },
    },
  ];
  if (run.fit) {
    layer.push({
      data: { values: curveRows(run, maxEntropy(points), samples) },
      mark: { type: 'line', color: '#d62728', strokeWidth: 2 },
      encoding: { x, y },
    });
  }
  const ceiling = ceilingRow(run);
  if (ceiling) {
    layer.push(
      {
        data: { values: [ceiling] },
        mark: { type: 'rule', color: '#d62728', strokeDash: [4, 3], opacity: 0.6 },
        encoding: { y: { field: 'metric', type: 'quantitative' } },
      },
      {
        data: { values: [ceiling] },
        mark: { type: 'rule', color: '#d62728', strokeWidth: 2 },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
      {
        data: { values: [ceiling] },
        mark: { type: 'point', shape: 'diamond', filled: true, size: 90, color: '#d62728' },
        encoding: { x, y },
      },
      {
        data: { values: [ceiling] },
        mark: { type: 'text', align: 'left', dx: 8, dy: -8, color: '#d62728', fontWeight: 'bold' },
        encoding: { x, y, text: { field: 'label' } },
      },
    );
  }
  return {
    ...(title === undefined ? {} : { title }),
    width,
    height,
    config,
    layer,
  } as TopLevelSpec;
}
