import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSlug, figureSpecs, renderFigures, specToSvg } from '../../src/report/index.ts';
import { HOSTILE_IDS, syntheticRun } from './fixtures.ts';

const input = {
  runs: [
    syntheticRun('grpo-7b', { forecast: true }),
    syntheticRun(HOSTILE_IDS[1], { a: 0.2, b: 0.8 }),
    syntheticRun('short', { n: 2, error: 'fitEntropyLaw requires at least 3 points (got 2)' }),
  ],
  warnings: [],
};

/** The data marks of one kind in a vega SVG: the `<path>`s of its `mark-symbol role-mark` groups, etc. */
function marks(svg: string, kind: 'symbol' | 'line'): number {
  let n = 0;
  for (const m of svg.matchAll(new RegExp(`<g class="mark-${kind} role-mark[^"]*"[^>]*>(.*?)</g>`, 'g'))) n += (m[1].match(/<path/g) ?? []).length;
  return n;
}

test('fileSlug keeps file names inside the output folder', () => {
  assert.equal(fileSlug('../grpo run/7'), 'grpo-run-7');
  assert.equal(fileSlug(HOSTILE_IDS[1]), 'script-script-alert-1-script');
  assert.equal(fileSlug('..'), 'run');
  assert.equal(fileSlug('x'.repeat(100)).length, 60);
});

test('figureSpecs names a law and a timeline figure per run, and one of all runs', () => {
  assert.deepEqual(
    [...figureSpecs(input).keys()],
    ['001-grpo-7b-law', '001-grpo-7b-timeline', '002-script-script-alert-1-script-law', '002-script-script-alert-1-script-timeline', '003-short-law', '003-short-timeline', 'all-runs'],
  );
});

test('renderFigures svg: vega headless SVG with the points, the fitted curve, escaped names', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'figures-'));
  const figures = await renderFigures(input, 'svg', dir);
  assert.equal(figures.length, 7);
  assert.deepEqual((await readdir(dir)).sort(), figures.map((f) => f.path.slice(dir.length + 1)).sort());
  const law = await readFile(join(dir, '001-grpo-7b-law.svg'), 'utf8');
  assert.match(law, /^<svg[^>]+width="\d+"/);
  assert.equal(marks(law, 'symbol'), 41); // 40 points + the ceiling
  assert.equal(marks(law, 'line'), 1);
  assert.match(law, /ceiling b − a = 0\.600/);
  const hostile = await readFile(join(dir, '002-script-script-alert-1-script-law.svg'), 'utf8');
  assert.equal(hostile.includes('<script'), false);
  assert.equal(hostile.includes('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;'), true);
  const all = await readFile(join(dir, 'all-runs.svg'), 'utf8');
  assert.equal(marks(all, 'line'), 2);
  assert.equal(marks(all, 'symbol'), 82);
});

test('renderFigures png: resvg rasterises the SVG at the requested scale', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'figures-'));
  const [spec] = figureSpecs(input).values();
  const svg = await specToSvg(spec.spec);
  const [, w, h] = /^<svg[^>]*width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg)!.map(Number);
  const figures = await renderFigures(input, 'png', dir, { scale: 2 });
  const png = await readFile(figures[0].path);
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]); // PNG signature
  // IHDR: width and height, big-endian, at bytes 16..24.
  assert.equal(png.readUInt32BE(16), Math.round(w * 2));
  assert.equal(png.readUInt32BE(20), Math.round(h * 2));
});

test('renderFigures vl.json writes the specs figureSpecs returns, with their $schema; an unknown format is a usage error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'figures-'));
  const figures = await renderFigures(input, 'vl.json', dir);
  const specs = [...figureSpecs(input).values()];
  for (let i = 0; i < figures.length; i++) {
    const { $schema, ...spec } = JSON.parse(await readFile(figures[i].path, 'utf8'));
    assert.match($schema, /^https:\/\/vega\.github\.io\/schema\/vega-lite\/v6\.json$/);
    assert.deepEqual(spec, JSON.parse(JSON.stringify(specs[i].spec)));
  }
  await assert.rejects(renderFigures(input, 'pdf' as 'svg', dir), { name: 'UsageError', message: 'invalid figure format: pdf (expected svg, png or vl.json)' });
});
