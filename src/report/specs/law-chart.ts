/** The per-run chart of the law: R against H, the fitted curve with its confidence band, and the ceiling at H = 0. */
import type { TopLevelSpec, Config } from 'vega-lite';
import type { Text } from './theme.ts';
import { interval } from '../../util/format.ts';
import { shortKey } from '../labels.ts';
import type { ReportRun } from '../types.ts';
import { bandRows, ceilingRow, extent, focusRange, lawOfEntropy, maxEntropy, padded, paddedFromZero, statusRows, union, type StatusRow } from './data.ts';
import { scaleDomain, sharedParams, type DomainPair } from './scales.ts';
import { COLORS, SCREEN_CONFIG, kindScale } from './theme.ts';

/** Options of `lawChartSpec`. */
export interface LawChartOptions {
  /** Plot width in pixels. Default 360. */
  width?: number;
  /** Plot height in pixels. Default 240. */
  height?: number;
  /** Number of H values at which the fitted curve is sampled over [0, max H]. Default 60. */
  samples?: number;
  /** Chart title, one string per line. Default: none (the page heads each run itself). */
  title?: Text;
  /** Chart subtitle (the full log keys on a figure), one string per line. Default: none. */
  subtitle?: Text;
  /** Vega-Lite config (theme). Default: the page theme. */
  config?: Config;
  /** Show tooltips on the points. Default true. */
  tooltip?: boolean;
  /** Show the legends (step colours, kinds of marks). Default true (small multiples leave them out). */
  legend?: boolean;
  /** Domains shared by all runs, for small multiples that can switch to shared axes. Default: none. */
  shared?: { x: [number, number]; y: [number, number] };
  /** Write the ceiling's value on the chart, and name the metric's key on the y axis. Default true (small multiples say both elsewhere). */
  labels?: boolean;
}

/** Legend entries of the law chart. */
export const LAW_KINDS = {
  fit: 'fit, 95% confidence band',
  burnIn: 'left out: burn-in (format learning)',
  outside: 'left out: outside --min/max-step',
  ceiling: 'ceiling b − a, 95% CI',
} as const;

/**
 * The x (entropy) and y (R) domains of a run's law chart: every point, the band, and the ceiling's
 * interval, with room above for the ceiling's label; left-out points far below the rest are left outside
 * the y domain (`beyond`: the chart clamps them to its edge). Null for a run without points.
 *
 * @example
 * lawDomains(run).x[0]; // => a little below 0: the ceiling sits at H = 0
 */
export function lawDomains(run: ReportRun): { x: [number, number]; y: [number, number]; beyond: boolean } | null {
  const points = statusRows(run.series, run.selection);
  if (points.length === 0) return null;
  const band = bandRows(run, maxEntropy(points), 2);
  const ceiling = ceilingRow(run);
  const core = union(
    extent(points.filter((p) => p.status === 'used').map((p) => p.metric)),
    extent(band.flatMap((b) => [b.lo, b.hi])),
    ceiling ? [ceiling.lo, ceiling.hi] : null,
  );
  const { range, beyond } = focusRange(core, extent(points.filter((p) => p.status !== 'used').map((p) => p.metric)));
  const xs = extent([0, maxEntropy(points), ...points.map((p) => p.entropy)]) as [number, number];
  return { x: padded(xs, 0.03, 0.03), y: paddedFromZero(range as [number, number], 0.06, ceiling ? 0.16 : 0.06), beyond };
}

const tooltipOf = () => [
  { field: 'step', type: 'quantitative' },
  { field: 'entropy', type: 'quantitative', title: 'H', format: '.4f' },
  { field: 'metric', type: 'quantitative', title: 'R', format: '.4f' },
];

/**
 * Builds the Vega-Lite spec of R vs H for one run: the points the fit used, coloured by step; the points
 * it left out (format learning, outside the steps window) as grey crosses; the fitted curve over
 * [0, max H] with its 95% confidence band (delta method); and the ceiling at H = 0 (diamond, interval,
 * dashed level, and a label at the right end of the level, above the data, which lies below the ceiling
 * at high entropy). Every kind of mark has a legend entry. A run without a fit gets its points alone; a
 * law of other variables than H gets no curve here (the R vs step chart draws it). Pure: returns a plain
 * object.
 *
 * @example
 * lawChartSpec(run).layer[0].layer.map((l) => l.mark.type); // => ['area', 'line', 'rule', 'rule', 'point', 'text']
 */
