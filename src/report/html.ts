/** Assembles the self-contained report page. */
import { createHash } from 'node:crypto';
import { vegaScripts } from './assets.ts';
import { CLIENT_SCRIPT } from './client.ts';
import { usageError } from '../util/errors.ts';
import { fixed, percent } from '../util/format.ts';
import { runRecord } from '../predict/json.ts';
import type { AcrossResult } from '../predict/across.ts';
import { escapeHtml, jsonForScript } from './escape.ts';
import { runLabels } from './labels.ts';
import { packCharts } from './pack.ts';
import { runDiagnostics, runKeyNumbers } from './run-text.ts';
import { convergenceDomain, convergenceSpec } from './specs/convergence-chart.ts';
import { union } from './specs/data.ts';
import { forestSpec } from './specs/forest-chart.ts';
import { lawChartSpec, lawDomains } from './specs/law-chart.ts';
import { overviewSpec, type OverviewOptions } from './specs/overview-chart.ts';
import { scalingSpec } from './specs/scaling-chart.ts';
import { settleSpec } from './specs/settle-chart.ts';
import { timelineDomains, timelineSpec } from './specs/timeline-chart.ts';
import { PAGE_STYLE } from './style.ts';
import { runTableHtml } from './table.ts';
import type { ReportInput, ReportRun } from './types.ts';

/** Options of `renderReport`. */
export interface RenderOptions {
  /** Runs per page in the per-run part. Default 20. */
  pageSize?: number;
  /**
   * Above this many runs the per-run sections become small multiples (one small chart each, which the
   * page switches between R vs H, R and H vs step and the ceiling's convergence, on shared axes or not).
   * Default 12.
   */
  compactAbove?: number;
  /** Significant digits of the non-integer chart data stored in the page (see `packCharts`). Default 6. */
  digits?: number;
  /** Options of the chart of all runs (see `overviewSpec`). */
  overview?: OverviewOptions;
}

const DEFAULT_TITLE = 'Entropy–performance law report';

/** Size of the small multiples' plots. */
const SMALL = { width: 210, height: 140 };

/** Size of a run's charts when each has its section: three side by side at 1280 px. */
const FULL = { law: { width: 280, height: 220 }, time: { width: 290, height: 96 }, conv: { width: 280, height: 170 } };

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

/** Escaped text that may break after its separators (and only there), so long run names wrap whole tokens. */
function breakable(text: string): string {
  return escapeHtml(text).replace(/([-_/.,=])/g, '$1<wbr>');
}

/** A chart container; `kind` and `hidden` for the small multiples' views, `shared` when it can switch axes. */
function chart(key: string, extra: { kind?: string; hidden?: boolean; shared?: boolean } = {}): string {
  const attrs = [`class="chart"`, `data-chart="${key}"`];
  if (extra.kind) attrs.push(`data-kind="${extra.kind}"`);
  if (extra.shared) attrs.push('data-shared="1"');
  if (extra.hidden) attrs.push('hidden');
  return `<div ${attrs.join(' ')}></div>`;
}

function diagnosticsHtml(run: ReportRun): string {
  const list = runDiagnostics(run);
  if (list.length === 0) return run.fit ? '<p class="ok">No diagnostics: nothing in the log or the fit calls for caution.</p>' : '';
  return `<ul class="diagnostics">${list.map((w) => `<li><code>${escapeHtml(w.code)}</code> ${escapeHtml(w.message)}</li>`).join('')}</ul>`;
}

function metaLine(run: ReportRun): string {
  const { info } = run;
  const { selection } = run;
  const used = selection.used < selection.total ? `${selection.used} of ${selection.total} points used${selection.burnIn ? ` (${selection.burnIn} burn-in)` : ''}` : `${info.points} points`;
  const what = [info.model, info.algorithm, info.dataset].filter((x): x is string => !!x);
  // Log text (paths, keys) may break after its separators; the rest are words.
  const meta = [breakable(info.source), escapeHtml(info.format), `R: ${breakable(info.metric)} (${escapeHtml(info.metricKind)})`, `H: ${breakable(info.entropyKey)}`, escapeHtml(used), ...what.map(escapeHtml)];
  return `<p class="meta">${meta.join(' · ')}</p>`;
}

