/**
 * The page's own script, as plain browser JavaScript in a constant: it is inlined verbatim (and hashed for
 * the Content-Security-Policy), and never assembled from log text. Everything it shows comes from the DOM
 * or from the JSON data block, and it writes text with `textContent` only.
 *
 * What it does:
 * - renders each chart container (`data-chart` = key into the data block's `charts`, whose repeated
 *   parts are put back from `shared` and whose data is unpacked from `datasets`, see `pack.ts`) with vega-embed,
 *   SVG renderer, no actions menu, and expressions run by vega's interpreter (`ast: true`) instead of
 *   generated functions, so the page works under a CSP without 'unsafe-eval';
 *   charts inside a closed `<details>` are rendered when it is first opened;
 * - sorts the overview table by a clicked header (numbers by `data-key`, missing values last) and filters
 *   it by a search box; the per-run sections follow the table's order and filter, `pageSize` per page;
 * - switches the small multiples between their charts (`data-kind` of the containers: R vs H, H and R vs
 *   step, ceiling convergence) and between their own axes and axes shared by all runs: a container with
 *   `data-shared` holds a chart with a `shared` parameter, set before it is drawn and flipped on drawn
 *   views (`view.signal`), so nothing is drawn twice;
 * - marks progress for tests and benchmarks: `data-state` on each chart container (`rendered`/`error`) and
 *   `data-ready` on `<body>` once the charts of the current page are drawn.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = data.charts;
  var datasets = data.datasets;
  var shared = data.shared || {};
  var pageSize = data.pageSize > 0 ? data.pageSize : 1e9;
  var embedOptions = {
    actions: false,
    renderer: 'svg',
    ast: true,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true }
  };

  // A packed dataset (by column) as fresh row objects: vega tags the rows it ingests, so charts never share them.
  function datasetRows(name) {
    var ds = datasets[name];
    var keys = Object.keys(ds.c);
    var out = new Array(ds.n);
    for (var i = 0; i < ds.n; i++) {
      var row = {};
      for (var k = 0; k < keys.length; k++) row[keys[k]] = ds.c[keys[k]][i];
      out[i] = row;
    }
    return out;
  }

  // A spec part stored once in the data block (see pack.ts), as fresh objects for every use.
  function expand(node) {
    if (Array.isArray(node)) return node.map(expand);
    if (node === null || typeof node !== 'object') return node;
    var keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === '$s') return expand(shared[node.$s]);
    var out = {};
    for (var i = 0; i < keys.length; i++) out[keys[i]] = expand(node[keys[i]]);
    return out;
  }

  // Small multiples: shared axes or each its own (the checkbox), and the drawn views that can switch.
  var sharedBox = document.getElementById('sm-shared');
  var sharedOn = sharedBox ? sharedBox.checked : true;
  var switchable = [];

  // The chart's Vega-Lite spec with the datasets it names attached (top-level "datasets"), and the shared
  // axes parameter, if it has one, set to the checkbox's state.
  function specOf(key) {
    var chart = charts[key];
    if (!chart) return null;
    var spec = expand(chart.spec);
    spec.datasets = {};
    chart.data.forEach(function (name) { spec.datasets[name] = datasetRows(name); });
    if (spec.params) {
      spec.params = spec.params.map(function (p) { return p.name === 'shared' ? Object.assign({}, p, { value: sharedOn }) : p; });
    }
    return spec;
  }

  function render(el) {
    if (el.hasAttribute('data-state')) return Promise.resolve();
    var spec = specOf(el.getAttribute('data-chart'));
    if (!spec) return Promise.resolve();
    el.setAttribute('data-state', 'pending');
    return vegaEmbed(el, spec, embedOptions).then(function (result) {
      el.setAttribute('data-state', 'rendered');
      if (el.hasAttribute('data-shared')) switchable.push(result.view);
    }, function (err) {
      el.setAttribute('data-state', 'error');
      el.textContent = 'This chart could not be drawn: ' + (err && err.message ? err.message : String(err));
      console.error(err);
    });
  }

  // Renders the charts that can be seen: not inside a hidden section or a closed <details>.
  function renderVisible() {
    var jobs = [];
    var els = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.closest('[hidden]')) continue;
      var d = el.closest('details');
      if (d && !d.open) continue;
      jobs.push(render(el));
    }
    return Promise.all(jobs);
  }

  document.addEventListener('toggle', function (e) {
    if (e.target && e.target.open) renderVisible();
  }, true);

  // ---- overview table: sort and filter ----
  var table = document.getElementById('runs');
  var rows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
  var sections = {};
  var list = document.getElementById('run-list');
  if (list) {
    var arts = list.querySelectorAll('article[data-run]');
    for (var k = 0; k < arts.length; k++) sections[arts[k].getAttribute('data-run')] = arts[k];
  }
  var filterBox = document.getElementById('filter');
  var filterCount = document.getElementById('filter-count');
  var page = 0;

  function cellKey(row, col) {
    var cells = row.cells;
    for (var i = 0; i < cells.length; i++) {
      if (cells[i].getAttribute('data-col') === col) return cells[i].getAttribute('data-key') || '';
    }
    return '';
  }

  function sortBy(th) {
    var col = th.getAttribute('data-col');
    var numeric = th.hasAttribute('data-numeric');
    var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) ths[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    var keyed = rows.map(function (row, i) { return { row: row, key: cellKey(row, col), i: i }; });
    keyed.sort(function (p, q) {
      // Missing values go last in either direction; ties keep the current order.
      if (p.key === '' || q.key === '') return (p.key === '') - (q.key === '') || p.i - q.i;
      var c = numeric ? Number(p.key) - Number(q.key) : p.key.localeCompare(q.key);
      return dir * c || p.i - q.i;
    });
    rows = keyed.map(function (k) { return k.row; });
    var body = table.tBodies[0];
    rows.forEach(function (row) { body.appendChild(row); });
    page = 0;
    update();
  }

  function matching() {
    var q = filterBox ? filterBox.value.trim().toLowerCase() : '';
    return rows.filter(function (row) {
      var show = q === '' || row.textContent.toLowerCase().indexOf(q) >= 0;
      row.hidden = !show;
      return show;
    });
  }

  // ---- per-run sections: follow the table, one page at a time ----
  var pagers = document.querySelectorAll('.pager');

  function drawPagers(pages) {
    for (var i = 0; i < pagers.length; i++) {
      var nav = pagers[i];
      nav.textContent = '';
      if (pages <= 1) continue;
      var prev = document.createElement('button');
      prev.type = 'button';
      prev.textContent = '‹ previous';
      prev.disabled = page === 0;
      prev.addEventListener('click', function () { goTo(page - 1); });
      var next = document.createElement('button');
      next.type = 'button';
      next.textContent = 'next ›';
      next.disabled = page >= pages - 1;
      next.addEventListener('click', function () { goTo(page + 1); });
      var label = document.createElement('span');
      label.textContent = ' page ' + (page + 1) + ' of ' + pages + ' ';
      nav.appendChild(prev);
      nav.appendChild(label);
      nav.appendChild(next);
    }
  }

  function update() {
    var shown = matching();
    if (filterCount) filterCount.textContent = shown.length + ' of ' + rows.length + ' runs';
    var pages = Math.max(1, Math.ceil(shown.length / pageSize));
    if (page > pages - 1) page = pages - 1;
    var onPage = {};
    shown.slice(page * pageSize, (page + 1) * pageSize).forEach(function (row) { onPage[row.getAttribute('data-run')] = true; });
    rows.forEach(function (row) {
      var s = sections[row.getAttribute('data-run')];
      if (!s) return;
      s.hidden = !onPage[row.getAttribute('data-run')];
      list.appendChild(s);
    });
    drawPagers(pages);
    document.body.removeAttribute('data-ready');
    return renderVisible().then(function () { document.body.setAttribute('data-ready', 'true'); });
  }

  function goTo(p) {
    page = p;
    update();
    if (list) list.scrollIntoView();
  }

  // A link to #run-N opens the page that holds run N (clearing a filter that hides it).
  function showHash() {
    var m = /^#run-(\d+)$/.exec(location.hash);
    if (!m) return;
    var row = table && table.querySelector('tr[data-run="' + m[1] + '"]');
    if (!row) return;
    if (row.hidden && filterBox) filterBox.value = '';
    var shown = matching();
    var at = shown.indexOf(row);
    if (at >= 0) page = Math.floor(at / pageSize);
    update();
    var s = sections[m[1]];
    if (s) s.scrollIntoView();
  }

  if (table) {
    var ths = table.tHead.rows[0].cells;
    for (var t = 0; t < ths.length; t++) {
      ths[t].addEventListener('click', function (e) { sortBy(e.currentTarget); });
      ths[t].addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(e.currentTarget); }
      });
    }
  }
  if (filterBox) filterBox.addEventListener('input', function () { page = 0; update(); });

  // ---- small multiples: which chart, and shared axes ----
  var views = document.querySelectorAll('input[name="sm-view"]');
  function applyKind(kind) {
    var els = list ? list.querySelectorAll('[data-kind]') : [];
    for (var i = 0; i < els.length; i++) els[i].hidden = els[i].getAttribute('data-kind') !== kind;
  }
  function showKind(kind) {
    applyKind(kind);
    document.body.removeAttribute('data-ready');
    return renderVisible().then(function () { document.body.setAttribute('data-ready', 'true'); });
  }
  for (var v = 0; v < views.length; v++) {
    views[v].addEventListener('change', function (e) { if (e.target.checked) showKind(e.target.value); });
  }
  if (sharedBox) {
    sharedBox.addEventListener('change', function () {
      sharedOn = sharedBox.checked;
      document.body.removeAttribute('data-ready');
      Promise.all(switchable.map(function (view) { return view.signal('shared', sharedOn).runAsync(); })).then(function () {
        document.body.setAttribute('data-ready', 'true');
      });
    });
  }
  // A reloaded page (the live report refreshes itself) may come back with another view checked.
  var checkedView = document.querySelector('input[name="sm-view"]:checked');
  if (checkedView) applyKind(checkedView.value);
  window.addEventListener('hashchange', showHash);
  if (/^#run-\d+$/.test(location.hash)) showHash(); else update();
})();
`;
