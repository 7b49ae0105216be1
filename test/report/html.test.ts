import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml, jsonForScript, renderReport, writeReport } from '../../src/report/index.ts';
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
  assert.equal(data.charts['law-0'].spec.layer[0].encoding.y.title, `R (${HOSTILE_IDS[0]})`);
  assert.deepEqual(data.datasets[data.charts.overview.data[0]].c.run.slice(0, 1), [HOSTILE_IDS[0]]);
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
  assert.deepEqual(JSON.parse(block), { pageSize: 20, charts: {}, datasets: {}, runs: [] });
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
  assert.match(html, />500M<\/td>/);
  // Without any metadata the columns are left out.
  const bare = markupOnly(renderReport({ runs: [syntheticRun('plain')], warnings: [] }));
  assert.equal(/<th[^>]*>model<\/th>/.test(bare), false);
});
