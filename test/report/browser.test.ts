import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { writeReport, type RenderOptions, type ReportInput, type ReportRun } from '../../src/report/index.ts';
import { acrossRuns, analyzeDataset, analyzeRun, ceilingConvergence, forecastRun, ingest, sliceSeries, type WatchUpdate } from '../../src/index.ts';
import { watchReport } from '../../src/cli/commands/watch.ts';
import { REAL_LOGS } from '../helpers.ts';
import { HOSTILE_IDS, syntheticRun } from './fixtures.ts';
import { chartMarks, cspViolations, launch, recordingPage } from './browser.ts';

let browser: Browser;
let dir: string;
before(async () => {
  [browser, dir] = await Promise.all([launch(), mkdtemp(join(tmpdir(), 'report-browser-'))]);
});
after(() => browser?.close());

/** Writes the report, opens it from file://, waits for every chart of the first page to be drawn. */
async function open(input: ReportInput, name: string, options: RenderOptions = {}) {
  const file = join(dir, name);
  await writeReport(input, file, options);
  const url = pathToFileURL(file).href;
  const { page, log } = await recordingPage(browser);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 20_000 }).catch((e: Error) => {
    throw new Error(`${e.message}\npage errors: ${log.pageErrors.join('; ')}\nconsole: ${log.console.map((m) => m.text).join('; ')}`);
  });
  return { page, log, url };
}

