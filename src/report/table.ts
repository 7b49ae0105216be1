/** The overview table: one row per run with its fit, ceiling, forecast errors and what the run is. */
import { escapeHtml } from './escape.ts';
import { fixed as fmt, interval, MISSING, percent, pm, sig } from '../util/format.ts';
import { sortKey } from './format.ts';
import { sizeText } from './labels.ts';
import { runDiagnostics } from './run-text.ts';
import type { ReportRun } from './types.ts';

/** A column: its header, whether it sorts as a number, and its cell for one run. */
interface Column {
  header: string;
  numeric: boolean;
  /** Cell text (not yet escaped) and its sort key. */
  cell: (run: ReportRun) => { text: string; key: string };
}

const text = (t: string) => ({ text: t, key: t });
const num = (x: number | null | undefined, shown = fmt(x)) => ({ text: shown, key: sortKey(x) });

/** The forecast's error at the last held-out step, |predicted − actual|. */
function finalError(run: ReportRun): number | null {
  const final = run.early?.final;
  return final ? Math.abs(final.predicted - final.actual) : null;
}

/** Columns after the identity columns; the fit columns collapse into one error cell for a run without fit. */
const FIT_COLUMNS: Column[] = [
  { header: 'a ± se', numeric: true, cell: (r) => num(r.fit?.params.a, r.fit ? pm(r.fit.params.a, r.fit.stderr.a) : MISSING) },
  { header: 'b ± se', numeric: true, cell: (r) => num(r.fit?.params.b, r.fit ? pm(r.fit.params.b, r.fit.stderr.b) : MISSING) },
  { header: 'ceiling b − a ± se', numeric: true, cell: (r) => num(r.ceiling?.value, r.ceiling ? pm(r.ceiling.value, r.ceiling.stderr) : MISSING) },
  {
    header: 'ceiling CI',
    numeric: true,
    cell: (r) =>
      num(r.ceiling?.ci[0], r.ceiling ? `${interval(r.ceiling.ci)} ${Math.round(r.ceiling.confidence * 100)}%` : MISSING),
  },
  { header: 'R²', numeric: true, cell: (r) => num(r.fit?.r2) },
  { header: 'RMSE', numeric: true, cell: (r) => num(r.fit?.rmse) },
];

const FORECAST_COLUMNS: Column[] = [
  { header: 'forecast RMSE', numeric: true, cell: (r) => num(r.early?.rmse) },
  { header: 'forecast final error', numeric: true, cell: (r) => num(finalError(r)) },
  { header: 'forecast coverage', numeric: true, cell: (r) => num(r.early?.coverage, percent(r.early?.coverage)) },
];

/** When the ceiling estimate settled within ±tolerance of its final value, as a share of the run and a step. */
const convergenceColumns = (tolerance: number): Column[] => [
  {
    header: `ceiling settled (±${sig(tolerance)})`,
    numeric: true,
    cell: (r) => {
      const s = r.convergence?.settled;
      return num(s?.fraction, s ? `${percent(s.fraction)} · step ${s.step}` : MISSING);
    },
  },
];

/** A forecast in time: where R is heading and when it comes within ε of the ceiling. */
const LIVE_COLUMNS: Column[] = [
  { header: 'R forecast', numeric: true, cell: (r) => num(r.forecast?.predicted, r.forecast ? `${fmt(r.forecast.predicted)} at ${r.forecast.at}` : MISSING) },
  { header: 'steps to ceiling', numeric: true, cell: (r) => num(r.forecast?.stepsToCeiling, r.forecast ? (r.forecast.stepsToCeiling === null ? 'not reached' : String(r.forecast.stepsToCeiling)) : MISSING) },
];

/** What to distrust, by code (the messages are in the run's section). */
const DIAGNOSTIC_COLUMN: Column = { header: 'diagnostics', numeric: false, cell: (r) => text(runDiagnostics(r).map((w) => w.code).join(', ')) };


