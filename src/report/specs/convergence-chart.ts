/**
 * How early could the ceiling have been known? The ceiling estimate and its interval as the run grew
 * (`ceilingConvergence`), against the final value and a ±tolerance band around it; one run per chart, or
 * every run as small multiples of the estimate's distance from its final value.
 */
import type { TopLevelSpec, Config } from 'vega-lite';
import type { Text } from './theme.ts';
import type { CeilingConvergence } from '../../predict/ceiling-convergence.ts';
import { percent, sig } from '../../util/format.ts';
import type { ReportRun } from '../types.ts';
import { extent, padded } from './data.ts';
import { scaleDomain, sharedParams, type DomainPair } from './scales.ts';
import { COLORS, SCREEN_CONFIG, kindScale } from './theme.ts';

/** Options of `convergenceSpec`. */
export interface ConvergenceOptions {
  /** Plot width and height in pixels. Defaults 360 and 160. */
  width?: number;
  height?: number;
  /** The x axis: the step of the last point used, or the share of the run's points used. Default 'step'. */
  x?: 'step' | 'fraction';
  /** Plot the estimate minus the final value (comparable across runs) instead of the estimate. Default false. */
  relative?: boolean;
  config?: Config;
  tooltip?: boolean;
  /** Show the legend of kinds of marks. Default true. */
  legend?: boolean;
  title?: Text;
  subtitle?: Text;
  /** A y domain shared by all runs (small multiples that can switch to shared axes; with `relative`). */
  shared?: { y: [number, number] };
  /** The y domain to draw instead of the run's own (several runs' panels on one axis). Default: its own. */
  domain?: [number, number];
  /** The run is still training: its last estimate is the current one, not the final one. Default false. */
  live?: boolean;
}

/** One cut as the chart draws it. */
export interface ConvergenceRow {
  step: number;
  fraction: number;
  points: number;
  value: number;
  lo: number;
  hi: number;
}

/** The cuts that have a ceiling, as rows (shifted by the final value when `relative`). */
export function convergenceRows(c: CeilingConvergence, relative = false): ConvergenceRow[] {
  const shift = relative && c.final ? c.final.value : 0;
  return c.cuts
    .filter((cut) => cut.ceiling && Number.isFinite(cut.ceiling.value) && Number.isFinite(cut.ceiling.ci[0]) && Number.isFinite(cut.ceiling.ci[1]))
    .map((cut) => ({ step: cut.step, fraction: cut.fraction, points: cut.points, value: cut.ceiling!.value - shift, lo: cut.ceiling!.ci[0] - shift, hi: cut.ceiling!.ci[1] - shift }));
}

/**
 * The y range of a convergence chart: the final value ± max(0.05, 6·tolerance), narrowed to what the
 * cuts reach (early intervals are wide: beyond the range they are drawn to its edge). Null without a final value.
 */
export function convergenceDomain(c: CeilingConvergence, relative = false): [number, number] | null {
  if (!c.final) return null;
  const centre = relative ? 0 : c.final.value;
  const half = Math.max(0.05, 6 * c.tolerance);
  const rows = convergenceRows(c, relative);
  const reach = extent([rows.flatMap((r) => [r.lo, r.hi]), centre - c.tolerance, centre + c.tolerance]) as [number, number];
  return padded([Math.max(centre - half, reach[0]), Math.min(centre + half, reach[1])], 0.05, 0.05);
}

/** The legend entry for where the estimate settled (for good) or its interval narrowed, e.g. "settled within ±0.01: step 150 (35%)". */
export function settledText(c: CeilingConvergence, what: 'settled' | 'precise'): string | null {
  const at = c[what];
  if (!at) return null;
  const tol = sig(c.tolerance);
  return what === 'settled' ? `settled within ±${tol}: step ${at.step} (${percent(at.fraction)})` : `95% CI within ±${tol}: step ${at.step} (${percent(at.fraction)})`;
}

/**
 * Builds the Vega-Lite spec of one run's ceiling convergence: the estimate at each cut with its 95%
 * interval (band), the final value with a ±tolerance band, and rules where the estimate settled within
 * the band for good and where its interval narrowed to ±tolerance; every kind of mark in the legend.
 * With `relative`, y is the estimate minus the final value, so runs with different ceilings share an axis.
 * Null for a run without a convergence or a final ceiling. Pure.
 *
 * @example
 * convergenceSpec(run).layer.map((l) => l.mark.type); // => ['rect', 'rule', 'area', 'line', 'point', 'rule', 'rule']
 */