test('the report renders every chart offline, with hostile run names shown as text only', async () => {
  const input: ReportInput = {
    title: 'Report <b>test</b>',
    runs: [
      syntheticRun(HOSTILE_IDS[0], { forecast: true, source: `/logs/${HOSTILE_IDS[0]}` }),
      syntheticRun(HOSTILE_IDS[1], { a: 0.2, b: 0.8, metric: HOSTILE_IDS[1] }),
      syntheticRun('short', { n: 2, error: 'fitEntropyLaw requires at least 3 points (got 2)' }),
    ],
    warnings: [`${HOSTILE_IDS[0]}: 3 lines without entropy (×3)`],
  };
  const { page, log, url } = await open(input, 'hostile.html');
  const charts = await chartMarks(page);
  assert.deepEqual(
    charts.map((c) => c.key),
    ['forest', 'overview', 'law-0', 'time-0', 'law-1', 'time-1', 'law-2', 'time-2'],
  );
  for (const c of charts) {
    assert.equal(c.state, 'rendered', c.key);
    assert.equal(c.svg, true, c.key);
  }
  const [forest, overview, law0, time0, law1, time1, law2, time2] = charts;
  // Ceilings: an interval and a diamond per fitted run.
  assert.deepEqual([forest.rules, forest.symbols], [2, 2]);
  // All runs: 40 + 40 + 2 points, a curve and its band per fitted run.
  assert.deepEqual([overview.symbols, overview.lines, overview.areas], [82, 2, 2]);
  // R vs H: 40 points + the ceiling diamond; the fitted curve and its band; the ceiling's level and CI; its label.
  assert.deepEqual([law0.symbols, law0.lines, law0.areas, law0.rules, law0.texts], [41, 1, 1, 2, 1]);
  assert.deepEqual([law1.symbols, law1.lines, law1.areas, law1.rules], [41, 1, 1, 2]);
  // Unfitted run: its 2 points, no curve, no band, no ceiling.
  assert.deepEqual([law2.symbols, law2.lines, law2.areas, law2.rules], [2, 0, 0, 0]);
  // Time series: two lines with a point per step and the ceiling's level and band; the forecast adds its
  // dashed prediction, its interval and the end of its fit.
  assert.deepEqual([time0.lines, time0.symbols, time0.rules, time0.areas, time0.rects], [3, 80, 2, 1, 1]);
  assert.deepEqual([time1.lines, time1.symbols, time1.rules, time1.areas, time1.rects], [2, 80, 1, 0, 1]);
  assert.deepEqual([time2.lines, time2.symbols, time2.rules], [2, 4, 0]);
  // Every mark has a legend entry; the legends name what the marks are.
  const legends = await page.$$eval('[data-chart="time-0"] .role-legend-label text', (ts) => ts.map((t) => t.textContent));
  assert.deepEqual(legends, ['entropy H', 'R', 'ceiling b − a, 95% CI', 'fit on first 30%, 90% interval', 'end of that fit (12 points)']);
  // The forest plot names the runs by the label text, never as markup.
  const forestLabels = await page.$$eval('[data-chart="forest"] .role-axis-label text', (ts) => ts.map((t) => t.textContent));
  assert.ok(forestLabels.includes(HOSTILE_IDS[0]));

  // Clicking a run's legend label highlights its curve and fades the other.
  const curveOpacity = () => page.$$eval('[data-chart="overview"] g.mark-line.role-mark path', (ps) => ps.map((p) => p.getAttribute('opacity')));
  assert.deepEqual(await curveOpacity(), ['1', '1']);
  const label = page.locator('[data-chart="overview"] .role-legend-label text', { hasText: '</script><script>' });
  const box = (await label.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => document.querySelector('[data-chart="overview"] g.mark-line.role-mark path')?.getAttribute('opacity') === '0.12');
  assert.deepEqual(await curveOpacity(), ['0.12', '1']);

  // A tooltip on hover (vega-tooltip, styled by the page's own stylesheet under the policy).
  // The points the fit used are the chart's last (topmost) symbol layer.
  await page.locator('[data-chart="law-1"] g.mark-symbol.role-mark').last().locator('path').first().hover();
  await page.waitForSelector('#vg-tooltip-element.visible');
  // The first point: step 0, H = 1 (the fixture's start), R with 4 decimals.
  assert.match((await page.textContent('#vg-tooltip-element')) ?? '', /^step0H1\.0000R0\.\d{4}$/);

  // The hostile names come back as the exact text, in headings, table and warnings; nothing ran.
  const headings = await page.$$eval('article.run h3', (hs) => hs.map((h) => h.textContent));
  assert.deepEqual(headings, [...HOSTILE_IDS, 'short']);
  assert.equal(await page.title(), 'Report <b>test</b>');
  assert.equal(await page.$$eval('#warnings li', (li) => li[0].textContent), `${HOSTILE_IDS[0]}: 3 lines without entropy (×3)`);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('#runs td.error').textContent(), 'fitEntropyLaw requires at least 3 points (got 2)');
  assert.deepEqual(log.dialogs, []);
  assert.deepEqual(log.pageErrors, []);
  // No console errors or warnings: a CSP violation, a failed chart or a Vega-Lite warning would show here.
  assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  assert.deepEqual(log.requests, [url]);
  await page.screenshot({ path: join(tmpdir(), 'entropy-law-report.png'), fullPage: true });

  // Content-Security-Policy: only the page's own inline scripts (by hash), no 'unsafe-eval'; the charts
  // above rendered under it, so vega ran without eval, and nothing was refused.
  const policy = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content') ?? '');
  assert.match(policy, /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=*'( 'sha256-[A-Za-z0-9+/]+=*'){3};/);
  assert.doesNotMatch(policy, /unsafe-eval|script-src[^;]*unsafe-inline/);
  assert.deepEqual(await cspViolations(page), []);
  // The policy is in force: a script element added later does not run, and the refusal is reported.
  const injected = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'document.body.setAttribute("data-injected", "1")';
    document.body.appendChild(s);
    return document.body.getAttribute('data-injected');
  });
  assert.equal(injected, null);
  await page.waitForFunction(() => (window as unknown as { cspViolations: string[] }).cspViolations.length > 0);
  assert.deepEqual(await cspViolations(page), ['script-src-elem: inline']);
  await page.close();
});

