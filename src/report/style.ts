/** The page's stylesheet: system fonts only, print-friendly, no external resources. */
export const PAGE_STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0 auto;
  max-width: 1280px; padding: 16px 24px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 4px; overflow-wrap: break-word; }
section > h3 { font-size: 14px; margin: 14px 0 6px; }
.summary, .meta, .note { color: #555; }
.meta { font-size: 12px; margin: 0 0 8px; overflow-wrap: break-word; }
.note { font-size: 12.5px; margin: 4px 0 8px; max-width: 900px; }
ul.numbers { margin: 4px 0 8px; padding-left: 20px; font-size: 13px; }
ul.numbers li:first-child { font-weight: 600; }
ul.diagnostics { margin: 4px 0 10px; padding: 6px 8px 6px 26px; font-size: 12.5px; background: #fff8e5; border: 1px solid #f0d890; }
ul.diagnostics code, .warn { font-size: 11.5px; color: #7a4b00; }
.warn { white-space: nowrap; }
ul.diagnostics code { background: #fdecc0; padding: 0 4px; border-radius: 3px; margin-right: 4px; }
p.ok { font-size: 12.5px; color: #2d6a2d; margin: 4px 0 8px; }
table.plain { border-collapse: collapse; font-size: 12.5px; margin: 4px 0 8px; }
table.plain th, table.plain td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; }
table.plain .num { text-align: right; font-variant-numeric: tabular-nums; }
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
#runs td[data-col="0"], #runs td[data-col="2"] { white-space: normal; overflow-wrap: break-word; min-width: 120px; max-width: 260px; }
#runs td.diag { white-space: normal; min-width: 120px; font-size: 11.5px; color: #7a4b00; }
#runs td.num, #runs th.num { text-align: right; font-variant-numeric: tabular-nums; }
#runs td.error, p.error { color: #a40000; white-space: normal; }
#runs tbody tr:hover { background: #f3f7ff; }
.controls { margin: 8px 0; display: flex; gap: 12px; align-items: center; }
.controls input[type=search] { font: inherit; padding: 3px 6px; min-width: 240px; }
#run-list { display: flex; flex-wrap: wrap; gap: 16px; }
article.run { border: 1px solid #e3e3e3; border-radius: 4px; padding: 10px 12px; min-width: 0; }
#run-list:not(.compact) article.run { flex: 1 1 100%; }
/* Small multiples fill the width: as many columns of equal width as fit. */
#run-list.compact { display: grid; grid-template-columns: repeat(auto-fill, minmax(272px, 1fr)); gap: 10px; }
#run-list.compact article.run { padding: 6px 8px; display: flex; flex-direction: column; }
/* Headings of one or two lines: the charts of a row still line up, at the bottom of their boxes. */
#run-list.compact .charts { margin-top: auto; }
#run-list.compact article.run[hidden] { display: none; }
#run-list.compact h3 { font-size: 13px; }
#run-list.compact .meta { margin-bottom: 2px; }
.sm-controls label { margin-right: 6px; }
.sm-controls .toggle { margin-left: 12px; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: flex-start; }
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
