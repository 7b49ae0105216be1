/** The per-run chart of training over time: entropy and R against step, one row each, with the forecasts. */
import type { TopLevelSpec, Config } from 'vega-lite';
import type { Text } from './theme.ts';
import { evaluateFit } from '../../fit/evaluate.ts';
import { predictionBand } from '../../fit/uncertainty/prediction-band.ts';
import { runColumns } from '../../predict/run-fit.ts';
import { sig } from '../../util/format.ts';
import type { ReportRun } from '../types.ts';
import { extent, focusRange, grid, lawOfEntropy, padded, paddedFromZero, statusRows, union, type StatusRow } from './data.ts';
import { scaleDomain, sharedParams, type DomainPair } from './scales.ts';
import { COLORS, SCREEN_CONFIG, kindScale } from './theme.ts';

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
  /** Show the legend of kinds of marks. Default true. */
  legend?: boolean;
  /** Chart title and subtitle, one string per line. Default: none. */
  title?: Text;
  subtitle?: Text;
  /** Domains shared by all runs (steps, H, R), for small multiples that can switch to shared axes. Default: none. */
  shared?: { x: [number, number]; entropy: [number, number]; metric: [number, number] };
}

/** Legend entries of the timeline. */
export const TIME_KINDS = {
  entropy: 'entropy H',
  metric: 'R',
  left: 'left out of the fit',
  fit: 'fit, 95% confidence band',
  ceiling: 'ceiling b − a, 95% CI',
} as const;

/** The early-fit forecast's legend entries, which name its fraction and level. */
function earlyKinds(run: ReportRun): { forecast: string; cut: string } {
  const e = run.early!;
  return {
    forecast: `fit on first ${Math.round(e.fraction * 100)}%, ${Math.round(e.confidence * 100)}% interval`,
    cut: `end of that fit (${e.fitPoints} points)`,
  };
}

/** The live forecast's legend entries. */
function forecastKinds(run: ReportRun): { forecast: string; reach: string } {
  const level = Math.round((run.forecastPath?.confidence ?? run.forecast?.confidence ?? 0.9) * 100);
  const f = run.forecast;
  return {
    forecast: `forecast in time (${level}% interval)`,
    reach: f && f.ceilingStep !== null ? `within ${sig(f.epsilon)} of the ceiling at step ${f.ceilingStep}` : 'within ε of the ceiling',
  };
}

/** Rows of the early-fit forecast: the held-out steps with prediction and interval. */
function earlyRows(run: ReportRun): { step: number; predicted: number; lo: number; hi: number }[] {
  return (run.early?.heldOut ?? [])
    .filter((p) => Number.isFinite(p.step) && Number.isFinite(p.predicted) && Number.isFinite(p.interval[0]) && Number.isFinite(p.interval[1]))
    .map((p) => ({ step: p.step, predicted: p.predicted, lo: p.interval[0], hi: p.interval[1] }));
}

/** Rows of the live forecast path (R, and H where the law reads it). */
function pathRows(run: ReportRun): { step: number; predicted: number; lo: number; hi: number; entropy: number | null }[] {
  return (run.forecastPath?.points ?? [])
    .filter((p) => Number.isFinite(p.predicted) && Number.isFinite(p.interval[0]) && Number.isFinite(p.interval[1]))
    .map((p) => ({ step: p.step, predicted: p.predicted, lo: p.interval[0], hi: p.interval[1], entropy: p.entropy !== undefined && Number.isFinite(p.entropy) ? p.entropy : null }));
}

/**
 * The fitted law against step with its confidence band, for a law that R against H cannot draw: a law of
 * the step alone over the steps of the used points, any other law at the used points' own values.
 */
export function stepFitRows(run: ReportRun, samples = 60): { step: number; metric: number; lo: number; hi: number }[] {
  const { law, fit, used, variables } = run;
  if (!fit || lawOfEntropy(run) || used.step.length === 0) return [];
  let steps: Float64Array;
  let columns: Float64Array[];
  if (variables.length === 1 && variables[0] !== 'H') {
    steps = grid(used.step[0], used.step[used.step.length - 1], samples);
    columns = [steps];
  } else {
    steps = Float64Array.from(used.step);
    columns = runColumns(used, variables).map((c) => Float64Array.from(c));
  }
  const band = predictionBand(law, fit, columns);
  // evaluateFit is the one evaluation every other chart uses; the band's centre is the same number.
  const value = evaluateFit(law, fit, columns);
  return Array.from(steps, (step, i) => ({ step, metric: value[i], lo: band.lower[i], hi: band.upper[i] }));
}

/**
 * The step range and the H and R ranges of a run's timeline (null without points); left-out points far
 * outside the rest stay outside an axis (`beyond`), and the chart clamps them to its edge.
 */
