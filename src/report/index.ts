/** The HTML report: a self-contained page, and the Vega-Lite specs it draws. */
import { writeFile } from 'node:fs/promises';
import { renderReport, type RenderOptions } from './html.ts';
import type { ReportInput } from './types.ts';

export type { ReportInput, ReportRun } from './types.ts';
export { renderReport, type RenderOptions } from './html.ts';
export { escapeHtml, jsonForScript } from './escape.ts';
export { packCharts, unpackChart, type PackedCharts } from './pack.ts';
export { lawChartSpec, type LawChartOptions } from './specs/law-chart.ts';
export { timelineSpec, type TimelineOptions } from './specs/timeline-chart.ts';
export { overviewSpec, type OverviewOptions } from './specs/overview-chart.ts';
export { curveRows, pointRows, ceilingRow, bandRows, statusRows } from './specs/data.ts';
export { convergenceSpec, convergenceRows, convergenceDomain, settledText, type ConvergenceOptions as ConvergenceChartOptions } from './specs/convergence-chart.ts';
export { forestSpec, forestRows, type ForestOptions, type ForestRow } from './specs/forest-chart.ts';
export { scalingSpec, scalingLineRows, type ScalingOptions } from './specs/scaling-chart.ts';
export { settleSpec, settleRows, type SettleOptions, type SettleRow } from './specs/settle-chart.ts';
export { lawDomains, LAW_KINDS } from './specs/law-chart.ts';
export { timelineDomains, stepFitRows, TIME_KINDS } from './specs/timeline-chart.ts';
export { runLabels, shortKey, titleLines, middleEllipsis, sizeText, modelGroup } from './labels.ts';
export { runKeyNumbers, runDiagnostics } from './run-text.ts';
export { SCREEN_CONFIG, PRINT_CONFIG, COLORS } from './specs/theme.ts';
export { renderFigures, figureSpecs, specToSvg, svgToPng, fileSlug, type FigureFormat, type FigureOptions, type Figure } from './figures.ts';

/**
 * Renders the report and writes it to `path` (UTF-8).
 *
 * @example
 * await writeReport({ runs, warnings: [] }, 'report.html');
 */
export async function writeReport(input: ReportInput, path: string, options: RenderOptions = {}): Promise<void> {
  await writeFile(path, renderReport(input, options), 'utf8');
}
