/** The page's stylesheet: system fonts only, print-friendly, no external resources. */
export const PAGE_STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0 auto;
  max-width: 1200px; padding: 16px 24px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 4px; word-break: break-all; }
.summary, .meta { color: #555; }
.meta { font-size: 12px; margin: 0 0 8px; word-break: break-all; }
ul.warnings { background: #fff8e5; border: 1px solid #f0d890; padding: 8px 8px 8px 28px; }
ul.warnings li { word-break: break-word; }
.table-wrap { max-height: 70vh; overflow: auto; border: 1px solid #ddd; }
table#runs { border-collapse: collapse; width: 100%; font-size: 12.5px; }
#runs th, #runs td { padding: 4px 8px; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
#runs th { position: sticky; top: 0; background: #f6f6f6; cursor: pointer; user-select: none; white-space: normal;
  vertical-align: bottom; }
#runs th[aria-sort=ascending]::after { content: " ▲"; }
#runs th[aria-sort=descending]::after { content: " ▼"; }
/* Run ids and metric keys can be long: let them wrap so the numbers stay in view. */
#runs td[data-col="0"], #runs td[data-col="2"] { white-space: normal; word-break: break-all; min-width: 120px; max-width: 260px; }
#runs td.num, #runs th.num { text-align: right; font-variant-numeric: tabular-nums; }
#runs td.error, p.error { color: #a40000; white-space: normal; }
#runs tbody tr:hover { background: #f3f7ff; }
.controls { margin: 8px 0; display: flex; gap: 12px; align-items: center; }
.controls input { font: inherit; padding: 3px 6px; min-width: 240px; }
#run-list { display: flex; flex-wrap: wrap; gap: 16px; }
article.run { border: 1px solid #e3e3e3; border-radius: 4px; padding: 10px 12px; min-width: 0; }
#run-list:not(.compact) article.run { flex: 1 1 100%; }
#run-list.compact article.run { flex: 0 0 auto; width: 290px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.chart { min-height: 40px; }
.pager { margin: 8px 0; }
.pager button { font: inherit; margin: 0 4px; }
details > summary { cursor: pointer; color: #335; font-size: 12px; }
#vg-tooltip-element { visibility: hidden; position: fixed; z-index: 1000; padding: 6px 8px; font-size: 12px;
  background: rgba(255,255,255,0.95); border: 1px solid #bbb; border-radius: 3px; pointer-events: none;
  box-shadow: 1px 1px 3px rgba(0,0,0,0.15); }
#vg-tooltip-element.visible { visibility: visible; }
#vg-tooltip-element table { border-collapse: collapse; }
#vg-tooltip-element td.key { color: #666; padding-right: 6px; text-align: right; }
@media print {
  .controls, .pager { display: none; }
  .table-wrap { max-height: none; overflow: visible; border: 0; }
  article.run { break-inside: avoid; }
}
`;
