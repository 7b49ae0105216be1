/**
 * Figures for papers and slides: the report's charts as files, in a print theme sized for a paper column.
 * SVG comes from vega's headless renderer (`View.toSVG()`), PNG from rasterising that SVG with resvg.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { usageError } from '../util/errors.ts';
import { runLabels, titleLines } from './labels.ts';
import { convergenceDomain, convergenceSpec } from './specs/convergence-chart.ts';
import { union } from './specs/data.ts';
import { forestSpec } from './specs/forest-chart.ts';
import { lawChartSpec } from './specs/law-chart.ts';
import { overviewSpec } from './specs/overview-chart.ts';
import { scalingSpec } from './specs/scaling-chart.ts';
import { settleSpec } from './specs/settle-chart.ts';
import { PRINT_CONFIG } from './specs/theme.ts';
import { timelineSpec } from './specs/timeline-chart.ts';
import type { ReportInput, ReportRun } from './types.ts';

/** The file formats `renderFigures` writes. */
export type FigureFormat = 'svg' | 'png' | 'vl.json';

const FORMATS: readonly FigureFormat[] = ['svg', 'png', 'vl.json'];

/** Options of `renderFigures`. */
export interface FigureOptions {
  /** Plot width in pixels (1 px = 1 pt in the SVG): 240 fits a 3.3 in paper column with its axes. Default 240. */
  width?: number;
  /** Plot height of the R vs H figures. Default 170. */
  height?: number;
  /** PNG only: pixels per SVG unit; 4 gives about 300 dpi at the SVG's size in points. Default 4. */
  scale?: number;
  /** Also write the figures across runs (all runs, ceilings, convergence, scaling). Default true when there are 2+ fitted runs. */
  overview?: boolean;
  /** At most this many runs in the small-multiples figure of the ceilings' convergence. Default 36. */
  convergencePanels?: number;
}

/** One figure: where it was written and what it shows. */
export interface Figure {
  path: string;
  /** The run's id, or null for a figure across runs. */
  run: string | null;
  kind: 'law' | 'timeline' | 'convergence' | 'overview' | 'ceilings' | 'convergence-all' | 'settle' | 'scaling';
}

/**
 * A file-name part from a run id: letters, digits, `_` and `-` only (so no path separators or `..`),
 * at most 60 characters. Uniqueness comes from the index prefix the caller adds.
 *
 * @example
 * fileSlug('../grpo run/7'); // => 'grpo-run-7'
 */
export function fileSlug(id: string): string {
  const slug = id.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return slug || 'run';
}

/** The subtitle of a run's figures: the full keys of R and H, broken into lines that fit. */
function keysSubtitle(run: ReportRun, chars: number): string[] {
  return [...titleLines(`R: ${run.info.metric}`, chars), ...titleLines(`H: ${run.info.entropyKey}`, chars)];
}

/**
 * The small-multiples figure of the ceilings' convergence across runs: each run's estimate minus its final
 * value against the share of the run used, all on one y axis, titled by the part of its name that differs.
 */
function convergenceGrid(runs: readonly ReportRun[], labels: readonly string[], width: number, panels: number): TopLevelSpec | null {
  const shown = runs.map((r, i) => ({ r, label: labels[i] })).filter(({ r }) => r.convergence?.final).slice(0, panels);
  if (shown.length < 2) return null;
  const domain = union(...shown.map(({ r }) => convergenceDomain(r.convergence!, true))) as [number, number];
  const small = Math.max(90, Math.round(width * 0.55));
  const concat = shown.map(({ r, label }) => {
    const { config: _config, ...panel } = convergenceSpec(r, { width: small, height: Math.round(small * 0.6), x: 'fraction', relative: true, legend: false, tooltip: false, domain, title: label }) as unknown as Record<string, unknown>;
    return panel;
  });
  const tol = shown[0].r.convergence!.tolerance;
  const count = shown.length < runs.length ? `the first ${shown.length} of ${runs.length} runs` : `${shown.length} runs`;
  return {
    title: {
      text: 'Ceiling convergence across runs',
      subtitle: [
        'red: the estimate minus the final value, with its 95% CI, against the share of the run used;',
        `cyan: ±${tol} of the final value; solid rule: settled within it for good; dashed: 95% CI within ±${tol}; ${count}`,
      ],
    },
    config: PRINT_CONFIG,
    columns: 4,
    // Each panel its own legend entries (where its estimate settled): no legend drawn, no scale to share.
    resolve: { scale: { color: 'independent' } },
    concat,
  } as unknown as TopLevelSpec;
}

/**
 * The print-theme Vega-Lite specs of every figure, by file stem: per run `001-<run>-law`,
 * `001-<run>-timeline` and `001-<run>-convergence` (with a convergence), and across runs `all-runs`,
 * `ceilings` (the forest plot), `convergence-all` (small multiples), `settle` and `scaling-<model>` (with
 * `input.across`). Every figure has a title; a run's figures name its full keys in the subtitle. Pure;
 * `renderFigures` writes them. Runs without points get no figure.
 *
 * @example
 * Object.keys(figureSpecs(input)); // => ['001-run-a-law', '001-run-a-timeline']
 */
