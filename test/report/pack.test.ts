import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lawChartSpec, packCharts, timelineSpec, unpackChart } from '../../src/report/index.ts';
import { expandShared, roundValue } from '../../src/report/pack.ts';
import { syntheticRun } from './fixtures.ts';

test('roundValue rounds non-integers to significant digits and leaves integers and text alone', () => {
  assert.equal(roundValue(0.123456789, 6), 0.123457);
  assert.equal(roundValue(-1234.56789, 6), -1234.57);
  assert.equal(roundValue(123456789, 6), 123456789);
  assert.equal(roundValue('0.123456789', 6), '0.123456789');
  assert.equal(roundValue(null, 6), null);
});

test('packCharts stores a run\'s points once for both of its charts, by column', () => {
  const run = syntheticRun('r', { n: 5 });
  const packed = packCharts({ law: lawChartSpec(run), time: timelineSpec(run) });
  // The points the fit used feed both charts: one dataset, by column.
  const law = expandShared(packed.charts.law.spec, packed.shared) as any;
  const time = expandShared(packed.charts.time.spec, packed.shared) as any;
  const points = law.layer[1].data.name;
  assert.equal(time.vconcat[0].layer[0].data.name, points);
  assert.ok(packed.charts.time.data.includes(points));
  assert.equal(packed.datasets[points].n, 5);
  assert.deepEqual(Object.keys(packed.datasets[points].c), ['step', 'entropy', 'metric']);
  assert.deepEqual(packed.datasets[points].c.step, [0, 4, 8, 12, 16]);
  // law: points, band, curve, ceiling, its label; time: the same points, and the ceiling's interval.
  assert.equal(Object.keys(packed.datasets).length, 6);
});

test('packCharts stores the parts that repeat across runs\' specs once, and expandShared puts them back', () => {
  const runs = ['a', 'b', 'c'].map((id, i) => syntheticRun(id, { a: 0.1 + 0.05 * i }));
  const specs = Object.fromEntries(runs.flatMap((r, i) => [[`law-${i}`, lawChartSpec(r)], [`time-${i}`, timelineSpec(r)]]));
  const packed = packCharts(specs);
  const size = (x: unknown) => JSON.stringify(x).length;
  const plain = Object.values(packed.charts).reduce((t, c) => t + size(expandShared(c.spec, packed.shared)), 0);
  const stored = Object.values(packed.charts).reduce((t, c) => t + size(c.spec), 0) + size(packed.shared);
  assert.ok(stored < plain / 2, `${stored} of ${plain}`);
  // The theme is stored once and referred to by every chart.
  const config = Object.entries(packed.shared).find(([, v]) => JSON.stringify(expandShared(v, packed.shared)) === JSON.stringify(specs['law-0'].config));
  assert.ok(config);
  assert.deepEqual((packed.charts['law-2'].spec as any).config, { $s: config[0] });
  // Expanding gives fresh objects: changing one chart's copy does not change another's.
  const one = expandShared(packed.charts['law-0'].spec, packed.shared) as any;
  const two = expandShared(packed.charts['law-1'].spec, packed.shared) as any;
  one.config.font = 'x';
  assert.notEqual(two.config.font, 'x');
});

test('unpackChart restores every spec, data rounded to 6 digits, as Vega-Lite named datasets', () => {
  const run = syntheticRun('r', { n: 7, forecast: true });
  const specs = { law: lawChartSpec(run), time: timelineSpec(run) };
  const packed = packCharts(specs);
  for (const [key, spec] of Object.entries(specs)) {
    const unpacked = unpackChart(packed, key) as { datasets: Record<string, Record<string, unknown>[]> };
    // Put the named datasets back inline: the result must equal the original spec with rounded data.
    const inline = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(inline);
      if (node === null || typeof node !== 'object') return node;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        if (k === 'datasets') continue;
        const name = (v as { name?: string } | null)?.name;
        out[k] = k === 'data' && name !== undefined ? { values: unpacked.datasets[name] } : inline(v);
      }
      return out;
    };
    const round = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(round)
        : node !== null && typeof node === 'object'
          ? Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'values' ? (v as object[]).map((r) => Object.fromEntries(Object.entries(r).map(([f, x]) => [f, roundValue(x, 6)]))) : round(v)]))
          : node;
    assert.deepEqual(inline(unpacked), round(JSON.parse(JSON.stringify(spec))));
  }
});
