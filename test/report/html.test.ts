import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml, jsonForScript, renderReport, shortKey, unpackChart, writeReport } from '../../src/report/index.ts';
import { HOSTILE_IDS, syntheticRun } from './fixtures.ts';

/** The page without the bodies of its code scripts (the inlined libraries contain markup in strings). */
const markupOnly = (html: string) => html.replace(/<script>[^]*?<\/script>/g, '<script></script>');

test('escapeHtml escapes the five markup characters', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('jsonForScript escapes < > & U+2028 U+2029 and round-trips through JSON.parse', () => {
  const value = { run: '</script><!-- & \u2028\u2029 >', n: [1, 2.5, -0], bad: NaN };
  const text = jsonForScript(value);
  assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  assert.equal(text.includes('\\u003c/script\\u003e'), true);
  assert.deepEqual(JSON.parse(text), { run: value.run, n: [1, 2.5, 0], bad: null });
});

test('hostile run names, paths, metrics and warnings appear only escaped', () => {
  const runs = HOSTILE_IDS.map((id, i) =>
    syntheticRun(id, { source: `/logs/${id}`, metric: id, error: i === 1 ? `cannot fit ${id}` : undefined }),
  );
  const html = renderReport({ title: HOSTILE_IDS[1], runs, warnings: [`${HOSTILE_IDS[0]}: bad line`] });
  for (const id of HOSTILE_IDS) assert.equal(html.includes(id), false, `raw ${id} in the page`);
  assert.equal(html.includes(escapeHtml(HOSTILE_IDS[0])), true);
  assert.equal(html.includes(escapeHtml(HOSTILE_IDS[1])), true);
  // Only the page's own script elements: the three libraries, the page script and the data block.
  const opens = html.match(/<script\b[^>]*>/gi) ?? [];
  assert.deepEqual(opens, ['<script type="application/json" id="report-data">', '<script>', '<script>', '<script>', '<script>']);
  assert.equal((html.match(/<\/script>/gi) ?? []).length, 5);
  assert.equal((markupOnly(html).match(/<img\b/gi) ?? []).length, 0);
  // The data block parses and carries the names unchanged.
  const block = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html)![1];
  const data = JSON.parse(block);
  assert.equal((unpackChart(data, 'law-0') as any).layer[1].encoding.y.title, `R: ${shortKey(HOSTILE_IDS[0])}`);
  assert.deepEqual(data.runs.map((r: any) => r.run), HOSTILE_IDS);

});

test('the page is self-contained: no external URL is loaded, no online editor, no web font', () => {
  const html = renderReport({ runs: [syntheticRun('r1')], warnings: [] });
  assert.doesNotMatch(markupOnly(html), /<(link|iframe|img|object|embed)\b/i);
  assert.doesNotMatch(html, /<script[^>]+src=/i);
  assert.doesNotMatch(html, /@import|@font-face|sourceMappingURL/);
  // vega-embed is told not to show its actions menu (which links to the online editor).
  assert.match(html, /actions: false/);
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-/);
});

test('the table shows a, b, ceiling with CI, R², RMSE, forecast errors, and the error of an unfitted run', () => {
  const good = syntheticRun('good', { forecast: true });
  const bad = syntheticRun('short', { n: 2, error: 'fitEntropyLaw requires at least 3 points (got 2)' });
  const html = renderReport({ runs: [good, bad], warnings: [] });
  const table = /<table id="runs">[^]*?<\/table>/.exec(html)![0];
  const { a, b } = good.fit!.params;
  assert.equal(table.includes(`${a.toFixed(4)} ± ${good.fit!.stderr.a.toFixed(4)}`), true);
  assert.equal(table.includes(`${b.toFixed(4)} ± ${good.fit!.stderr.b.toFixed(4)}`), true);
  const c = good.ceiling!;
  assert.equal(table.includes(`>${c.value.toFixed(4)} ± ${c.stderr.toFixed(4)}<`), true);
  assert.equal(table.includes(`>[${c.ci[0].toFixed(4)}, ${c.ci[1].toFixed(4)}] 95%<`), true);
  assert.equal(table.includes(`>${good.fit!.r2.toFixed(4)}<`), true);
  assert.equal(table.includes(`>${good.early!.rmse!.toFixed(4)}<`), true);
  const final = good.early!.final!;
  assert.equal(table.includes(`>${Math.abs(final.predicted - final.actual).toFixed(4)}<`), true);
  assert.match(table, /<td class="error" colspan="6">fitEntropyLaw requires at least 3 points \(got 2\)<\/td>/);
  assert.doesNotMatch(markupOnly(html), /NaN/);
});

