/**
 * A forest plot of the runs' ceilings: each run's b − a with its 95% interval, sorted, grouped by model
 * (family and size) and coloured by algorithm where those are known. Up to `labelled` runs it is a
 * classic forest plot with a labelled row per run; beyond, a caterpillar plot (runs along x by rank,
 * intervals upright), which stays readable at 500 runs.
 */
import type { TopLevelSpec, Config } from 'vega-lite';
import type { Text } from './theme.ts';
import { modelGroup, runLabels } from '../labels.ts';
import type { ReportRun } from '../types.ts';
import { extent, padded } from './data.ts';
import { SCREEN_CONFIG } from './theme.ts';

/** Options of `forestSpec`. */
export interface ForestOptions {
  /** Plot width in pixels. Default 420 (forest) or 900 (caterpillar). */
  width?: number;
  /** Up to this many runs, one labelled row each; more, the caterpillar plot. Default 60. */
  labelled?: number;
  /** Row height in pixels of the forest plot. Default 16. */
  row?: number;
  config?: Config;
  tooltip?: boolean;
  title?: Text;
  subtitle?: Text;
  /** Font size of the models' block titles. Default 12. */
  groupFontSize?: number;
}

/** One run's ceiling as the forest plot draws it. */
export interface ForestRow {
  run: string;
  label: string;
  group: string;
  algorithm: string;
  value: number;
  lo: number;
  hi: number;
  /** Rank in the plot's order: by group, then by ceiling, highest first. */
  rank: number;
}

/**
 * The forest plot's rows: every run with a finite ceiling and interval, sorted by group (groups in order
 * of their best ceiling) and, within a group, by ceiling, highest first. Labels are `runLabels` of all
 * the runs' ids, so they match every other chart's.
 */
export function forestRows(runs: readonly ReportRun[]): ForestRow[] {
  const labels = runLabels(runs.map((r) => r.info.id));
  const anyGroup = runs.some((r) => modelGroup(r.info) !== null);
  const rows = runs.flatMap((r, i) => {
    const c = r.ceiling;
    if (!r.fit || !c || ![c.value, c.ci[0], c.ci[1]].every(Number.isFinite)) return [];
    return [{ run: r.info.id, label: labels[i], group: anyGroup ? (modelGroup(r.info) ?? 'model unknown') : '', algorithm: r.info.algorithm ?? 'unknown', value: c.value, lo: c.ci[0], hi: c.ci[1], rank: 0 }];
  });
  const best = new Map<string, number>();
  for (const r of rows) best.set(r.group, Math.max(best.get(r.group) ?? -Infinity, r.value));
  rows.sort((p, q) => (best.get(q.group) as number) - (best.get(p.group) as number) || p.group.localeCompare(q.group) || q.value - p.value);
  rows.forEach((r, i) => (r.rank = i + 1));
  return rows;
}

/**
 * Builds the forest (or, above `labelled` runs, caterpillar) plot of the runs' ceilings with their 95%
 * intervals; null when no run has a ceiling. Pure.
 *
 * @example
 * forestSpec(runs).vconcat[0].layer.map((l) => l.mark.type); // => ['rule', 'point'] (a block per model)
 */
