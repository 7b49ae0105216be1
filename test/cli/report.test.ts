import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { unpackChart } from '../../src/index.ts';
import { runCli } from './run-cli.ts';
import { REAL_LOGS, SYNTHETIC, waitFor } from '../helpers.ts';

const dataOf = (html: string) => JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]);

describe('entropy-law report: what the page is given', () => {
  it('every run gets its ceiling convergence, and the page the across-runs results with --predict-size', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'entropy-law-report-')), 'r.html');
    const r = await runCli(['report', SYNTHETIC, '--out', out, '--predict-size', '72B']);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(out, 'utf8');
    const data = dataOf(html);
    for (let i = 0; i < 5; i++) assert.ok(data.charts[`conv-${i}`], `conv-${i}`);
    for (const key of ['forest', 'settle', 'overview', 'scaling-0']) assert.ok(data.charts[key], key);
    // The two 7B runs (GRPO, RLOO) are pooled; the three Qwen sizes scale, and the 72B prediction is drawn.
    assert.match(html, /<tr><td>qwen2\.5 7B<\/td><td class="num">2<\/td>/);
    const scaling = unpackChart(data, 'scaling-0') as { datasets: Record<string, Record<string, number>[]> };
    assert.ok(Object.values(scaling.datasets).some((rows) => rows.length === 1 && rows[0].size === 72));
    assert.match(html, /ceiling settled \(±0\.01\)/);
    assert.equal((await runCli(['report', SYNTHETIC, '--out', out, '--predict-size', 'big'])).code, 2);
  });
});

describe('entropy-law watch --report', () => {
  it('writes a live page with the forecast, its path and the ceiling over time, refreshed at each new point', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'entropy-law-live-'));
    const log = join(dir, 'live.log');
    copyFileSync(`${REAL_LOGS}Qwen2.5-0.5B-bsz256_2-prompt1024-resp512-0.567.log`, log);
    const page = join(dir, 'live.html');
    const stop = new AbortController();
    const out: string[] = [];
    const run = runCli(['watch', log, '--report', page, '--poll-ms', '20', '--json'], { signal: stop.signal, out });
    await waitFor(() => out.some((l) => JSON.parse(l).points === 43) && existsSync(page), 'the update with all 43 points and its page');
    // The page is written after the update is printed: wait until it holds the last one.
    await waitFor(() => existsSync(page) && /43 of 43 points|41 of 43 points/.test(readFileSync(page, 'utf8')), 'the page of the last update');
    stop.abort();
    assert.equal((await run).code, 0);
    const html = readFileSync(page, 'utf8');
    assert.match(html, /<meta http-equiv="refresh" content="5">/);
    assert.match(html, /Updated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\./);
    const data = dataOf(html);
    assert.deepEqual(Object.keys(data.charts).sort(), ['conv-0', 'law-0', 'time-0']);
    const last = JSON.parse(out.at(-1)!);
    // The forecast's path runs from the last step (429) on to where R comes within 0.01 of the ceiling,
    // which is within four times the run so far (it started at step 9).
    const time = unpackChart(data, 'time-0') as { datasets: Record<string, Record<string, number>[]> };
    const path = Object.values(time.datasets).find((rows) => rows.length === 40 && 'predicted' in rows[0] && rows[0].step === 429);
    assert.ok(path, 'the forecast path');
    const reach = 429 + last.forecast.steps_to_ceiling;
    assert.ok(reach - 9 <= 4 * (429 - 9), `reach ${reach}`);
    assert.equal(path.at(-1)!.step, reach);
    assert.ok(path.every((p) => p.lo < p.predicted && p.predicted < p.hi));
    assert.match(html, /forecast at step \d+: R = 0\.\d{4}, 90% interval \[0\.\d{4}, 0\.\d{4}\]/);
    assert.match(html, /<code>format-learning<\/code>/);
  });
});
