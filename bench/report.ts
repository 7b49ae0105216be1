/**
 * Benchmark of the HTML report with many runs: its size, and in headless Chromium the time from navigation
 * until the page is interactive (first page of charts drawn), then the time to switch to the next page and
 * to sort the table — with a one-run report measured the same way as the reference. Asserts nothing.
 *
 *   npm run bench -- report
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { ceilingConvergence } from '../src/predict/index.ts';
import { writeReport } from '../src/report/index.ts';
import { syntheticRun } from '../test/report/fixtures.ts';
import { launch } from '../test/report/browser.ts';

const seconds = (t0: number) => (performance.now() - t0) / 1000;

function input(runsWanted: number, pointsPerRun: number) {
  const runs = Array.from({ length: runsWanted }, (_, i) =>
    syntheticRun(`run-${String(i).padStart(4, '0')}`, {
      a: 0.1 + (0.2 * (i % 13)) / 13,
      b: 0.55 + (0.3 * (i % 7)) / 7,
      n: Math.max(3, pointsPerRun - (i % 10)),
      forecast: i % 3 === 0,
    }),
  );
  // What `report` draws for every run: how early its ceiling was known.
  for (const run of runs) run.convergence = ceilingConvergence(run);
  return { title: `Benchmark: ${runsWanted} runs`, runs, warnings: [] };
}

/** Writes a report of `runs` runs and measures it in the browser. */
async function measure(browser: Browser, dir: string, runs: number, pointsPerRun: number) {
  const file = join(dir, `report-${runs}.html`);
  await writeReport(input(runs, pointsPerRun), file);
  const size = (await stat(file)).size / 1e6;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  let t0 = performance.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  const interactive = seconds(t0);
  let nextPage: number | null = null;
  if (await page.$('.pager button:last-child')) {
    t0 = performance.now();
    await page.click('.pager button:last-child');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    nextPage = seconds(t0);
  }
  t0 = performance.now();
  await page.click('#runs th[data-col="4"]');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  const sort = seconds(t0);
  await page.close();
  return { size, interactive, nextPage, sort };
}

export async function benchReport(runs = 500, pointsPerRun = 60): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'report-bench-'));
  const browser = await launch();
  try {
    const one = await measure(browser, dir, 1, pointsPerRun);
    const many = await measure(browser, dir, runs, pointsPerRun);
    return [
      `report: 1 run — ${one.size.toFixed(2)} MB, interactive in ${one.interactive.toFixed(2)} s (the reference: the inlined libraries alone)`,
      `report: ${runs} runs — ${many.size.toFixed(2)} MB, interactive in ${many.interactive.toFixed(2)} s (${(many.interactive / one.interactive).toFixed(1)}× the one-run page), next page ${many.nextPage?.toFixed(2) ?? '—'} s, sort and redraw ${many.sort.toFixed(2)} s`,
    ];
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}
