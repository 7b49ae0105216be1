/**
 * Benchmark of the HTML report with many runs: time to render the page in Node, its size, and in headless
 * Chromium the time from navigation until the page is interactive (first page of charts drawn), then the
 * time to switch to the next page and to sort the table. Prints seconds; asserts nothing.
 *
 *   node --import tsx bench/report.ts [runs=500] [points per run=60]
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReport, writeReport } from '../src/report/index.ts';
import { syntheticRun } from '../test/report/fixtures.ts';
import { launch } from '../test/report/browser.ts';

const runsWanted = Number(process.argv[2] ?? 500);
const pointsPerRun = Number(process.argv[3] ?? 60);
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(3);

const runs = Array.from({ length: runsWanted }, (_, i) =>
  syntheticRun(`run-${String(i).padStart(4, '0')}`, {
    a: 0.1 + (0.2 * (i % 13)) / 13,
    b: 0.55 + (0.3 * (i % 7)) / 7,
    n: Math.max(3, pointsPerRun - (i % 10)),
    forecast: i % 3 === 0,
  }),
);
const input = { title: `Benchmark: ${runsWanted} runs`, runs, warnings: [] };

let t0 = performance.now();
renderReport(input);
console.log(`renderReport (node, warm libraries): ${seconds(t0)} s`);
const dir = await mkdtemp(join(tmpdir(), 'report-bench-'));
const file = join(dir, 'report.html');
await writeReport(input, file);
console.log(`page size: ${((await stat(file)).size / 1e6).toFixed(2)} MB`);

const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  t0 = performance.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: 'domcontentloaded' });
  console.log(`DOMContentLoaded: ${seconds(t0)} s`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  console.log(`time to interactive (first page of charts drawn): ${seconds(t0)} s`);
  t0 = performance.now();
  await page.click('.pager button:last-child');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  console.log(`next page of charts: ${seconds(t0)} s`);
  t0 = performance.now();
  await page.click('#runs th[data-col="4"]');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  console.log(`sort by a and redraw: ${seconds(t0)} s`);
} finally {
  await browser.close();
  await rm(dir, { recursive: true, force: true });
}
