import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lawChartSpec, packCharts, timelineSpec, unpackChart } from '../../src/report/index.ts';
import { roundValue } from '../../src/report/pack.ts';
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
  // law: points, curve, ceiling (used by 4 layers); time: the same points.
  assert.equal(Object.keys(packed.datasets).length, 3);
  assert.deepEqual(packed.charts.time.data, [packed.charts.law.data[0]]);
  const points = packed.datasets[packed.charts.law.data[0]];
  assert.equal(points.n, 5);
  assert.deepEqual(Object.keys(points.c), ['step', 'entropy', 'metric']);
  assert.deepEqual(points.c.step, [0, 4, 8, 12, 16]);
  assert.deepEqual((packed.charts.time.spec as { data: unknown }).data, { name: packed.charts.law.data[0] });
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
