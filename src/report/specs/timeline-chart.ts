/** The per-run chart of training over time: entropy and R against step, one row each. */
import type { TopLevelSpec, Config } from 'vega-lite';
import type { ReportRun } from '../types.ts';
import { pointRows } from './data.ts';
import { SCREEN_CONFIG } from './theme.ts';

/** Options of `timelineSpec`. */
export interface TimelineOptions {
  /** Width of each row in pixels. Default 360. */
  width?: number;
  /** Height of each row in pixels. Default 110. */
  height?: number;
  /** Vega-Lite config (theme). Default: the page theme. */
  config?: Config;
  /** Show tooltips on the points. Default true. */
  tooltip?: boolean;
  /** Name the log keys in the axis titles ("R (val/acc)"); false gives plain "entropy H" and "R". Default true. */
  keyTitles?: boolean;
}

/** A forecast's held-out predictions as rows, empty when there is no forecast. */
function forecastRows(run: ReportRun): { step: number; predicted: number }[] {
  const held = run.early?.heldOut ?? [];
  return held.filter((p) => Number.isFinite(p.step) && Number.isFinite(p.predicted)).map((p) => ({ step: p.step, predicted: p.predicted }));
}

/**
 * Builds the Vega-Lite spec of entropy vs step (top row) and R vs step (bottom row) for one run. When the
 * run has an early-fit forecast, the bottom row also shows the predicted R of the held-out steps (dashed)
 * and a rule at the last step used for the fit. Pure: returns a plain object.
 *
 * @example
 * timelineSpec(run).vconcat.length; // => 2
 */
export function timelineSpec(run: ReportRun, options: TimelineOptions = {}): TopLevelSpec {
  const { width = 360, height = 110, config = SCREEN_CONFIG, tooltip = true, keyTitles = true } = options;
  const points = pointRows(run.series);
  const x = { field: 'step', type: 'quantitative' as const, title: 'step', axis: { tickMinStep: 1 } };
  const row = (field: string, title: string, color: string) => ({
    mark: { type: 'line', point: { size: 16, filled: true, color }, color, strokeWidth: 1.5 },
    encoding: {
      x,
      // A vertical title longer than the row would push the layout: cut it at the row's height.
      y: { field, type: 'quantitative', title, scale: { zero: false }, axis: { titleLimit: height } },
      ...(tooltip ? { tooltip: [{ field: 'step', type: 'quantitative' }, { field, type: 'quantitative', format: '.4f' }] } : {}),
    },
  });
  const metricTitle = keyTitles ? `R (${run.info.metric})` : 'R';
  const metric = row('metric', metricTitle, '#1f77b4');
  const predicted = forecastRows(run);
  let metricRow: object = { width, height, ...metric };
  if (run.early && predicted.length > 0) {
    // The fit used the first `fitPoints` points by step: mark where the held-out part begins.
    const lastFitStep = points[Math.min(run.early.fitPoints, points.length) - 1]?.step;
    const layer: object[] = [
      metric,
      {
        data: { values: predicted },
        mark: { type: 'line', strokeDash: [5, 3], color: '#d62728', strokeWidth: 1.5 },
        // Same axis title as the observed layer, so the shared axis is not titled "R, predicted".
        encoding: { x, y: { field: 'predicted', type: 'quantitative', title: metricTitle } },
      },
    ];
    if (lastFitStep !== undefined) {
      layer.push({
        data: { values: [{ step: lastFitStep }] },
        mark: { type: 'rule', color: '#888', strokeDash: [2, 2] },
        encoding: { x: { field: 'step', type: 'quantitative' } },
      });
    }
    metricRow = { width, height, layer };
  }
  return {
    data: { values: points },
    config,
    vconcat: [{ width, height, ...row('entropy', keyTitles ? `entropy H (${run.info.entropyKey})` : 'entropy H', '#2ca02c') }, metricRow],
  } as TopLevelSpec;
}