export function figureSpecs(input: ReportInput, options: FigureOptions = {}): Map<string, { spec: TopLevelSpec; run: string | null; kind: Figure['kind'] }> {
  const { width = 240, height = 170, overview = input.runs.filter((r) => r.fit).length >= 2, convergencePanels = 36 } = options;
  const specs = new Map<string, { spec: TopLevelSpec; run: string | null; kind: Figure['kind'] }>();
  // About 6 pt per character at the title's size: lines that fit over the plot and its axis.
  const chars = Math.max(24, Math.round((width + 40) / 6));
  input.runs.forEach((run, i) => {
    if (run.series.step.length === 0) return;
    const stem = `${String(i + 1).padStart(3, '0')}-${fileSlug(run.info.id)}`;
    const common = { config: PRINT_CONFIG, tooltip: false, title: titleLines(run.info.id, chars), subtitle: keysSubtitle(run, chars + 8) };
    specs.set(`${stem}-law`, { spec: lawChartSpec(run, { ...common, width, height }), run: run.info.id, kind: 'law' });
    specs.set(`${stem}-timeline`, { spec: timelineSpec(run, { ...common, width, height: Math.round(height * 0.6) }), run: run.info.id, kind: 'timeline' });
    const conv = convergenceSpec(run, { ...common, width, height: Math.round(height * 0.8), subtitle: ['ceiling estimate as the run grew'] });
    if (conv) specs.set(`${stem}-convergence`, { spec: conv, run: run.info.id, kind: 'convergence' });
  });
  if (overview) {
    const spec = overviewSpec(input.runs, { config: PRINT_CONFIG, width: width * 1.5, height, legendLimit: 12, title: 'All runs: R against H, fitted curves' });
    specs.set('all-runs', { spec, run: null, kind: 'overview' });
    const forest = forestSpec(input.runs, { config: PRINT_CONFIG, tooltip: false, width: width * 1.2, groupFontSize: 9.5, title: 'Ceilings with 95% CI' });
    if (forest) specs.set('ceilings', { spec: forest, run: null, kind: 'ceilings' });
    const labels = runLabels(input.runs.map((r) => r.info.id), 24);
    const grid = convergenceGrid(input.runs, labels, width, convergencePanels);
    if (grid) specs.set('convergence-all', { spec: grid, run: null, kind: 'convergence-all' });
    const settle = input.runs.filter((r) => r.convergence?.final).length >= 2 ? settleSpec(input.runs, { config: PRINT_CONFIG, width: width * 1.2, height, title: 'How early was the ceiling known?' }) : null;
    if (settle) specs.set('settle', { spec: settle, run: null, kind: 'settle' });
    for (const family of input.across?.scaling ?? []) {
      const prediction = input.across?.predictions.find((p) => p.model === family.model);
      const spec = scalingSpec(family, input.runs, prediction, { config: PRINT_CONFIG, tooltip: false, width, height, title: `${family.model}: a and b against model size` });
      if (spec) specs.set(`scaling-${fileSlug(family.model)}`, { spec, run: null, kind: 'scaling' });
    }
  }
  return specs;
}

/**
 * Renders a Vega-Lite spec to SVG text with vega's headless renderer (text widths are estimated, so no
 * canvas is needed).
 *
 * @example
 * (await specToSvg(lawChartSpec(run))).startsWith('<svg'); // => true
 */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on first use: the HTML report does not need vega in Node.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises SVG text to PNG bytes with resvg, on white, using the system's fonts (DejaVu Sans stands in
 * for Helvetica/Arial where those are missing).
 *
 * @example
 * (await svgToPng(svg, 4)).subarray(1, 4).toString(); // => 'PNG'
 */
export async function svgToPng(svg: string, scale = 4): Promise<Buffer> {
  // A native module: loaded only when a PNG is asked for.
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Writes every figure of `figureSpecs` (per run: R vs H with the fitted law, its band and the ceiling;
 * entropy and R vs step with the forecasts; the ceiling's convergence; across runs: all curves, the
 * ceilings' forest plot, convergence, scaling) into `outDir` (created if missing), as SVG, PNG or
 * Vega-Lite JSON, in a print theme readable at paper column width, each with a title. Throws `UsageError` for an unknown format. Cost: about 20–50 ms per
 * figure for SVG, plus rasterising for PNG.
 *
 * @example
 * await renderFigures(input, 'svg', 'figures/'); // => [{ path: 'figures/001-run-a-law.svg', run: 'run-a', kind: 'law' }, …]
 */
export async function renderFigures(input: ReportInput, format: FigureFormat, outDir: string, options: FigureOptions = {}): Promise<Figure[]> {
  if (!FORMATS.includes(format)) usageError(`invalid figure format: ${String(format)} (expected svg, png or vl.json)`);
  const { scale = 4 } = options;
  await mkdir(outDir, { recursive: true });
  const written: Figure[] = [];
  for (const [stem, { spec, run, kind }] of figureSpecs(input, options)) {
    const path = join(outDir, `${stem}.${format}`);
    // The $schema tells editors and users' own tooling which Vega-Lite this is; nothing fetches it.
    if (format === 'vl.json') await writeFile(path, `${JSON.stringify({ $schema: VEGA_LITE_SCHEMA, ...spec }, null, 2)}\n`, 'utf8');
    else {
      const svg = await specToSvg(spec);
      await writeFile(path, format === 'svg' ? svg : await svgToPng(svg, scale));
    }
    written.push({ path, run, kind });
  }
  return written;
}