export function convergenceSpec(run: ReportRun, options: ConvergenceOptions = {}): TopLevelSpec | null {
  const { width = 360, height = 160, x: xField = 'step', relative = false, config = SCREEN_CONFIG, tooltip = true, legend = true, title, subtitle, shared, live = false } = options;
  const c = run.convergence;
  if (!c?.final) return null;
  const rows = convergenceRows(c, relative);
  const domain = options.domain ?? (convergenceDomain(c, relative) as [number, number]);
  const yPair: DomainPair = { own: domain, shared: shared?.y };
  const centre = relative ? 0 : c.final.value;
  const tol = sig(c.tolerance);
  const xs = xField === 'step' ? (extent(c.cuts.map((k) => k.step)) as [number, number]) : ([0, 1] as [number, number]);
  const x =
    xField === 'step'
      ? { field: 'step', type: 'quantitative', title: 'last step used', scale: { domain: padded(xs, 0.02, 0.02, 1) }, axis: { tickMinStep: 1 } }
      : { field: 'fraction', type: 'quantitative', title: 'share of the run used', scale: { domain: [0, 1] }, axis: { format: '.0%' } };
  const y = { field: 'value', type: 'quantitative', title: relative ? 'ceiling − final' : 'ceiling estimate', scale: { zero: false, clamp: true, domain: scaleDomain(yPair) } };
  const beyond = rows.some((r) => r.lo < domain[0] || r.hi > domain[1]);
  const kinds: [string, string][] = [
    [beyond ? 'estimate, 95% CI (off-axis: at the edge)' : 'estimate, 95% CI', COLORS.fit],
    [`${live ? 'current value' : relative ? 'final' : 'final value'} ±${tol}`, COLORS.settled],
  ];
  const settled = settledText(c, 'settled');
  const precise = settledText(c, 'precise');
  if (settled) kinds.push([settled, '#0b6e79']);
  if (precise) kinds.push([precise, COLORS.forecast]);
  const scale = kindScale(kinds);
  const kindLegend = legend ? { title: null, orient: 'bottom', direction: 'vertical', symbolOpacity: 1, labelLimit: 1000 } : null;
  const kind = (name: string) => ({ datum: name, type: 'nominal', scale, legend: kindLegend });
  const at = (field: 'step' | 'fraction', where: NonNullable<CeilingConvergence['settled']>) => [{ [field]: where[field] }];
  const layer: object[] = [
    { data: { values: [{ lo: centre - c.tolerance, hi: centre + c.tolerance }] }, mark: { type: 'rect', opacity: 0.18 }, encoding: { y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: kind(kinds[1][0]) } },
    { data: { values: [{ value: centre }] }, mark: { type: 'rule', strokeDash: [4, 3] }, encoding: { y, color: kind(kinds[1][0]) } },
    { data: { values: rows }, mark: { type: 'area', opacity: 0.16 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: kind(kinds[0][0]) } },
    { data: { values: rows }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color: kind(kinds[0][0]) } },
    {
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 18, opacity: 1 },
      encoding: {
        x,
        y,
        color: kind(kinds[0][0]),
        ...(tooltip
          ? {
              tooltip: [
                { field: 'step', type: 'quantitative', title: 'last step' },
                { field: 'points', type: 'quantitative' },
                { field: 'fraction', type: 'quantitative', title: 'share', format: '.0%' },
                { field: 'value', type: 'quantitative', title: relative ? 'ceiling − final' : 'ceiling', format: '.4f' },
                { field: 'lo', type: 'quantitative', title: '95% CI from', format: '.4f' },
                { field: 'hi', type: 'quantitative', title: 'to', format: '.4f' },
              ],
            }
          : {}),
      },
    },
  ];
  if (c.settled && settled) layer.push({ data: { values: at(xField, c.settled) }, mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, color: kind(settled) } });
  if (c.precise && precise) layer.push({ data: { values: at(xField, c.precise) }, mark: { type: 'rule', strokeWidth: 1.5, strokeDash: [5, 3] }, encoding: { x, color: kind(precise) } });
  const params = sharedParams([yPair]);
  return {
    ...(title === undefined ? {} : { title: { text: title, ...(subtitle === undefined ? {} : { subtitle }) } }),
    width,
    height,
    config,
    ...(params.length ? { params } : {}),
    layer,
  } as TopLevelSpec;
}