export function forestSpec(runs: readonly ReportRun[], options: ForestOptions = {}): TopLevelSpec | null {
  const { labelled = 60, row = 16, config = SCREEN_CONFIG, tooltip = true, title, subtitle, groupFontSize = 12 } = options;
  const rows = forestRows(runs);
  if (rows.length === 0) return null;
  const groups = [...new Set(rows.map((r) => r.group))];
  const algorithms = [...new Set(rows.map((r) => r.algorithm))];
  const byAlgorithm = algorithms.length >= 2 && algorithms.length <= 10;
  const value = padded(extent(rows.flatMap((r) => [r.lo, r.hi])) as [number, number], 0.03, 0.03, 0.01);
  const tip = tooltip
    ? {
        tooltip: [
          { field: 'run', type: 'nominal' },
          ...(groups.length > 1 || groups[0] !== '' ? [{ field: 'group', type: 'nominal', title: 'model' }] : []),
          { field: 'algorithm', type: 'nominal' },
          { field: 'value', type: 'quantitative', title: 'ceiling b − a', format: '.4f' },
          { field: 'lo', type: 'quantitative', title: '95% CI from', format: '.4f' },
          { field: 'hi', type: 'quantitative', title: 'to', format: '.4f' },
        ],
      }
    : {};
  const head = title === undefined ? {} : { title: { text: title, ...(subtitle === undefined ? {} : { subtitle }) } };
  const ceiling = { field: 'value', type: 'quantitative', title: 'ceiling b − a (95% CI)', scale: { zero: false, domain: value } };
  if (rows.length <= labelled) {
    const width = options.width ?? 420;
    const color = byAlgorithm
      ? { field: 'algorithm', type: 'nominal', title: 'algorithm', scale: { domain: algorithms, scheme: 'category10' }, legend: { orient: 'right' } }
      : { value: '#222222' };
    // Every block gets the same room for its labels, so that the blocks' plots line up.
    const labelRoom = Math.min(240, 12 + 6.2 * Math.max(...rows.map((r) => r.label.length)));
    const y = { field: 'label', type: 'nominal', title: null, sort: rows.map((r) => r.label), axis: { labelLimit: 240, ticks: false, domain: false, minExtent: labelRoom, maxExtent: labelRoom } };
    const layerOf = (axis: boolean) => {
      const x = axis ? ceiling : { ...ceiling, axis: { title: null, labels: false, ticks: false, domain: false } };
      return [
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' }, color, ...tip } },
        { mark: { type: 'point', shape: 'diamond', filled: true, size: 60, opacity: 1 }, encoding: { y, x, color, ...tip } },
      ];
    };
    if (groups.length <= 1) return { ...head, config, data: { values: rows }, width, height: { step: row }, layer: layerOf(true) } as TopLevelSpec;
    // One block per model, each with its own rows (a facet would share one y scale or warn about it), all
    // on one x domain with its axis under the last; the block's title is the model.
    return {
      ...head,
      config,
      spacing: 4,
      vconcat: groups.map((group, i) => ({
        title: { text: group, anchor: 'start', fontSize: groupFontSize, fontWeight: 'bold', offset: 2 },
        data: { values: rows.filter((r) => r.group === group) },
        width,
        height: { step: row },
        layer: layerOf(i === groups.length - 1),
      })),
      resolve: { scale: { color: 'shared' } },
    } as TopLevelSpec;
  }
  const width = options.width ?? 900;
  const colorGroups = groups.length >= 2 && groups.length <= 20;
  const color = colorGroups ? { field: 'group', type: 'nominal', title: 'model', scale: { domain: groups, scheme: groups.length <= 10 ? 'category10' : 'tableau20' }, legend: { orient: 'right', symbolOpacity: 1 } } : { value: '#1f5f9f' };
  const x = { field: 'rank', type: 'quantitative', title: colorGroups ? 'runs, by model, then by ceiling' : 'runs, by ceiling', scale: { domain: [0, rows.length + 1], nice: false }, axis: { tickMinStep: 1 } };
  return {
    ...head,
    config,
    data: { values: rows },
    width,
    height: 240,
    layer: [
      { mark: { type: 'rule', strokeWidth: Math.max(0.5, Math.min(2, width / rows.length / 2)), opacity: 0.7 }, encoding: { x, y: { ...ceiling, field: 'lo', title: 'ceiling b − a (95% CI)' }, y2: { field: 'hi' }, color, ...tip } },
      { mark: { type: 'point', filled: true, size: 10, opacity: 1 }, encoding: { x, y: { ...ceiling, title: 'ceiling b − a (95% CI)' }, color, ...tip } },
    ],
  } as TopLevelSpec;
}
