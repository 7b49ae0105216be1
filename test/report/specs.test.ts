import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers.ts';
import { ceilingRow, curveRows, lawChartSpec, pointRows, timelineSpec } from '../../src/report/index.ts';
import { olsFit, syntheticRun } from './fixtures.ts';
import { entropyExp } from '../../src/fit/laws/entropy-exp.ts';

/* Specs are plain JSON objects, inspected by path through `any`. */

const markType = (layer: any) => (typeof layer.mark === 'string' ? layer.mark : layer.mark.type);

test('curveRows samples R = −a·exp(H) + b over [0, max H], both ends included', () => {
  const law = (a: number, b: number) => ({ law: entropyExp, fit: { ...olsFit([0.1, 0.2, 0.3], [0.5, 0.4, 0.3]).fit, values: [a, b] } });
  const rows = curveRows(law(0.31, 0.8), 1.5, 31);
  assert.equal(rows.length, 31);
  assert.equal(rows[0].entropy, 0);
  assertClose(rows[30].entropy, 1.5, { rtol: 1e-15 });
  for (const r of rows) assertClose(r.metric, -0.31 * Math.exp(r.entropy) + 0.8, { rtol: 1e-14 }, `R at H=${r.entropy}`);
  // Evenly spaced: H_i = 1.5·i/30.
  assertClose(rows[10].entropy, 0.5, { rtol: 1e-14 });
  // A run with no positive entropy draws only the ceiling point.
  assert.deepEqual(curveRows(law(0.2, 0.5), 0), [{ entropy: 0, metric: 0.3 }]);
});

test('pointRows drops points with a non-finite value and keeps the others aligned', () => {
  const rows = pointRows({ step: [0, 1, 2], entropy: [0.5, NaN, 0.3], metric: [0.1, 0.2, Infinity] });
  assert.deepEqual(rows, [{ step: 0, entropy: 0.5, metric: 0.1 }]);
});

test('lawChartSpec: points, fitted curve from −a·exp(H)+b, ceiling at H = 0', () => {
  const run = syntheticRun('r1', { a: 0.25, b: 0.7 });
  const spec: any = lawChartSpec(run, { samples: 25 });
  assert.deepEqual(spec.layer.map(markType), ['point', 'line', 'rule', 'rule', 'point', 'text']);
  const [points, curve, hrule, ci, ceil, label] = spec.layer;
  assert.equal(points.data.values.length, 40);
  assert.equal(points.encoding.x.field, 'entropy');
  assert.equal(points.encoding.y.field, 'metric');
  assert.equal(points.encoding.color.field, 'step');
  // The curve: 25 samples from H = 0 to the run's largest entropy, each equal to the law with the fitted a, b.
  const { a, b } = run.fit!.params;
  const values = curve.data.values;
  assert.equal(values.length, 25);
  assert.equal(values[0].entropy, 0);
  assertClose(values[24].entropy, Math.max(...run.series.entropy), { rtol: 1e-15 });
  for (const v of values) assertClose(v.metric, -a * Math.exp(v.entropy) + b, { rtol: 1e-14 });
  assert.equal(curve.encoding.x.field, 'entropy');
  assert.equal(curve.encoding.y.field, 'metric');
  // Ceiling b − a at H = 0 with its interval, and a label naming it.
  const c = ceil.data.values[0];
  assert.equal(c.entropy, 0);
  assertClose(c.metric, b - a, { rtol: 1e-14 });
  assertClose(c.metric, run.ceiling!.value, { rtol: 1e-14 });
  assert.deepEqual([ci.data.values[0].lo, ci.data.values[0].hi], run.ceiling!.ci);
  assert.equal(ci.encoding.y.field, 'lo');
  assert.equal(ci.encoding.y2.field, 'hi');
  assert.equal(hrule.encoding.y.field, 'metric');
  assert.equal(label.encoding.text.field, 'label');
  assert.match(label.data.values[0].label, /^ceiling b − a = 0\.\d{3}$/);
  assert.equal(spec.width, 360);
  assert.equal(spec.height, 240);
  // Plain data: survives a JSON round trip unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
});

test('lawChartSpec: a run without a fit draws its points only', () => {
  const run = syntheticRun('bad', { n: 2, error: 'fitEntropyLaw requires at least 3 points (got 2)' });
  const spec: any = lawChartSpec(run);
  assert.deepEqual(spec.layer.map(markType), ['point']);
  assert.equal(spec.layer[0].data.values.length, 2);
  assert.equal(ceilingRow(run), null);
});

test('timelineSpec: entropy and R vs step in two rows', () => {
  const run = syntheticRun('r2');
  const spec: any = timelineSpec(run);
  assert.equal(spec.vconcat.length, 2);
  assert.equal(spec.data.values.length, 40);
  const [top, bottom] = spec.vconcat;
  assert.equal(markType(top), 'line');
  assert.equal(top.encoding.x.field, 'step');
  assert.equal(top.encoding.y.field, 'entropy');
  assert.equal(markType(bottom), 'line');
  assert.equal(bottom.encoding.y.field, 'metric');
  assert.equal(bottom.encoding.y.title, 'R (val/acc)');
});

test('timelineSpec: a forecast adds the predicted held-out R and the end of the fit window', () => {
  const run = syntheticRun('r3', { forecast: true });
  const spec: any = timelineSpec(run);
  const bottom = spec.vconcat[1];
  assert.deepEqual(bottom.layer.map(markType), ['line', 'line', 'rule']);
  const predicted = bottom.layer[1].data.values;
  assert.equal(predicted.length, run.early!.heldOut.length);
  assert.deepEqual(predicted[0], { step: run.early!.heldOut[0].step, predicted: run.early!.heldOut[0].predicted });
  // The rule sits at the last step used for the fit (fitPoints = 12 → step 4·11).
  assert.equal(run.early!.fitPoints, 12);
  assert.deepEqual(bottom.layer[2].data.values, [{ step: 44 }]);
});

test('lawChartSpec: a fit without a ceiling still draws its curve', () => {
  const run = { ...syntheticRun('r4'), ceiling: null };
  const spec: any = lawChartSpec(run);
  assert.deepEqual(spec.layer.map(markType), ['point', 'line']);
});
