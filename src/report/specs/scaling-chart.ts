/**
 * a and b against model size for one model family (Cui et al.: each log-linear in the size), from
 * `acrossRuns`: each run's coefficient with its 95% interval, the weighted log-linear fit with the 95%
 * band of the line, drawn dashed beyond the largest size fitted (the extrapolation), and the prediction
 * for a new size with its 95% prediction interval when one was asked for.
 */
import type { TopLevelSpec, Config } from 'vega-lite';
import { predictLogLinear } from '../../fit/compare/scaling.ts';
import type { FamilyScaling, SizePrediction } from '../../predict/across.ts';
import { sizeText } from '../labels.ts';
import type { ReportRun } from '../types.ts';
import { extent, padded } from './data.ts';
import { COLORS, SCREEN_CONFIG, kindScale, type Text } from './theme.ts';

/** Options of `scalingSpec`. */
export interface ScalingOptions {
  /** Width and height of each panel (a, b). Defaults 300 and 200. */
  width?: number;
  height?: number;
  /** Sizes on the line, per panel. Default 40. */
  samples?: number;
  config?: Config;
  tooltip?: boolean;
  title?: Text;
  subtitle?: Text;
}

/** One size on the fitted line, in billions of parameters. */
interface LineRow {
  size: number;
  value: number;
  lo: number;
  hi: number;
  part: 'fitted' | 'extrapolated';
}

/**
 * The fitted line of one coefficient over `sizes` with its 95% band, marked fitted or extrapolated.
 * Sizes in billions, as the fit's.
 */
export function scalingLineRows(fit: NonNullable<FamilyScaling['fits']>[string], sizes: readonly number[], largest: number): LineRow[] {
  return sizes.map((size) => {
    const p = predictLogLinear(fit, size);
    return { size, value: p.value, lo: p.ci[0], hi: p.ci[1], part: size <= largest * (1 + 1e-12) ? 'fitted' : 'extrapolated' };
  });
}

/** Sizes evenly spaced in log between lo and hi, with the largest fitted size among them (the line's break). */
function logGrid(lo: number, hi: number, largest: number, samples: number): number[] {
  const out = Array.from({ length: samples }, (_, i) => Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (samples - 1)));
  return [...new Set([...out, largest])].sort((p, q) => p - q);
}

/**
 * Builds the two-panel chart (a, b) of one family's coefficient scaling, or null when the family has no
 * fit. The runs' points come from `runs` (each with its 95% interval); `prediction`, when given, adds the
 * predicted coefficient at its size. Pure.
 *
 * @example
 * scalingSpec(family, runs).hconcat.length; // => 2
 */
export function scalingSpec(family: FamilyScaling, runs: readonly ReportRun[], prediction?: SizePrediction, options: ScalingOptions = {}): TopLevelSpec | null {
  const { width = 300, height = 200, samples = 40, config = SCREEN_CONFIG, tooltip = true, title, subtitle } = options;
  if (!family.fits) return null;
  const members = new Map(family.runs.map((r) => [r.run, r.size]));
  const points = runs.flatMap((r) => {
    const size = members.get(r.run);
    if (size === undefined || !r.fit) return [];
    return [{ run: r.info.id, size, algorithm: r.info.algorithm ?? 'unknown', a: r.fit.params.a, aLo: r.fit.ci.a[0], aHi: r.fit.ci.a[1], b: r.fit.params.b, bLo: r.fit.ci.b[0], bHi: r.fit.ci.b[1] }];
  });
  const sizes = [...members.values()];
  const largest = Math.max(...sizes);
  const predictedSize = prediction ? prediction.size / 1e9 : undefined;
  // The line runs a little past the sizes fitted, and on to the predicted size, or one decade beyond.
  const lo = Math.min(...sizes) / 1.5;
  const hi = Math.max(predictedSize ?? largest * 10, largest * 1.5);
  const grid = logGrid(lo, hi, largest, samples);
  const predictedText = predictedSize !== undefined ? sizeText(predictedSize * 1e9) : undefined;
  const kinds = kindScale([
    ['runs, 95% CI', COLORS.metric],
    ['log-linear fit, 95% band', COLORS.fit],
    ['extrapolated', COLORS.fit],
    ...(prediction ? ([[`predicted for ${predictedText}, 95% prediction interval`, COLORS.forecast]] as [string, string][]) : []),
  ]);
  const legend = { title: null, orient: 'bottom', direction: 'vertical', symbolOpacity: 1, labelLimit: 1000 };
  const kind = (name: string) => ({ datum: name, type: 'nominal', scale: kinds, legend });
  const x = { field: 'size', type: 'quantitative', title: 'size (billions of parameters)', scale: { type: 'log', domain: [lo, hi], nice: false } };
  const panel = (coef: 'a' | 'b') => {
    const fit = family.fits![coef];
    const line = scalingLineRows(fit, grid, largest);
    const pred = prediction?.[coef];
    const all = extent([line.flatMap((l) => [l.lo, l.hi]), points.flatMap((p) => [p[`${coef}Lo`], p[`${coef}Hi`]]), pred ? pred.predictionInterval : []]) as [number, number];
    const y = { field: 'value', type: 'quantitative', title: `${coef} (95% CI)`, scale: { zero: false, domain: padded(all, 0.05, 0.05, 0.01) } };
    const layer: object[] = [
      { data: { values: line }, mark: { type: 'area', opacity: 0.15 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: kind('log-linear fit, 95% band') } },
      { data: { values: line.filter((l) => l.part === 'fitted') }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y, color: kind('log-linear fit, 95% band') } },
      { data: { values: line.filter((l) => l.part === 'extrapolated' || l.size === largest) }, mark: { type: 'line', strokeWidth: 2, strokeDash: [5, 3] }, encoding: { x, y, color: kind('extrapolated') } },
      { data: { values: points }, mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: `${coef}Lo` }, y2: { field: `${coef}Hi` }, color: kind('runs, 95% CI') } },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 40, opacity: 1 },
        encoding: {
          x,
          y: { ...y, field: coef },
          color: kind('runs, 95% CI'),
          ...(tooltip ? { tooltip: [{ field: 'run', type: 'nominal' }, { field: 'algorithm', type: 'nominal' }, { field: 'size', type: 'quantitative', title: 'size (B)' }, { field: coef, type: 'quantitative', format: '.4f' }] } : {}),
        },
      },
    ];
    if (pred && predictedSize !== undefined) {
      const row = [{ size: predictedSize, value: pred.value, lo: pred.predictionInterval[0], hi: pred.predictionInterval[1] }];
      const name = `predicted for ${predictedText}, 95% prediction interval`;
      layer.push(
        { data: { values: row }, mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color: kind(name) } },
        {
          data: { values: row },
          mark: { type: 'point', shape: 'diamond', filled: true, size: 80, opacity: 1 },
          encoding: { x, y, color: kind(name), ...(tooltip ? { tooltip: [{ field: 'size', type: 'quantitative', title: 'size (B)' }, { field: 'value', type: 'quantitative', title: coef, format: '.4f' }, { field: 'lo', type: 'quantitative', title: 'from', format: '.4f' }, { field: 'hi', type: 'quantitative', title: 'to', format: '.4f' }] } : {}) },
        },
      );
    }
    return { width, height, layer };
  };
  return {
    ...(title === undefined ? {} : { title: { text: title, ...(subtitle === undefined ? {} : { subtitle }) } }),
    config,
    hconcat: [panel('a'), panel('b')],
  } as TopLevelSpec;
}
