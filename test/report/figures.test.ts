import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSlug, figureSpecs, renderFigures, specToSvg } from '../../src/report/index.ts';
import { HOSTILE_IDS, syntheticRun } from './fixtures.ts';

const input = {
  runs: [
    syntheticRun('grpo-7b', { forecast: true, convergence: true }),
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

test('figureSpecs names a law, a timeline and a convergence figure per run, and the figures across runs, each with a title', () => {
  const specs = figureSpecs(input);
  assert.deepEqual(
    [...specs.keys()],
    ['001-grpo-7b-law', '001-grpo-7b-timeline', '001-grpo-7b-convergence', '002-script-script-alert-1-script-law', '002-script-script-alert-1-script-timeline', '003-short-law', '003-short-timeline', 'all-runs', 'ceilings'],
  );
  for (const [stem, { spec }] of specs) assert.ok((spec as any).title?.text?.length > 0, `${stem} has a title`);
  // A run's figures: its full id as the title (in lines that fit), its full keys as the subtitle.
  const law = specs.get('002-script-script-alert-1-script-law')!.spec as any;
  assert.equal(law.title.text.join(''), HOSTILE_IDS[1]);
  assert.deepEqual(law.title.subtitle, ['R: val/acc', 'H: actor/entropy']);
  // Two runs with a convergence: the small-multiples figure across runs and the share settled.
  const both = { runs: [input.runs[0], syntheticRun('rloo-7b', { a: 0.2, convergence: true })], warnings: [] };
  assert.deepEqual([...figureSpecs(both).keys()].filter((k) => !/^\d/.test(k)), ['all-runs', 'ceilings', 'convergence-all', 'settle']);
  const grid = figureSpecs(both).get('convergence-all')!.spec as any;
  assert.equal(grid.concat.length, 2);
  assert.deepEqual(grid.concat.map((p: any) => p.title.text), ['grpo-7b', 'rloo-7b']);
  // One y domain for every panel.
  assert.equal(new Set(grid.concat.map((p: any) => JSON.stringify(p.layer[0].encoding.y.scale.domain))).size, 1);
});

test('renderFigures svg: vega headless SVG with the points, the fitted curve, escaped names', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'figures-'));
  const figures = await renderFigures(input, 'svg', dir);
  assert.equal(figures.length, 9);
  assert.deepEqual((await readdir(dir)).sort(), figures.map((f) => f.path.slice(dir.length + 1)).sort());
  const law = await readFile(join(dir, '001-grpo-7b-law.svg'), 'utf8');
  assert.match(law, /^<svg[^>]+width="\d+"/);
  assert.equal(marks(law, 'symbol'), 41); // 40 points + the ceiling
  assert.equal(marks(law, 'line'), 1);
  assert.match(law, /ceiling 0\.600 \[0\.\d{3}, 0\.\d{3}\]/);
  // The title, the subtitle with the full keys, and a legend entry for every kind of mark.
  for (const text of ['grpo-7b', 'R: val/acc', 'H: actor/entropy', 'fit, 95% confidence band', 'ceiling b − a, 95% CI']) assert.ok(law.includes(`>${text}<`), text);
  const convergence = await readFile(join(dir, '001-grpo-7b-convergence.svg'), 'utf8');
  assert.ok(marks(convergence, 'symbol') >= 20);
  assert.match(convergence, />settled within ±0\.01: step \d+ \(\d+%\)</);
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