export function timelineDomains(run: ReportRun): { x: [number, number]; entropy: [number, number]; metric: [number, number]; beyond: boolean } | null {
  const points = statusRows(run.series, run.selection);
  if (points.length === 0) return null;
  const used = points.filter((p) => p.status === 'used');
  const left = points.filter((p) => p.status !== 'used');
  const early = earlyRows(run);
  const path = pathRows(run);
  const fit = stepFitRows(run, 2);
  const c = run.ceiling;
  const x = extent([points.map((p) => p.step), path.map((p) => p.step)]) as [number, number];
  const entropy = focusRange(extent([used.map((p) => p.entropy), path.map((p) => p.entropy)]), extent(left.map((p) => p.entropy)));
  const metric = focusRange(
    union(
      extent(used.map((p) => p.metric)),
      extent(early.flatMap((p) => [p.lo, p.hi])),
      extent(path.flatMap((p) => [p.lo, p.hi])),
      extent(fit.flatMap((p) => [p.lo, p.hi])),
      c && Number.isFinite(c.ci[0]) && Number.isFinite(c.ci[1]) ? c.ci : null,
    ),
    extent(left.map((p) => p.metric)),
  );
  return {
    x: padded(x, 0.02, 0.02, 1),
    entropy: paddedFromZero(entropy.range as [number, number], 0.08, 0.08),
    metric: paddedFromZero(metric.range as [number, number], 0.06, 0.06),
    beyond: entropy.beyond || metric.beyond,
  };
}

/**
 * Builds the Vega-Lite spec of entropy vs step (top row) and R vs step (bottom row) for one run. Points the
 * fit left out are grey crosses. The R row adds what the run has: the ceiling's level with its interval,
 * the law's curve with its band when the law is not one of H alone, the early-fit forecast of the held-out
 * points with its interval and a rule at the last point that fit saw, and a forecast in time with its
 * interval (entropy curve too) and the step where R comes within ε of the ceiling. Every kind of mark has
 * a legend entry; nothing is written on the data. Pure: returns a plain object.
 *
 * @example
 * timelineSpec(run).vconcat.length; // => 2
 */
