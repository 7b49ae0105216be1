/**
 * Figures for papers and slides: the report's charts as files, in a print theme sized for a paper column.
 * SVG comes from vega's headless renderer (`View.toSVG()`), PNG from rasterising that SVG with resvg.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { usageError } from '../util/errors.ts';
import { lawChartSpec } from './specs/law-chart.ts';
import { overviewSpec } from './specs/overview-chart.ts';
import { PRINT_CONFIG } from './specs/theme.ts';
import { timelineSpec } from './specs/timeline-chart.ts';
import type { ReportInput } from './types.ts';

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
  /** Also write the figure of all runs together (`all-runs.*`). Default true when there are 2+ fitted runs. */
  overview?: boolean;
}

/** One figure: where it was written and what it shows. */
export interface Figure {
  path: string;
  /** The run's id, or null for the figure of all runs. */
  run: string | null;
  kind: 'law' | 'timeline' | 'overview';
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

/**
 * The print-theme Vega-Lite specs of every figure, by file stem (`001-<run>-law`, `001-<run>-timeline`,
 * `all-runs`). Pure; `renderFigures` writes them. Runs without points get no figure.
 *
 * @example
 * Object.keys(figureSpecs(input)); // => ['001-run-a-law', '001-run-a-timeline']
 */
export function figureSpecs(input: ReportInput, options: FigureOptions = {}): Map<string, { spec: TopLevelSpec; run: string | null; kind: Figure['kind'] }> {
  const { width = 240, height = 170, overview = input.runs.filter((r) => r.fit).length >= 2 } = options;
  const specs = new Map<string, { spec: TopLevelSpec; run: string | null; kind: Figure['kind'] }>();
  input.runs.forEach((run, i) => {
    if (run.series.step.length === 0) return;
    const stem = `${String(i + 1).padStart(3, '0')}-${fileSlug(run.info.id)}`;
    const common = { config: PRINT_CONFIG, tooltip: false };
    specs.set(`${stem}-law`, { spec: lawChartSpec(run, { ...common, width, height, title: run.info.id }), run: run.info.id, kind: 'law' });
    specs.set(`${stem}-timeline`, { spec: timelineSpec(run, { ...common, width, height: Math.round(height * 0.6), keyTitles: false }), run: run.info.id, kind: 'timeline' });
  });
  if (overview) {
    const spec = overviewSpec(input.runs, { config: PRINT_CONFIG, width: width * 1.5, height, legendLimit: 12 });
    specs.set('all-runs', { spec, run: null, kind: 'overview' });
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
 * Writes every run's figures (R vs H with the fitted law and ceiling; entropy and R vs step) and the
 * figure of all runs into `outDir` (created if missing), as SVG, PNG or Vega-Lite JSON, in a print theme
 * readable at paper column width. Throws `UsageError` for an unknown format. Cost: about 20–50 ms per
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