test('500 runs: overview, sort, filter, pages of small multiples, links to a run', async () => {
  const runs = Array.from({ length: 500 }, (_, i) =>
    syntheticRun(`run-${String(i).padStart(3, '0')}`, { a: 0.1 + (0.2 * ((i * 37) % 500)) / 500, b: 0.7, n: 8 }),
  );
  runs[7] = syntheticRun(HOSTILE_IDS[1], { n: 8 });
  // Ten runs a page keeps the test quick; the page size is the only difference from the default.
  const { page, log } = await open({ runs, warnings: [] }, 'many.html', { pageSize: 10 });
  const rowIds = () => page.$$eval('#runs tbody tr:not([hidden]) td[data-col="0"]', (tds) => tds.map((td) => td.textContent));
  // Small multiples are headed by the part of the name that differs; the full name is the heading's title.
  const shownSections = () => page.$$eval('#run-list article:not([hidden]) h3', (hs) => hs.map((h) => h.getAttribute('title')));

  // First page: the ceilings, all runs, 10 small multiples (R vs H; the other views hidden), in table order; 50 pages.
  assert.equal(await page.locator('#run-list.compact').count(), 1);
  let charts = await chartMarks(page);
  assert.deepEqual(charts.map((c) => c.key), ['forest', 'overview', ...runs.slice(0, 10).map((_, i) => `law-${i}`)]);
  assert.ok(charts.every((c) => c.state === 'rendered'));
  assert.deepEqual(charts.slice(2).map((c) => c.symbols), Array(10).fill(9));
  // 500 ceilings: a caterpillar plot, an interval and a point per run.
  assert.deepEqual([charts[0].rules, charts[0].symbols], [500, 500]);
  // All runs draw a curve each; with this many runs a drop-down (listing them all) replaces the legend.
  assert.equal(charts[1].lines, 500);
  const options = await page.$$eval('[data-chart="overview"] select option', (os) => os.map((o) => o.textContent));
  assert.equal(options.length, 501);
  assert.equal(options[8], HOSTILE_IDS[1]);
  assert.match((await page.locator('.pager').first().textContent()) ?? '', /page 1 of 50/);
  await page.selectOption('[data-chart="overview"] select', { label: HOSTILE_IDS[1] });
  await page.waitForFunction(() => document.querySelector('[data-chart="overview"] g.mark-line.role-mark path')?.getAttribute('opacity') === '0.05');
  const opacities = await page.$$eval('[data-chart="overview"] g.mark-line.role-mark path', (ps) => ps.map((p) => p.getAttribute('opacity')));
  // The picked run stands out; the others fade.
  assert.deepEqual([opacities.filter((o) => o === '1').length, opacities.filter((o) => o === '0.05').length], [1, 499]);
  assert.equal(opacities[7], '1');

  // Sort by a (column 4), descending on the second click: the largest a first.
  await page.click('#runs th[data-col="4"]');
  await page.click('#runs th[data-col="4"]');
  await page.waitForSelector('body[data-ready="true"]');
  const byA = runs.map((r) => ({ id: r.info.id, a: r.fit!.params.a })).sort((p, q) => q.a - p.a);
  assert.deepEqual((await rowIds()).slice(0, 5), byA.slice(0, 5).map((r) => r.id));
  assert.deepEqual(await shownSections(), byA.slice(0, 10).map((r) => r.id));

  // Next page: the next 10 runs in that order, drawn.
  await page.click('.pager button:last-child');
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await shownSections(), byA.slice(10, 20).map((r) => r.id));
  charts = await chartMarks(page);
  assert.ok(charts.every((c) => c.state === 'rendered'));

  // Filter: matching rows only, the count says so; the hostile id is matched as text.
  await page.fill('#filter', 'run-04');
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal((await rowIds()).length, 10);
  assert.equal(await page.textContent('#filter-count'), '10 of 500 runs');
  await page.fill('#filter', '</script>');
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await rowIds(), [HOSTILE_IDS[1]]);
  assert.deepEqual(await shownSections(), [HOSTILE_IDS[1]]);

  // A link to a run on another page clears the filter that hides it and opens its page.
  await page.evaluate(() => (location.hash = '#run-499'));
  await page.waitForFunction(() => {
    const s = document.getElementById('run-499');
    return s !== null && !s.hidden && document.body.getAttribute('data-ready') === 'true';
  });
  assert.equal(await page.inputValue('#filter'), '');
  // Switching the small multiples to H and R against step draws those charts, for the runs shown only.
  await page.check('input[name="sm-view"][value="time"]');
  await page.waitForSelector('#run-499 [data-chart="time-499"][data-state="rendered"]');
  await page.waitForSelector('body[data-ready="true"]');
  // The page that holds run 499: its ten runs drawn, none of another page.
  assert.equal(await page.locator('#run-list article:not([hidden]) [data-chart^="time-"][data-state="rendered"]').count(), 10);
  assert.equal(await page.locator('#run-list article[hidden] [data-chart^="time-"][data-state="rendered"]').count(), 0);
  assert.equal(await page.locator('#run-499 [data-chart="law-499"]').isVisible(), false);

  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  assert.deepEqual(await cspViolations(page), []);
  await page.close();
});