export function timelineSpec(run: ReportRun, options: TimelineOptions = {}): TopLevelSpec {
  const { width = 360, height = 110, config = SCREEN_CONFIG, tooltip = true, legend = true, title, subtitle, shared } = options;
  const points = statusRows(run.series, run.selection);
  const domains = timelineDomains(run) ?? { x: [0, 1] as [number, number], entropy: [0, 1] as [number, number], metric: [0, 1] as [number, number], beyond: false };
  const pairs: Record<'x' | 'entropy' | 'metric', DomainPair> = {
    x: { own: domains.x, shared: shared?.x },
    entropy: { own: domains.entropy, shared: shared?.entropy },
    metric: { own: domains.metric, shared: shared?.metric },
  };
  // Few ticks on a narrow row, so that step numbers never run into each other.
  const axis = { tickMinStep: 1, labelOverlap: true, ...(width < 260 ? { tickCount: 4 } : {}) };
  const x = { field: 'step', type: 'quantitative' as const, title: 'step', axis, scale: { domain: scaleDomain(pairs.x) } };
  // The rows share the steps: only the lower one names them.
  const xTop = { ...x, axis: { ...axis, title: null } };
  const yOf = (field: string, pair: DomainPair, axisTitle: string) => ({ field, type: 'quantitative' as const, title: axisTitle, scale: { zero: false, clamp: true, domain: scaleDomain(pair) } });
  const yH = yOf('entropy', pairs.entropy, 'entropy H');
  const yR = yOf('metric', pairs.metric, 'R');
  const used = points.filter((p) => p.status === 'used').map(({ step, entropy, metric }) => ({ step, entropy, metric }));
  const left = points.filter((p) => p.status !== 'used').map(({ step, entropy, metric, status }: StatusRow) => ({ step, entropy, metric, status }));
  const early = earlyRows(run);
  const path = pathRows(run);
  const fit = stepFitRows(run);
  const c = run.ceiling;
  const ceiling = c && Number.isFinite(c.value) && Number.isFinite(c.ci[0]) && Number.isFinite(c.ci[1]) ? { metric: c.value, lo: c.ci[0], hi: c.ci[1] } : null;
  const reach = run.forecast?.ceilingStep ?? null;
  const showReach = reach !== null && reach <= domains.x[1];

  const kinds: [string, string][] = [[TIME_KINDS.entropy, COLORS.entropy], [TIME_KINDS.metric, COLORS.metric]];
  const leftKind = TIME_KINDS.left + (domains.beyond ? ' (off-axis: at the edge)' : '');
  if (left.length > 0) kinds.push([leftKind, COLORS.excluded]);
  if (fit.length > 0) kinds.push([TIME_KINDS.fit, COLORS.fit]);
  if (ceiling) kinds.push([TIME_KINDS.ceiling, COLORS.ceiling]);
  const ek = run.early && early.length > 0 ? earlyKinds(run) : null;
  if (ek) kinds.push([ek.forecast, COLORS.early], [ek.cut, '#777777']);
  const fk = path.length > 0 ? forecastKinds(run) : null;
  if (fk) kinds.push([fk.forecast, COLORS.forecast]);
  if (fk && showReach) kinds.push([fk.reach, COLORS.settled]);
  const scale = kindScale(kinds);
  const kindLegend = legend ? { title: null, orient: 'bottom', direction: 'vertical', symbolOpacity: 1, labelLimit: 1000 } : null;
  const kind = (name: string) => ({ datum: name, type: 'nominal', scale, legend: kindLegend });
  const tip = (field: string, name: string) => (tooltip ? { tooltip: [{ field: 'step', type: 'quantitative' }, { field, type: 'quantitative', title: name, format: '.4f' }] } : {});

  // A forecast: its interval as a band, its prediction dashed over it.
  const forecastMarks = (rows: { step: number; predicted: number; lo: number; hi: number }[], color: object, strokeWidth: number) => [
    { data: { values: rows }, mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { ...yR, field: 'lo' }, y2: { field: 'hi' }, color } },
    {
      data: { values: rows },
      mark: { type: 'line', strokeDash: [5, 3], strokeWidth },
      encoding: {
        x,
        y: { ...yR, field: 'predicted' },
        color,
        ...(tooltip ? { tooltip: [{ field: 'step', type: 'quantitative' }, { field: 'predicted', type: 'quantitative', format: '.4f' }, { field: 'lo', type: 'quantitative', title: 'interval from', format: '.4f' }, { field: 'hi', type: 'quantitative', title: 'to', format: '.4f' }] } : {}),
      },
    },
  ];
  const observed = (field: 'entropy' | 'metric', y: object, name: string, x: object) => [
    { data: { values: used }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color: kind(name) } },
    { data: { values: used }, mark: { type: 'point', filled: true, size: 16, opacity: 1 }, encoding: { x, y, color: kind(name), ...tip(field, name === TIME_KINDS.metric ? 'R' : 'H') } },
    ...(left.length > 0
      ? [{ data: { values: left }, mark: { type: 'point', shape: 'cross', filled: true, size: 40, opacity: 0.9 }, encoding: { x, y, color: kind(leftKind), ...tip(field, name === TIME_KINDS.metric ? 'R' : 'H') } }]
      : []),
  ];

  const top: object[] = [...observed('entropy', yH, TIME_KINDS.entropy, xTop)];
  const pathH = path.filter((p) => p.entropy !== null);
  if (fk && pathH.length > 0) {
    top.push({ data: { values: pathH.map((p) => ({ step: p.step, entropy: p.entropy })) }, mark: { type: 'line', strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { x: xTop, y: yH, color: kind(fk.forecast) } });
  }

  const bottom: object[] = [];
  if (ceiling) {
    bottom.push(
      { data: { values: [ceiling] }, mark: { type: 'rect', opacity: 0.1 }, encoding: { y: { ...yR, field: 'lo' }, y2: { field: 'hi' }, color: kind(TIME_KINDS.ceiling) } },
      { data: { values: [ceiling] }, mark: { type: 'rule', strokeDash: [4, 3], opacity: 0.6 }, encoding: { y: yR, color: kind(TIME_KINDS.ceiling), ...(tooltip ? { tooltip: [{ field: 'metric', type: 'quantitative', title: 'ceiling', format: '.4f' }] } : {}) } },
    );
  }
  if (fit.length > 0) {
    bottom.push(
      { data: { values: fit }, mark: { type: 'area', opacity: 0.16 }, encoding: { x, y: { ...yR, field: 'lo' }, y2: { field: 'hi' }, color: kind(TIME_KINDS.fit) } },
      { data: { values: fit.map(({ step, metric }) => ({ step, metric })) }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: yR, color: kind(TIME_KINDS.fit) } },
    );
  }
  if (ek) {
    // The fit used the first `fitPoints` points of the window: the rule sits at the last of them.
    const { from } = run.selection;
    const lastFitStep = run.series.step[Math.min(from + run.early!.fitPoints, run.series.step.length) - 1];
    bottom.push(
      ...forecastMarks(early, kind(ek.forecast), 1.5),
    );
    if (Number.isFinite(lastFitStep)) {
      bottom.push({ data: { values: [{ step: lastFitStep }] }, mark: { type: 'rule', strokeDash: [2, 2] }, encoding: { x, color: kind(ek.cut) } });
    }
  }
  if (fk) {
    bottom.push(
      ...forecastMarks(path.map(({ step, predicted, lo, hi }) => ({ step, predicted, lo, hi })), kind(fk.forecast), 2),
    );
    if (showReach) bottom.push({ data: { values: [{ step: reach }] }, mark: { type: 'rule', strokeWidth: 1.5, strokeDash: [6, 2] }, encoding: { x, color: kind(fk.reach) } });
  }
  bottom.push(...observed('metric', yR, TIME_KINDS.metric, x));

  const params = sharedParams(Object.values(pairs));
  return {
    ...(title === undefined ? {} : { title: { text: title, ...(subtitle === undefined ? {} : { subtitle }) } }),
    config,
    ...(params.length ? { params } : {}),
    vconcat: [
      { width, height, layer: top },
      { width, height, layer: bottom },
    ],
  } as TopLevelSpec;
}