function runSection(run: ReportRun, index: number, label: string, compact: boolean, live: boolean): string {
  const { info } = run;
  const error = run.fit ? '' : `<p class="error">No fit: ${escapeHtml(run.error ?? 'no fit')}</p>`;
  if (compact) {
    const c = run.ceiling;
    const settled = run.convergence?.settled;
    const warns = runDiagnostics(run);
    const line = c ? `ceiling ${fixed(c.value, 3)} [${fixed(c.ci[0], 3)}, ${fixed(c.ci[1], 3)}]${settled ? ` · settled ${percent(settled.fraction)}` : ''}` : '';
    const charts = [
      chart(`law-${index}`, { kind: 'law', shared: true }),
      chart(`time-${index}`, { kind: 'time', hidden: true, shared: true }),
      run.convergence?.final ? chart(`conv-${index}`, { kind: 'conv', hidden: true, shared: true }) : '<p class="note" data-kind="conv" hidden>no ceiling to follow</p>',
    ];
    return [
      `<article class="run" id="run-${index}" data-run="${index}">`,
      `<h3 title="${escapeHtml(info.id)}">${breakable(label)}</h3>`,
      `<p class="meta">${escapeHtml(line)}${warns.length ? ` · <span class="warn" title="${escapeHtml(warns.map((w) => `${w.code}: ${w.message}`).join('\n'))}">${warns.length} diagnostic${warns.length === 1 ? '' : 's'}</span>` : ''}</p>`,
      error,
      `<div class="charts">${charts.join('')}</div>`,
      '</article>',
    ].join('');
  }
  const numbers = runKeyNumbers(run, live);
  const conv = run.convergence?.final ? chart(`conv-${index}`) : '';
  // A run still training is about where it is heading: its forecast first.
  const charts = run.forecast ? [chart(`time-${index}`), conv, chart(`law-${index}`)] : [chart(`law-${index}`), chart(`time-${index}`), conv];
  return [
    `<article class="run" id="run-${index}" data-run="${index}">`,
    `<h3>${breakable(info.id)}</h3>`,
    metaLine(run),
    error,
    numbers.length ? `<ul class="numbers">${numbers.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '',
    diagnosticsHtml(run),
    `<div class="charts">${charts.join('')}</div>`,
    run.convergence?.final ? `<p class="note">${escapeHtml(convergenceNote(run, live))}</p>` : '',
    '</article>',
  ].join('');
}

/** What the convergence chart shows, in words under it. */
function convergenceNote(run: ReportRun, live: boolean): string {
  return `Ceiling convergence: the run refitted on its first k points, as a job still training would have been (same law, steps and burn-in rule), for growing k; the band is each estimate's 95% CI, the cyan band ±${run.convergence!.tolerance} around ${live ? 'the current estimate' : 'the final value'}.`;
}

/** The small multiples' controls: which chart each run shows, and whether they share their axes. */
function smallMultiplesControls(runs: readonly ReportRun[]): string {
  const early = runs.find((r) => r.early)?.early;
  const tol = runs.find((r) => r.convergence)?.convergence?.tolerance ?? 0.01;
  const view = (value: string, text: string, checked = false) =>
    `<label><input type="radio" name="sm-view" value="${value}"${checked ? ' checked' : ''}> ${text}</label>`;
  return [
    '<div class="controls sm-controls" role="group" aria-label="small multiples">',
    '<span>show</span>',
    view('law', 'R against H', true),
    view('time', 'H and R against step'),
    view('conv', 'ceiling convergence'),
    '<label class="toggle"><input type="checkbox" id="sm-shared" checked> shared axes</label>',
    '</div>',
    `<p class="note key">${escapeHtml(
      'R against H: the points the fit used coloured by step (early dark, late yellow), grey crosses the points it left out (format learning; at the edge when beyond the axis), the red fit with its 95% band, the black ceiling at H = 0 with its 95% CI (its value above each chart). ' +
        `Against step: green H, blue R${early ? `, orange the forecast from the first ${Math.round(early.fraction * 100)}% with its ${Math.round(early.confidence * 100)}% interval` : ''}, black the ceiling. ` +
        `Ceiling convergence: the estimate minus the final value against the share of the run used, with its 95% band; cyan ±${tol}. Hover a mark for its numbers.`,
    )}</p>`,
  ].join('');
}

/** The small multiples' shared domains: the union of every run's own. */
function sharedDomains(runs: readonly ReportRun[]) {
  const law = runs.map(lawDomains);
  const time = runs.map(timelineDomains);
  const conv = runs.map((r) => (r.convergence ? convergenceDomain(r.convergence, true) : null));
  const u = <T>(xs: (T | null)[], pick: (x: T) => [number, number]) => union(...xs.map((x) => (x ? pick(x) : null))) ?? ([0, 1] as [number, number]);
  return {
    law: { x: u(law, (d) => d.x), y: u(law, (d) => d.y) },
    time: { x: u(time, (d) => d.x), entropy: u(time, (d) => d.entropy), metric: u(time, (d) => d.metric) },
    conv: { y: u(conv, (d) => d) },
  };
}

/** The Vega-Lite specs of every chart on the page, by the key its container names. */
function chartSpecs(input: ReportInput, compact: boolean, overview: OverviewOptions): Record<string, object> {
  const { runs } = input;
  const charts: Record<string, object> = {};
  const fitted = runs.filter((r) => r.fit);
  if (fitted.length >= 2) charts.overview = overviewSpec(runs, overview);
  if (fitted.length >= 2) {
    const forest = forestSpec(runs);
    if (forest) charts.forest = forest;
  }
  if (runs.filter((r) => r.convergence?.final).length >= 2) {
    const settle = settleSpec(runs);
    if (settle) charts.settle = settle;
  }
  acrossCharts(input.across, runs).forEach((spec, i) => (charts[`scaling-${i}`] = spec));
  const shared = compact ? sharedDomains(runs) : null;
  runs.forEach((run, i) => {
    if (shared) {
      charts[`law-${i}`] = lawChartSpec(run, { ...SMALL, legend: false, labels: false, samples: 30, shared: shared.law });
      charts[`time-${i}`] = timelineSpec(run, { width: SMALL.width, height: 62, legend: false, shared: shared.time });
      const conv = convergenceSpec(run, { ...SMALL, x: 'fraction', relative: true, legend: false, shared: shared.conv });
      if (conv) charts[`conv-${i}`] = conv;
    } else {
      charts[`law-${i}`] = lawChartSpec(run, FULL.law);
      charts[`time-${i}`] = timelineSpec(run, FULL.time);
      const conv = convergenceSpec(run, { ...FULL.conv, live: input.refreshSeconds !== undefined });
      if (conv) charts[`conv-${i}`] = conv;
    }
  });
  return charts;
}

/** The scaling charts of the across-runs results, one per family with a fit. */
function acrossCharts(across: AcrossResult | undefined, runs: readonly ReportRun[]): object[] {
  if (!across) return [];
  return across.scaling.flatMap((family) => {
    const spec = scalingSpec(family, runs, across.predictions.find((p) => p.model === family.model), { width: 300, height: 190 });
    return spec ? [spec] : [];
  });
}

/** The across-runs section: the pooled F-tests and the coefficient scaling, when the runs allow them. */
function acrossHtml(across: AcrossResult | undefined): string {
  if (!across) return '';
  const tests = across.pooled.filter((g) => g.test);
  const untested = across.pooled.filter((g) => !g.test);
  const fits = across.scaling.filter((f) => f.fits);
  if (tests.length === 0 && fits.length === 0) return '';
  const parts = ['<section id="across"><h2>Across runs</h2>'];
  if (tests.length > 0) {
    const shared = (t: NonNullable<(typeof tests)[number]['test']>) => t.shared.join(', ');
    const rows = tests.map(({ group, runs, test }) => {
      const t = test!;
      // A p-value below the smallest double is not 0: it is below what can be computed.
      const p = t.pValue < 1e-300 ? '< 1e-300' : t.pValue < 1e-4 ? t.pValue.toExponential(1) : fixed(t.pValue, 4);
      return `<tr><td>${escapeHtml(group)}</td><td class="num">${runs.length}</td><td>${escapeHtml(shared(t))}</td><td class="num">${fixed(t.f, 3)}</td><td class="num">${p}</td><td>${t.pValue < 0.05 ? 'separate curves' : 'one curve is consistent'}</td></tr>`;
    });
    parts.push(
      `<h3>Do runs of one model share the law? Pooled against separate fits (F-test, by ${escapeHtml(across.groupBy)})</h3>`,
      `<table class="plain"><thead><tr><th>group</th><th class="num">runs</th><th>shared</th><th class="num">F</th><th class="num">p</th><th>at 5%</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }
  if (untested.length > 0) parts.push(`<p class="note">No test for ${untested.map((g) => `${escapeHtml(g.group)}: ${escapeHtml(g.error ?? '')}`).join('; ')}.</p>`);
  if (fits.length > 0) {
    parts.push('<h3>a and b against model size (log-linear, weighted by each fit’s standard error)</h3>');
    fits.forEach((f, i) => parts.push(`<p class="meta">${escapeHtml(f.model)}: ${f.runs.length} runs of ${new Set(f.runs.map((r) => r.size)).size} sizes; left a, right b</p>${chart(`scaling-${i}`)}`));
  }
  const failed = across.scaling.filter((f) => !f.fits);
  if (failed.length > 0) parts.push(`<p class="note">No scaling fit for ${failed.map((f) => `${escapeHtml(f.model)}: ${escapeHtml(f.error ?? '')}`).join('; ')}.</p>`);
  parts.push('</section>');
  return parts.join('');
}

/** How early the ceiling was known, over the runs: the median settling point and the chart. */
function settleHtml(input: ReportInput, hasChart: boolean): string {
  if (!hasChart) return '';
  const conv = input.runs.map((r) => r.convergence).filter((c) => c?.final);
  const settled = conv.map((c) => c!.settled!.fraction).sort((p, q) => p - q);
  const median = settled.length % 2 ? settled[(settled.length - 1) / 2] : (settled[settled.length / 2 - 1] + settled[settled.length / 2]) / 2;
  const tol = conv[0]!.tolerance;
  return [
    '<section id="convergence"><h2>How early was the ceiling known?</h2>',
    `<p class="note">Each run refitted on its first k points, as a job still training would have been, for growing k. Half of the ${conv.length} runs had a ceiling estimate within ±${tol} of their final one, for good, after ${Math.round(median * 100)}% of their points or fewer. The per-run charts show each estimate with its 95% CI.</p>`,
    chart('settle'),
    '</section>',
  ].join('');
}

/**
 * Renders the report as one self-contained HTML page: the ceilings of all runs (a forest plot), the
 * across-runs tests when given, how early each ceiling was known, the fitted curves of all runs, a
 * sortable and filterable table of runs, and per run its key numbers, diagnostics and charts (R vs H with
 * the fitted law, its band and the ceiling; H and R vs step with the forecasts and their intervals; the
 * ceiling's convergence), as small multiples on pages when there are many runs. vega, vega-lite and
 * vega-embed are inlined, so the page works offline and requests nothing. Text from logs is HTML-escaped
 * in markup and the chart data is embedded as escaped JSON, never as script. Cost: the page is about
 * 0.9 MB plus the data.
 *
 * @example
 * renderReport({ runs: [], warnings: [] }).startsWith('<!DOCTYPE html>'); // => true
 */
export function renderReport(input: ReportInput, options: RenderOptions = {}): string {
  const { pageSize = 20, compactAbove = 12, overview = {}, digits = 6 } = options;
  const title = input.title ?? DEFAULT_TITLE;
  const compact = input.runs.length > compactAbove;
  const live = input.refreshSeconds !== undefined;
  const fitted = input.runs.filter((r) => r.fit);
  const charts = chartSpecs(input, compact, overview);
  // `runs`: the runs as `fit --json` prints them, for whoever reads the page as data (the page does not).
  const data = jsonForScript({ pageSize, ...packCharts(charts, digits), runs: input.runs.map(runRecord) });
  const scripts = [...vegaScripts(), CLIENT_SCRIPT];
  const warnings = input.warnings.length
    ? `<section id="warnings"><h2>Warnings (${input.warnings.length})</h2><ul class="warnings">${input.warnings
        .map((w) => `<li>${escapeHtml(w)}</li>`)
        .join('')}</ul></section>`
    : '';
  const formulas = [...new Set(fitted.map((r) => r.fit!.formula))];
  const how = formulas.length === 1 ? ` with ${formulas[0]}` : formulas.length > 1 ? ` with ${formulas.length} laws` : '';
  const summary = `${input.runs.length} run${input.runs.length === 1 ? '' : 's'}, ${fitted.length} fitted${how}; the ceiling is the law's R when the entropy is used up (H = 0: b − a for the paper's law).${input.updated ? ` Updated ${input.updated}.` : ''}`;
  const labels = runLabels(input.runs.map((r) => r.info.id));
  const perRun = [
    `<section id="details"><h2>${input.runs.length === 1 ? 'The run' : 'Per run'}</h2>`,
    compact ? smallMultiplesControls(input.runs) : '',
    '<nav class="pager"></nav>',
    `<div id="run-list"${compact ? ' class="compact"' : ''}>`,
    ...input.runs.map((run, i) => runSection(run, i, labels[i], compact, live)),
    '</div><nav class="pager"></nav></section>',
  ].join('\n');
  const table = [
    '<section id="table"><h2>Runs</h2>',
    '<div class="controls"><input id="filter" type="search" placeholder="filter runs (id, format, metric…)" aria-label="filter runs"><span id="filter-count"></span></div>',
    `<div class="table-wrap">${runTableHtml(input.runs)}</div></section>`,
  ].join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(scripts, PAGE_STYLE))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    refreshMeta(input.refreshSeconds),
    `<title>${escapeHtml(title)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head><body>',
    `<header><h1>${escapeHtml(title)}</h1><p class="summary">${escapeHtml(summary)}</p></header>`,
    warnings,
    charts.forest
      ? `<section id="ceilings"><h2>Ceilings</h2><p class="note">Each run's ceiling with its 95% CI${fitted.some((r) => r.info.model) ? ', grouped by model' : ''}, highest first. Runs are named by the part of their names that differs; hover for the full name.</p>${chart('forest')}</section>`
      : '',
    acrossHtml(input.across),
    settleHtml(input, 'settle' in charts),
    charts.overview
      ? `<section id="overview"><h2>All runs: R against H</h2><p class="note">Each run's fitted curve${input.runs.length <= (overview.legendLimit ?? 10) ? ' and its points; click a legend entry to pick a run' : '; pick a run in the list to highlight it'}.</p>${chart('overview')}</section>`
      : '',
    input.runs.length === 1 ? perRun : table,
    input.runs.length === 1 ? table : perRun,
    `<script type="application/json" id="report-data">${data}</script>`,
    ...scripts.map((s) => `<script>${s}</script>`),
    '</body></html>',
    '',
  ].join('\n');
}