export function lawChartSpec(run: ReportRun, options: LawChartOptions = {}): TopLevelSpec {
  const { width = 360, height = 240, samples = 60, title, subtitle, config = SCREEN_CONFIG, tooltip = true, legend = true, shared, labels = true } = options;
  const rows = statusRows(run.series, run.selection);
  const domains = lawDomains(run) ?? { x: [0, 1] as [number, number], y: [0, 1] as [number, number], beyond: false };
  const xPair: DomainPair = { own: domains.x, shared: shared?.x };
  const yPair: DomainPair = { own: domains.y, shared: shared?.y };
  const x = { field: 'entropy', type: 'quantitative' as const, title: 'entropy H', scale: { domain: scaleDomain(xPair) } };
  // The full key is in the run's heading (page) or the subtitle (figure); the axis names its last segments.
  const y = { field: 'metric', type: 'quantitative' as const, title: labels ? `R: ${shortKey(run.info.metric)}` : 'R', scale: { zero: false, clamp: true, domain: scaleDomain(yPair) } };
  const used = rows.filter((p) => p.status === 'used');
  const left = (status: StatusRow['status']) => rows.filter((p) => p.status === status).map(({ step, entropy, metric }) => ({ step, entropy, metric }));
  const band = bandRows(run, maxEntropy(rows), samples);
  const ceiling = ceilingRow(run);
  const kinds: [string, string][] = [];
  if (band.length > 0) kinds.push([LAW_KINDS.fit, COLORS.fit]);
  const edgeNote = domains.beyond ? ' (off-axis: at the edge)' : '';
  if (left('burn-in').length > 0) kinds.push([LAW_KINDS.burnIn + edgeNote, COLORS.excluded]);
  if (left('outside').length > 0) kinds.push([LAW_KINDS.outside + edgeNote, '#c9c9c9']);
  if (ceiling && lawOfEntropy(run)) kinds.push([LAW_KINDS.ceiling, COLORS.ceiling]);
  const scale = kindScale(kinds);
  const kindLegend = legend ? { title: null, orient: 'bottom', direction: 'vertical', symbolOpacity: 1, labelLimit: 1000 } : null;
  const kind = (name: string) => ({ datum: name, type: 'nominal', scale, legend: kindLegend });

  const marks: object[] = [];
  if (band.length > 0) {
    marks.push(
      { data: { values: band }, mark: { type: 'area', opacity: 0.16 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: kind(LAW_KINDS.fit) } },
      { data: { values: band.map(({ entropy, metric }) => ({ entropy, metric })) }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color: kind(LAW_KINDS.fit) } },
    );
  }
  // Points beyond the axis are drawn at its edge (the scale clamps); the legend says so.
  for (const [status, name] of [['burn-in', LAW_KINDS.burnIn + edgeNote], ['outside', LAW_KINDS.outside + edgeNote]] as const) {
    const rows = left(status);
    if (rows.length === 0) continue;
    marks.push({
      data: { values: rows },
      mark: { type: 'point', shape: 'cross', filled: true, size: 50, opacity: 0.9 },
      encoding: { x, y, color: kind(name), ...(tooltip ? { tooltip: tooltipOf() } : {}) },
    });
  }
  if (ceiling && lawOfEntropy(run)) {
    const label = [{ entropy: domains.x[1], metric: ceiling.metric, label: `ceiling ${ceiling.metric.toFixed(3)} ${interval([ceiling.lo, ceiling.hi], 3)}` }];
    marks.push(
      { data: { values: [ceiling] }, mark: { type: 'rule', strokeDash: [4, 3], opacity: 0.5 }, encoding: { y, color: kind(LAW_KINDS.ceiling) } },
      { data: { values: [ceiling] }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: kind(LAW_KINDS.ceiling) } },
      {
        data: { values: [ceiling] },
        mark: { type: 'point', shape: 'diamond', filled: true, size: 90, opacity: 1 },
        encoding: {
          x,
          y,
          color: kind(LAW_KINDS.ceiling),
          ...(tooltip
            ? { tooltip: [{ field: 'metric', type: 'quantitative', title: 'ceiling b − a', format: '.4f' }, { field: 'lo', type: 'quantitative', title: '95% CI from', format: '.4f' }, { field: 'hi', type: 'quantitative', title: 'to', format: '.4f' }] }
            : {}),
        },
      },
      // At the right end of the level, just above it: the data are far below the ceiling at high entropy.
      ...(labels ? [{ data: { values: label }, mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -2, dy: -3, fontWeight: 'bold', color: COLORS.ceiling }, encoding: { x, y, text: { field: 'label' } } }] : []),
    );
  }
  // The points on top (they carry the tooltips); under them the fit, its band, the ceiling.
  const points = {
    data: { values: used.map(({ step, entropy, metric }) => ({ step, entropy, metric })) },
    mark: { type: 'point', filled: true, size: 30, opacity: 0.85 },
    encoding: {
      x,
      y,
      color: { field: 'step', type: 'quantitative', title: 'step', scale: { scheme: 'viridis' }, legend: legend ? { orient: 'right' } : null },
      ...(tooltip ? { tooltip: tooltipOf() } : {}),
    },
  };
  const layer: object[] = marks.length > 0 ? [{ layer: marks }, points] : [points];
  const params = sharedParams([xPair, yPair]);
  const titled = title === undefined ? {} : { title: { text: title, ...(subtitle === undefined ? {} : { subtitle }) } };
  return {
    ...titled,
    width,
    height,
    config,
    ...(params.length ? { params } : {}),
    // Two colour scales: steps (a gradient) and kinds of marks (a legend of names).
    resolve: { scale: { color: 'independent' } },
    layer,
  } as TopLevelSpec;
}
