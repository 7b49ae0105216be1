import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { writeReport, type RenderOptions, type ReportInput } from '../../src/report/index.ts';
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
    ['overview', 'law-0', 'time-0', 'law-1', 'time-1', 'law-2', 'time-2'],
  );
  for (const c of charts) {
    assert.equal(c.state, 'rendered', c.key);
    assert.equal(c.svg, true, c.key);
  }
  const [overview, law0, time0, law1, time1, law2, time2] = charts;
  // All runs: 40 + 40 + 2 points, a curve per fitted run.
  assert.deepEqual([overview.symbols, overview.lines], [82, 2]);
  // R vs H: 40 points + the ceiling diamond; one fitted curve; the ceiling's dashed rule and its CI; its label.
  assert.deepEqual([law0.symbols, law0.lines, law0.rules, law0.texts > 0], [41, 1, 2, true]);
  assert.deepEqual([law1.symbols, law1.lines, law1.rules], [41, 1, 2]);
  // Unfitted run: its 2 points, no curve, no ceiling.
  assert.deepEqual([law2.symbols, law2.lines, law2.rules], [2, 0, 0]);
  // Time series: two lines with a point per step; the forecast adds a dashed prediction and a rule.
  assert.deepEqual([time0.lines, time0.symbols, time0.rules], [3, 80, 1]);
  assert.deepEqual([time1.lines, time1.symbols, time1.rules], [2, 80, 0]);
  assert.deepEqual([time2.lines, time2.symbols], [2, 4]);

  // Clicking a run's legend label highlights its curve and fades the other.
  const curveOpacity = () => page.$$eval('[data-chart="overview"] g.mark-line.role-mark path', (ps) => ps.map((p) => p.getAttribute('opacity')));
  assert.deepEqual(await curveOpacity(), ['1', '1']);
  const label = page.locator('[data-chart="overview"] .role-legend-label text', { hasText: 'alert(1)</script>' });
  const box = (await label.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => document.querySelector('[data-chart="overview"] g.mark-line.role-mark path')?.getAttribute('opacity') === '0.12');
  assert.deepEqual(await curveOpacity(), ['0.12', '1']);

  // A tooltip on hover (vega-tooltip, styled by the page's own stylesheet under the policy).
  await page.locator('[data-chart="law-1"] g.mark-symbol.role-mark path').first().hover();
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
  const shownSections = () => page.$$eval('#run-list article:not([hidden]) h3', (hs) => hs.map((h) => h.textContent));

  // First page: 10 small multiples (R vs H only; time series folded), in table order; 50 pages.
  assert.equal(await page.locator('#run-list.compact').count(), 1);
  let charts = await chartMarks(page);
  assert.equal(charts.length, 11);
  assert.deepEqual(charts.slice(1).map((c) => c.key), runs.slice(0, 10).map((_, i) => `law-${i}`));
  assert.ok(charts.every((c) => c.state === 'rendered'));
  assert.deepEqual(charts.slice(1).map((c) => c.symbols), Array(10).fill(9));
  // The headline draws a curve per run; with this many runs a drop-down (listing them all) replaces the legend.
  assert.equal(charts[0].lines, 500);
  const options = await page.$$eval('[data-chart="overview"] select option', (os) => os.map((o) => o.textContent));
  assert.equal(options.length, 501);
  assert.equal(options[8], HOSTILE_IDS[1]);
  assert.match((await page.locator('.pager').first().textContent()) ?? '', /page 1 of 50/);
  await page.selectOption('[data-chart="overview"] select', { label: HOSTILE_IDS[1] });
  await page.waitForFunction(() => document.querySelector('[data-chart="overview"] g.mark-line.role-mark path')?.getAttribute('opacity') === '0.12');
  const opacities = await page.$$eval('[data-chart="overview"] g.mark-line.role-mark path', (ps) => ps.map((p) => p.getAttribute('opacity')));
  assert.deepEqual([opacities.filter((o) => o === '1').length, opacities.filter((o) => o === '0.12').length], [1, 499]);
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
  // Opening the folded time series draws it.
  await page.click('#run-499 details summary');
  await page.waitForSelector('#run-499 [data-chart="time-499"][data-state="rendered"]');

  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  assert.deepEqual(await cspViolations(page), []);
  await page.close();
});
