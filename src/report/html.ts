/** Assembles the self-contained report page. */
import { createHash } from 'node:crypto';
import { vegaScripts } from './assets.ts';
import { CLIENT_SCRIPT } from './client.ts';
import { usageError } from '../util/errors.ts';
import { runRecord } from '../predict/json.ts';
import { escapeHtml, jsonForScript } from './escape.ts';
import { packCharts } from './pack.ts';
import { lawChartSpec } from './specs/law-chart.ts';
import { overviewSpec, type OverviewOptions } from './specs/overview-chart.ts';
import { timelineSpec } from './specs/timeline-chart.ts';
import { PAGE_STYLE } from './style.ts';
import { runTableHtml } from './table.ts';
import type { ReportInput, ReportRun } from './types.ts';

/** Options of `renderReport`. */
export interface RenderOptions {
  /** Runs per page in the per-run part. Default 20. */
  pageSize?: number;
  /**
   * Above this many runs the per-run sections become small multiples (a small R vs H chart each, the
   * time series folded away). Default 12.
   */
  compactAbove?: number;
  /** Significant digits of the non-integer chart data stored in the page (see `packCharts`). Default 6. */
  digits?: number;
  /** Options of the headline chart of all runs (see `overviewSpec`). */
  overview?: OverviewOptions;
}

const DEFAULT_TITLE = 'Entropy–performance law report';

/** `'sha256-…'` source of a CSP directive for an inline element with exactly this text. */
function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The Content-Security-Policy: nothing may load, scripts run only if they are the page's own inline scripts
 * (by hash), and no 'unsafe-eval' (vega runs expressions by interpretation). The one stylesheet is
 * allowed by hash too; vega and its tooltips set styles through the DOM, which a policy does not block.
 */
function contentSecurityPolicy(scripts: readonly string[], style: string): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(cspHash).join(' ')}`,
    `style-src ${cspHash(style)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** A meta refresh (no script needed, so the CSP allows it); nothing unless a positive finite period is given. */
function refreshMeta(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  if (!(Number.isFinite(seconds) && seconds > 0)) usageError(`invalid refreshSeconds: ${seconds} (expected a positive number)`);
  return `<meta http-equiv="refresh" content="${Math.max(1, Math.round(seconds))}">`;
}

function runSection(run: ReportRun, index: number, compact: boolean): string {
  const { info } = run;
  const meta = [info.source, info.format, `R: ${info.metric} (${info.metricKind})`, `H: ${info.entropyKey}`, `${info.points} points`];
  const law = `<div class="chart" data-chart="law-${index}"></div>`;
  const time = `<div class="chart" data-chart="time-${index}"></div>`;
  const charts = compact
    ? `<div class="charts">${law}</div><details><summary>entropy and R vs step</summary>${time}</details>`
    : `<div class="charts">${law}${time}</div>`;
  const error = run.fit ? '' : `<p class="error">No fit: ${escapeHtml(run.error ?? 'no fit')}</p>`;
  return [
    `<article class="run" id="run-${index}" data-run="${index}">`,
    `<h3>${escapeHtml(info.id)}</h3>`,
    `<p class="meta">${meta.map(escapeHtml).join(' · ')}</p>`,
    error,
    charts,
    '</article>',
  ].join('');
}

/** The Vega-Lite specs of every chart on the page, by the key its container names. */
function chartSpecs(input: ReportInput, compact: boolean, overview: OverviewOptions): Record<string, object> {
  const charts: Record<string, object> = {};
  if (input.runs.some((r) => r.fit)) charts.overview = overviewSpec(input.runs, overview);
  const size = compact ? { width: 220, height: 150, legend: false } : {};
  input.runs.forEach((run, i) => {
    charts[`law-${i}`] = lawChartSpec(run, size);
    charts[`time-${i}`] = timelineSpec(run, compact ? { width: 220, height: 90 } : {});
  });
  return charts;
}

/**
 * Renders the report as one self-contained HTML page: a headline chart of all runs' fitted curves, a
 * sortable and filterable table of runs, per-run charts (R vs H with the fitted law and its ceiling;
 * entropy and R vs step; small multiples on pages when there are many runs) and the warnings. vega, vega-lite and vega-embed are
 * inlined, so the page works offline and requests nothing. Text from logs is HTML-escaped in markup and
 * the chart data is embedded as escaped JSON, never as script. Cost: the page is about 0.9 MB plus the data.
 *
 * @example
 * renderReport({ runs: [], warnings: [] }).startsWith('<!DOCTYPE html>'); // => true
 */
export function renderReport(input: ReportInput, options: RenderOptions = {}): string {
  const { pageSize = 20, compactAbove = 12, overview = {}, digits = 6 } = options;
  const title = input.title ?? DEFAULT_TITLE;
  const compact = input.runs.length > compactAbove;
  const fitted = input.runs.filter((r) => r.fit).length;
  const charts = chartSpecs(input, compact, overview);
  // `runs`: the runs as `fit --json` prints them, for whoever reads the page as data (the page does not).
  const data = jsonForScript({ pageSize, ...packCharts(charts, digits), runs: input.runs.map(runRecord) });
  const scripts = [...vegaScripts(), CLIENT_SCRIPT];
  const warnings = input.warnings.length
    ? `<section id="warnings"><h2>Warnings (${input.warnings.length})</h2><ul class="warnings">${input.warnings
        .map((w) => `<li>${escapeHtml(w)}</li>`)
        .join('')}</ul></section>`
    : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(scripts, PAGE_STYLE))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    refreshMeta(input.refreshSeconds),
    `<title>${escapeHtml(title)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head><body>',
    `<header><h1>${escapeHtml(title)}</h1><p class="summary">${input.runs.length} run${input.runs.length === 1 ? '' : 's'}, ${fitted} fitted with R = −a·exp(H) + b; the ceiling b − a is the law's R at H = 0.</p></header>`,
    warnings,
    charts.overview
      ? '<section id="overview"><h2>All runs</h2><div class="chart" data-chart="overview"></div></section>'
      : '',
    '<section id="table"><h2>Runs</h2>',
    '<div class="controls"><input id="filter" type="search" placeholder="filter runs (id, format, metric…)" aria-label="filter runs"><span id="filter-count"></span></div>',
    `<div class="table-wrap">${runTableHtml(input.runs)}</div></section>`,
    '<section id="details"><h2>Per run</h2><nav class="pager"></nav>',
    `<div id="run-list"${compact ? ' class="compact"' : ''}>`,
    ...input.runs.map((run, i) => runSection(run, i, compact)),
    '</div><nav class="pager"></nav></section>',
    `<script type="application/json" id="report-data">${data}</script>`,
    ...scripts.map((s) => `<script>${s}</script>`),
    '</body></html>',
    '',
  ].join('\n');
}