test('writeReport writes the same page renderReport returns', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'report-'));
  const input = { runs: [syntheticRun('r1')], warnings: ['w'] };
  const path = join(dir, 'r.html');
  await writeReport(input, path);
  assert.equal(await readFile(path, 'utf8'), renderReport(input));
});

test('a report with no runs is still a valid page', () => {
  const html = renderReport({ runs: [], warnings: [] });
  assert.match(html, /<p class="summary">0 runs, 0 fitted/);
  assert.doesNotMatch(html, /data-chart=/);
  const block = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html)![1];
  assert.deepEqual(JSON.parse(block), { pageSize: 20, charts: {}, datasets: {}, shared: {}, runs: [] });
});

test('refreshSeconds adds a meta refresh; a bad period is a usage error', () => {
  const run = syntheticRun('r1');
  assert.match(renderReport({ runs: [run], warnings: [], refreshSeconds: 5 }), /<meta http-equiv="refresh" content="5">/);
  assert.doesNotMatch(renderReport({ runs: [run], warnings: [] }), /http-equiv="refresh"/);
  assert.throws(() => renderReport({ runs: [run], warnings: [], refreshSeconds: NaN }), {
    name: 'UsageError',
    message: 'invalid refreshSeconds: NaN (expected a positive number)',
  });
});

test('the run table shows model, size, algorithm and dataset where known, escaped, after the other columns', () => {
  const known = syntheticRun('qwen-7b-grpo');
  Object.assign(known.info, { model: '<b>qwen2.5</b>', size: 7e9, algorithm: 'grpo', dataset: 'gsm8k' });
  const small = syntheticRun('tiny');
  Object.assign(small.info, { size: 5e8 });
  const html = markupOnly(renderReport({ runs: [known, small], warnings: [] }));
  const headers = [...html.matchAll(/<th data-col="(\d+)"[^>]*>([^<]*)<\/th>/g)].map((m) => m[2]);
  assert.deepEqual(headers.slice(-4), ['model', 'size', 'algorithm', 'dataset']);
  assert.equal(headers[0], 'run');
  assert.equal(html.includes('&lt;b&gt;qwen2.5&lt;/b&gt;'), true);
  assert.match(html, />7B<\/td>/);
  assert.match(html, />0.5B<\/td>/);
  // Without any metadata the columns are left out.
  const bare = markupOnly(renderReport({ runs: [syntheticRun('plain')], warnings: [] }));
  assert.equal(/<th[^>]*>model<\/th>/.test(bare), false);
});

/** The data block of a rendered page. */
const dataOf = (html: string) => JSON.parse(/<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html)![1]);
const sections = (html: string) => [...markupOnly(html).matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);

test('one run: its section first (key numbers, diagnostics, three charts), no chart across runs', () => {
  const run = syntheticRun('solo', { forecast: true, convergence: true, burnIn: 2 });
  run.warnings = [{ code: 'format-learning', message: 'the first 2 point(s) lie far below the law <b>' }];
  const html = renderReport({ runs: [run], warnings: [] });
  assert.deepEqual(sections(html), ['details', 'table']);
  const data = dataOf(html);
  assert.deepEqual(Object.keys(data.charts), ['law-0', 'time-0', 'conv-0']);
  const body = markupOnly(html);
  assert.match(body, /<ul class="numbers"><li>ceiling b − a = 0\.\d{4}, 95% CI \[0\.\d{4}, 0\.\d{4}\] \(38 points, R² 0\.\d{3}\)<\/li>/);
  const settled = run.convergence!.settled!;
  assert.ok(body.includes(`the estimate was within ±0.01 of the final value from step ${settled.step} on`));
  assert.match(body, /fit on the first 30% \(12 points\): the rest forecast with RMSE 0\.\d{4}/);
  assert.ok(body.includes('<li><code>format-learning</code> the first 2 point(s) lie far below the law &lt;b&gt;</li>'));
  assert.match(body, /38 of 40 points used \(2 burn-in\)/);
});