/** The synthetic runs (test/fixtures/synthetic) as the report command analyses them: early forecast, convergence, across runs. */
async function sampleInput(): Promise<ReportInput> {
  const dataset = await ingest([new URL('../fixtures/synthetic/', import.meta.url).pathname]);
  const runs = analyzeDataset(dataset, { fraction: 0.15 }) as ReportRun[];
  for (const run of runs) run.convergence = ceilingConvergence(run);
  return { runs, warnings: [], across: acrossRuns(runs, { predictSize: 72e9 }) };
}

test('five sample runs: the ceilings, the F-test and scaling, how early each ceiling was known, every chart drawn', async () => {
  const input = await sampleInput();
  const { page, log, url } = await open(input, 'five.html');
  const charts = await chartMarks(page);
  assert.deepEqual(charts.map((c) => c.key), ['forest', 'scaling-0', 'settle', 'overview', ...input.runs.flatMap((_, i) => [`law-${i}`, `time-${i}`, `conv-${i}`])]);
  assert.ok(charts.every((c) => c.state === 'rendered' && c.svg), JSON.stringify(charts.filter((c) => c.state !== 'rendered')));
  const byKey = new Map(charts.map((c) => [c.key, c]));
  // Five ceilings, each an interval and a diamond, in a block per model.
  assert.deepEqual([byKey.get('forest')!.rules, byKey.get('forest')!.symbols], [5, 5]);
  // a and b: per panel the band, the fitted and the extrapolated line, the four Qwen runs with their
  // intervals, and the 72B prediction with its interval.
  const scaling = byKey.get('scaling-0')!;
  assert.deepEqual([scaling.areas, scaling.lines, scaling.symbols, scaling.rules], [2, 4, 2 * 4 + 2, 2 * 4 + 2]);
  // Share settled: two step curves with a point per step.
  assert.equal(byKey.get('settle')!.lines, 2);
  for (let i = 0; i < input.runs.length; i++) {
    const c = input.runs[i].convergence!;
    const conv = byKey.get(`conv-${i}`)!;
    const withCeiling = c.cuts.filter((x) => x.ceiling).length;
    // Each cut's estimate (a point), its band, the final ±0.01 band and level, and the rules where it settled.
    assert.equal(conv.symbols, withCeiling, `conv-${i}`);
    assert.deepEqual([conv.areas, conv.lines, conv.rects], [1, 1, 1], `conv-${i}`);
    assert.equal(conv.rules, 1 + (c.settled ? 1 : 0) + (c.precise ? 1 : 0), `conv-${i}`);
  }
  assert.equal(await page.locator('#across table.plain tbody tr').count(), 1);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  assert.deepEqual(log.requests, [url]);
  assert.deepEqual(log.dialogs, []);
  await page.close();
});