/** What each run is, where known (inferred from names and configs, or given by a manifest or flags). */
const META_COLUMNS: Column[] = [
  { header: 'model', numeric: false, cell: (r) => text(r.info.model ?? MISSING) },
  { header: 'size', numeric: true, cell: (r) => num(r.info.size, sizeText(r.info.size) ?? MISSING) },
  { header: 'algorithm', numeric: false, cell: (r) => text(r.info.algorithm ?? MISSING) },
  { header: 'dataset', numeric: false, cell: (r) => text(r.info.dataset ?? MISSING) },
];

const ID_COLUMNS: Column[] = [
  { header: 'run', numeric: false, cell: (r) => text(r.info.id) },
  { header: 'format', numeric: false, cell: (r) => text(r.info.format) },
  { header: 'metric', numeric: false, cell: (r) => text(r.info.metric) },
  { header: 'n', numeric: true, cell: (r) => num(r.info.points, String(r.info.points)) },
];

/** Escaped text that may break after its separators, so long ids and keys wrap whole tokens. */
function breakable(t: string): string {
  return escapeHtml(t).replace(/([-_/.,=])/g, '$1<wbr>');
}

/** A cell with its column index and sort key (the page's sort finds cells by `data-col`, not position). */
function td(column: Column, index: number, run: ReportRun): string {
  const { text: t, key } = column.cell(run);
  const cls = column.numeric ? ' class="num"' : column === DIAGNOSTIC_COLUMN ? ' class="diag"' : '';
  return `<td${cls} data-col="${index}" data-key="${escapeHtml(key)}">${column.numeric ? escapeHtml(t) : breakable(t)}</td>`;
}

/**
 * The overview table's HTML. Every cell carries a `data-key` used by the page's sort; log text (run ids,
 * paths, metric keys, error messages) is HTML-escaped. A run without a fit shows its error across the fit
 * columns. The forecast, convergence and live-forecast columns appear only when some run has them; the
 * diagnostics column lists the codes of every run's warnings.
 *
 * @example
 * runTableHtml([run]).startsWith('<table'); // => true
 */
export function runTableHtml(runs: readonly ReportRun[]): string {
  const hasForecast = runs.some((r) => r.early);
  const tolerance = runs.find((r) => r.convergence)?.convergence?.tolerance;
  const hasLive = runs.some((r) => r.forecast !== undefined);
  // Metadata columns come last so that the other columns keep their indices (links and sorts use them).
  const hasMeta = runs.some((r) => r.info.model ?? r.info.size ?? r.info.algorithm ?? r.info.dataset);
  const extra = [...(hasForecast ? FORECAST_COLUMNS : []), ...(tolerance !== undefined ? convergenceColumns(tolerance) : []), ...(hasLive ? LIVE_COLUMNS : []), DIAGNOSTIC_COLUMN];
  const columns = [...ID_COLUMNS, ...FIT_COLUMNS, ...extra, ...(hasMeta ? META_COLUMNS : [])];
  const head = columns
    .map((c, i) => `<th data-col="${i}"${c.numeric ? ' data-numeric="1" class="num"' : ''} tabindex="0">${escapeHtml(c.header)}</th>`)
    .join('');
  const rows = runs.map((run, index) => {
    const cells = ID_COLUMNS.map((c, i) => td(c, i, run));
    // The id cell links to the run's section; its title shows the path the run was read from.
    cells[0] = `<td data-col="0" data-key="${escapeHtml(run.info.id)}" title="${escapeHtml(run.info.source)}"><a href="#run-${index}">${breakable(run.info.id)}</a></td>`;
    const fitStart = ID_COLUMNS.length;
    if (run.fit) cells.push(...FIT_COLUMNS.map((c, i) => td(c, fitStart + i, run)));
    else {
      // No data-col: sorting by a fit column puts runs without a fit last.
      const message = run.error ?? 'no fit';
      cells.push(`<td class="error" colspan="${FIT_COLUMNS.length}">${escapeHtml(message)}</td>`);
    }
    const extraStart = fitStart + FIT_COLUMNS.length;
    cells.push(...extra.map((c, i) => td(c, extraStart + i, run)));
    const metaStart = extraStart + extra.length;
    if (hasMeta) cells.push(...META_COLUMNS.map((c, i) => td(c, metaStart + i, run)));
    return `<tr data-run="${index}">${cells.join('')}</tr>`;
  });
  return `<table id="runs"><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}