test('five runs: ceilings, how early they were known, all runs, the table, a section each', () => {
  const runs = Array.from({ length: 5 }, (_, i) => syntheticRun(`qwen2.5-7b-grpo-seed${i}`, { b: 0.7 + 0.01 * i, convergence: true, meta: { model: 'qwen2.5', size: 7e9, algorithm: 'grpo' } }));
  const html = renderReport({ runs, warnings: [] });
  assert.deepEqual(sections(html), ['ceilings', 'convergence', 'overview', 'table', 'details']);
  const data = dataOf(html);
  for (const key of ['forest', 'settle', 'overview', 'law-4', 'time-4', 'conv-4']) assert.ok(data.charts[key], key);
  assert.equal((markupOnly(html).match(/<article class="run"/g) ?? []).length, 5);
  assert.doesNotMatch(markupOnly(html), /class="controls sm-controls"/);
  // The table: when each ceiling settled, and the diagnostics column.
  assert.match(html, /<th[^>]*>ceiling settled \(±0\.01\)<\/th>/);
  assert.match(html, /<th[^>]*>diagnostics<\/th>/);
  const s = runs[0].convergence!.settled!;
  assert.ok(html.includes(`>${Math.round(s.fraction * 100)}% · step ${s.step}</td>`));
});

test('25 runs: small multiples with a view switch and shared axes, each chart able to switch', () => {
  const runs = Array.from({ length: 25 }, (_, i) => syntheticRun(`run-${i}`, { a: 0.1 + 0.004 * i, convergence: true }));
  const html = renderReport({ runs, warnings: [] });
  const body = markupOnly(html);
  assert.match(body, /<div id="run-list" class="compact">/);
  assert.match(body, /<input type="radio" name="sm-view" value="law" checked> R against H/);
  assert.match(body, /<input type="checkbox" id="sm-shared" checked> shared axes/);
  assert.equal((body.match(/data-kind="law" data-shared="1"><\/div>/g) ?? []).length, 25);
  assert.equal((body.match(/data-kind="conv" data-shared="1" hidden><\/div>/g) ?? []).length, 25);
  const data = dataOf(html);
  // Every small multiple has the shared-axes parameter; the law charts all share one domain when it is on.
  const exprs = new Set<string>();
  for (let i = 0; i < 25; i++) {
    for (const kind of ['law', 'time', 'conv']) assert.deepEqual((unpackChart(data, `${kind}-${i}`) as any).params, [{ name: 'shared', value: true }], `${kind}-${i}`);
    exprs.add((unpackChart(data, `law-${i}`) as any).layer[1].encoding.x.scale.domain.expr.split(' : ')[0]);
  }
  assert.equal(exprs.size, 1);
});

test('across runs: the F-test table and the scaling chart when the runs allow them, reasons when not', () => {
  const runs = [syntheticRun('q-a'), syntheticRun('q-b')];
  const fit = { intercept: 0.1, slope: 0.02, stderr: { intercept: 0.01, slope: 0.005 }, ci: { intercept: [0.08, 0.12] as [number, number], slope: [0.01, 0.03] as [number, number] }, covariance: [[1e-4, 0], [0, 2.5e-5]] as [[number, number], [number, number]], scale: 1, dof: 1, confidence: 0.95 };
  const across = {
    groupBy: 'model' as const,
    pooled: [
      { group: 'qwen2.5 7B', runs: ['q-a', 'q-b'], test: { shared: ['a', 'b'], f: 0.19, pValue: 0.83 } as any },
      { group: 'unknown', runs: ['x', 'y'], error: 'model and size unknown <i>' },
    ],
    scaling: [
      { model: 'qwen2.5', runs: [{ run: 'q-a', size: 0.5 }, { run: 'q-b', size: 7 }], fits: { a: fit, b: fit } },
      { model: 'llama', runs: [], error: 'needs fitted runs of at least 3 model sizes (has 1)' },
    ],
    predictions: [],
  };
  const html = renderReport({ runs, warnings: [], across });
  const body = markupOnly(html);
  assert.ok(sections(html).includes('across'));
  assert.match(body, /<tr><td>qwen2\.5 7B<\/td><td class="num">2<\/td><td>a, b<\/td><td class="num">0\.190<\/td><td class="num">0\.8300<\/td><td>one curve is consistent<\/td><\/tr>/);
  assert.ok(body.includes('No test for unknown: model and size unknown &lt;i&gt;.'));
  assert.ok(body.includes('No scaling fit for llama: needs fitted runs of at least 3 model sizes (has 1).'));
  assert.ok(dataOf(html).charts['scaling-0']);
  // Nothing to show: no section.
  assert.ok(!sections(renderReport({ runs, warnings: [], across: { groupBy: 'model', pooled: [], scaling: [], predictions: [] } })).includes('across'));
});