test('25 runs: small multiples switch between their charts and between shared and own axes', async () => {
  const runs = Array.from({ length: 25 }, (_, i) => syntheticRun(i === 3 ? HOSTILE_IDS[0] : `run-${String(i).padStart(2, '0')}`, { a: 0.1 + 0.01 * i, b: 0.6 + 0.01 * (i % 5), n: 20 + i, convergence: true }));
  const { page, log } = await open({ runs, warnings: [] }, 'twenty-five.html');
  // Each axis's tick labels, sorted (a view that switches its domain reuses its text elements in another order).
  const yLabels = (key: string) => page.$$eval(`[data-chart="${key}"] .role-axis`, (axes) => axes.map((a) => Array.from(a.querySelectorAll('.role-axis-label text')).map((t) => t.textContent).sort().join(' ')));
  let charts = await chartMarks(page);
  assert.deepEqual(charts.filter((c) => c.key.startsWith('law-')).length, 20);
  // Shared axes (the default): every run's R vs H has the same axes.
  assert.deepEqual(await yLabels('law-0'), await yLabels('law-19'));
  // Ceiling convergence: each run's estimates against the share of the run used.
  await page.check('input[name="sm-view"][value="conv"]');
  await page.waitForSelector('body[data-ready="true"]');
  charts = await chartMarks(page);
  const conv = charts.filter((c) => c.key.startsWith('conv-'));
  assert.equal(conv.length, 20);
  conv.forEach((c) => assert.equal(c.symbols, runs[Number(c.key.slice(5))].convergence!.cuts.filter((x) => x.ceiling).length, c.key));
  assert.equal(charts.filter((c) => c.key.startsWith('law-')).length, 0);
  assert.deepEqual(await yLabels('conv-0'), await yLabels('conv-19'));
  // Own axes: the drawn charts switch without being drawn again, each to its own domain.
  await page.uncheck('#sm-shared');
  await page.waitForSelector('body[data-ready="true"]');
  await page.check('input[name="sm-view"][value="law"]');
  await page.waitForSelector('body[data-ready="true"]');
  assert.notDeepEqual(await yLabels('law-0'), await yLabels('law-19'));
  await page.check('#sm-shared');
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await yLabels('law-0'), await yLabels('law-19'));
  // The hostile name heads its small multiple as text.
  assert.equal(await page.textContent('#run-3 h3'), HOSTILE_IDS[0]);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  assert.deepEqual(log.dialogs, []);
  await page.close();
});

test('the live page of watch --report: the forecast with its interval, the ceiling over time, steps to it, the diagnostics', async () => {
  const data = await ingest([REAL_LOGS]);
  const i = data.runs.findIndex((r) => r.id.includes('0.567'));
  // The run as a watch sees it after 26 of its 43 points.
  const series = sliceSeries(data.series[i], 0, 26);
  const info = { ...data.runs[i], points: 26 };
  const analysis = analyzeRun(series, {}, info);
  const forecast = forecastRun(analysis);
  const update: WatchUpdate = { run: info.id, metric: info.metric, points: 26, info, series, analysis, forecast, warnings: [] };
  const input = watchReport(update);
  const { page, log } = await open(input, 'live.html');
  assert.equal(await page.getAttribute('meta[http-equiv="refresh"]', 'content'), '5');
  const charts = await chartMarks(page);
  assert.deepEqual(charts.map((c) => c.key), ['time-0', 'conv-0', 'law-0']);
  const [time, conv] = charts;
  // R and H against step with the forecast ahead: its interval (an area), its dashed R and H, and the rule
  // where R comes within 0.01 of the ceiling (the path runs on to it).
  assert.ok(forecast.ceilingStep !== null, 'the forecast reaches the ceiling');
  assert.equal(input.runs[0].forecastPath!.points.at(-1)!.step, forecast.ceilingStep);
  assert.deepEqual([time.areas, time.rects], [1, 1]);
  assert.equal(time.lines, 4);
  assert.equal(time.rules, 2);
  const legend = await page.$$eval('[data-chart="time-0"] .role-legend-label text', (ts) => ts.map((t) => t.textContent));
  assert.ok(legend.includes('forecast in time (90% interval)'));
  assert.ok(legend.includes(`within 0.01 of the ceiling at step ${forecast.ceilingStep}`));
  // The ceiling over time: the estimate after each point so far.
  assert.equal(conv.symbols, input.runs[0].convergence!.cuts.filter((x) => x.ceiling).length);
  const numbers = await page.$$eval('#run-0 ul.numbers li', (li) => li.map((l) => l.textContent ?? ''));
  assert.ok(numbers.some((n) => n.startsWith(`forecast at step ${forecast.at}: R = `)));
  assert.ok(numbers.some((n) => n.includes(`within 0.01 of the ceiling at step ${forecast.ceilingStep}, ${forecast.stepsToCeiling} steps on`)));
  assert.ok(numbers.some((n) => /the estimate has stayed within ±0\.01 of the current estimate since step \d+/.test(n) || /moved by more than/.test(n)));
  assert.deepEqual(await page.$$eval('#run-0 ul.diagnostics code', (c) => c.map((x) => x.textContent)), ['format-learning']);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  await page.close();
});
