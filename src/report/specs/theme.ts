/**
 * Vega-Lite configs: one for the page, one for printed figures. System fonts only, so the page loads
 * nothing and a figure rasterises the same on any machine that has a sans-serif font.
 */
import type { Config } from 'vega-lite';

/** Font stack used everywhere; all are local system fonts. */
export const FONT = 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif';

/** The page theme: light, compact axes. */
export const SCREEN_CONFIG: Config = {
  font: FONT,
  view: { stroke: '#ddd' },
  // Titles carry log keys of any length: cut them (with an ellipsis) rather than overflow the chart.
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee', titleLimit: 220 },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 240 },
  title: { fontSize: 13, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555' },
};

/**
 * The print theme: sized for a paper column (about 3.3 in), black text, thicker lines and larger labels so
 * that the figure stays readable when scaled down, no background grid.
 */
export const PRINT_CONFIG: Config = {
  font: 'Helvetica, Arial, "DejaVu Sans", sans-serif',
  background: 'white',
  view: { stroke: '#000', strokeWidth: 0.8 },
  axis: {
    grid: false,
    domainColor: '#000',
    tickColor: '#000',
    labelColor: '#000',
    titleColor: '#000',
    labelFontSize: 10,
    titleFontSize: 11,
    titleFontWeight: 'normal',
    titleLimit: 240,
  },
  legend: { labelFontSize: 9, titleFontSize: 10, labelColor: '#000', titleColor: '#000', labelLimit: 220 },
  title: { fontSize: 11, fontWeight: 'normal', color: '#000', anchor: 'start', subtitleFontSize: 9, subtitleColor: '#333' },
  line: { strokeWidth: 1.6 },
  point: { size: 18 },
};

/**
 * The colour of each kind of mark, the same on every chart: a legend entry names the kind, and the same
 * colour means the same thing everywhere.
 */
export const COLORS = {
  /** The fitted law and its confidence band. */
  fit: '#d62728',
  /** The ceiling, its interval and its level. */
  ceiling: '#222222',
  /** Points the fit left out. */
  excluded: '#9a9a9a',
  /** Observed R and H against step. */
  metric: '#1f77b4',
  entropy: '#2ca02c',
  /** The paper's early-fit forecast of the held-out points. */
  early: '#ff7f0e',
  /** A forecast in time from the last point. */
  forecast: '#9467bd',
  /** Where the ceiling estimate settled. */
  settled: '#17becf',
} as const;

/** A legend of kinds of marks, one entry per kind, in the order given: the kinds' colours by name. */
export function kindScale(kinds: readonly (readonly [string, string])[]): { domain: string[]; range: string[] } {
  return { domain: kinds.map((k) => k[0]), range: kinds.map((k) => k[1]) };
}

/** A title or subtitle: one line, or one string per line (Vega draws each line in full). */
export type Text = string | string[];
