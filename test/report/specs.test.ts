import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers.ts';
import {
  bandRows,
  ceilingRow,
  convergenceDomain,
  convergenceRows,
  convergenceSpec,
  curveRows,
  forestRows,
  forestSpec,
  lawChartSpec,
  lawDomains,
  pointRows,
  scalingLineRows,
  scalingSpec,
  settleRows,
  settleSpec,
  statusRows,
  stepFitRows,
  timelineSpec,
  LAW_KINDS,
  TIME_KINDS,
} from '../../src/report/index.ts';
import { olsFit, syntheticRun } from './fixtures.ts';
import { entropyExp } from '../../src/fit/laws/entropy-exp.ts';
import { fitLogLinear } from '../../src/fit/compare/scaling.ts';
import { analyzeRun } from '../../src/predict/analyze.ts';
import { syntheticRun as seededRun } from '../../src/predict/synthetic.ts';
import type { ReportRun } from '../../src/report/index.ts';

/* Specs are plain JSON objects, inspected by path through `any`. */

const markType = (layer: any) => (typeof layer.mark === 'string' ? layer.mark : layer.mark.type);
/** Every unit layer of a spec, nested layers and concatenations flattened, in drawing order. */
const units = (spec: any): any[] => (spec.layer ?? spec.vconcat ?? spec.hconcat ?? spec.concat ?? [spec]).flatMap((s: any) => (s.layer || s.vconcat || s.hconcat ? units(s) : [s]));
/** The legend entries (datum values) a spec's layers name, once each, in order. */
const kinds = (spec: any): string[] => [...new Set(units(spec).map((l) => l.encoding?.color?.datum).filter(Boolean))];

// scipy.stats.t.ppf(0.975, 38): the 95% quantile for the 40-point fixture's 38 degrees of freedom.
const T975_38 = 2.0243941639119694;

test('curveRows samples R = −a·exp(H) + b over [0, max H], both ends included', () => {
  const law = (a: number, b: number) => ({ law: entropyExp, fit: { ...olsFit([0.1, 0.2, 0.3], [0.5, 0.4, 0.3]).fit, values: [a, b] } });
  const rows = curveRows(law(0.31, 0.8), 1.5, 31);
  assert.equal(rows.length, 31);
  assert.equal(rows[0].entropy, 0);
  assertClose(rows[30].entropy, 1.5, { rtol: 1e-15 });
  for (const r of rows) assertClose(r.metric, -0.31 * Math.exp(r.entropy) + 0.8, { rtol: 1e-14 }, `R at H=${r.entropy}`);
  assertClose(rows[10].entropy, 0.5, { rtol: 1e-14 });
  assert.deepEqual(curveRows(law(0.2, 0.5), 0), [{ entropy: 0, metric: 0.3 }]);
});

test('bandRows: the delta-method band of −a·exp(H) + b, computed here by hand from the covariance', () => {
  const run = syntheticRun('band', { a: 0.25, b: 0.7 });
  const fit = run.fit!;
  const [[va, cab], [, vb]] = fit.covariance;
  const rows = bandRows(run, 1.2, 7);
  assert.equal(rows.length, 7);
  for (const r of rows) {
    const e = Math.exp(r.entropy);
    // Gradient (−e^H, 1) in (a, b): Var = e^{2H}·Var a − 2·e^H·Cov(a, b) + Var b.
    const se = Math.sqrt(e * e * va - 2 * e * cab + vb);
    const value = -fit.params.a * e + fit.params.b;
    assertClose(r.metric, value, { rtol: 1e-12 });
    assertClose(r.lo, value - T975_38 * se, { rtol: 1e-9 }, `lower at H=${r.entropy}`);
    assertClose(r.hi, value + T975_38 * se, { rtol: 1e-9 }, `upper at H=${r.entropy}`);
  }
  // At H = 0 the band is the ceiling's own interval (same gradient, same t).
  assertClose(rows[0].hi - rows[0].metric, T975_38 * Math.sqrt(va + vb - 2 * cab), { rtol: 1e-9 });
  // No band for a law R against H cannot draw.
  assert.deepEqual(bandRows({ ...run, variables: ['step'] }, 1, 5), []);
});

test('statusRows marks the burn-in and the points outside the steps window; pointRows drops non-finite points', () => {
  const rows = statusRows({ step: [0, 1, 2, 3, 4, 5], entropy: [1, 0.9, 0.8, NaN, 0.6, 0.5], metric: [0, 0.1, 0.2, 0.3, 0.4, 0.5] }, { from: 1, to: 5, burnIn: 2 });
  assert.deepEqual(rows.map((r) => [r.step, r.status]), [[0, 'outside'], [1, 'burn-in'], [2, 'burn-in'], [4, 'used'], [5, 'outside']]);
  assert.deepEqual(pointRows({ step: [0, 1, 2], entropy: [0.5, NaN, 0.3], metric: [0.1, 0.2, Infinity] }), [{ step: 0, entropy: 0.5, metric: 0.1 }]);
});

test('lawChartSpec: used points by step, left-out points apart, the fitted curve with its band, the ceiling and its label off the data', () => {
  const run = syntheticRun('r1', { a: 0.25, b: 0.7, burnIn: 2 });
  const spec: any = lawChartSpec(run, { samples: 25 });
  // The points on top, under them a layer of everything else.
  assert.deepEqual(spec.layer.map((l: any) => (l.layer ? 'layer' : markType(l))), ['layer', 'point']);
  const [rest, points] = spec.layer;
  assert.deepEqual(rest.layer.map(markType), ['area', 'line', 'point', 'rule', 'rule', 'point', 'text']);
  const [band, curve, left, level, ci, diamond, label] = rest.layer;
  // 38 points used, coloured by step; the 2 burn-in points drawn as crosses, with their own legend entry.
  assert.equal(points.data.values.length, 38);
  assert.equal(points.encoding.color.field, 'step');
  assert.equal(left.data.values.length, 2);
  assert.equal(left.mark.shape, 'cross');
  assert.deepEqual(left.data.values.map((p: any) => p.step), [0, 4]);
  assert.deepEqual(kinds(spec), [LAW_KINDS.fit, `${LAW_KINDS.burnIn}${left.encoding.color.datum.slice(LAW_KINDS.burnIn.length)}`, LAW_KINDS.ceiling]);
  assert.ok(left.encoding.color.datum.startsWith(LAW_KINDS.burnIn));
  // Two colour scales (steps, kinds of marks), so two legends.
  assert.deepEqual(spec.resolve, { scale: { color: 'independent' } });
  // The curve and its band: 25 samples from H = 0 to the largest entropy, the band from bandRows.
  const { a, b } = run.fit!.params;
  assert.equal(curve.data.values.length, 25);
  for (const v of curve.data.values) assertClose(v.metric, -a * Math.exp(v.entropy) + b, { rtol: 1e-12 });
  assert.deepEqual(band.data.values, bandRows(run, Math.max(...run.series.entropy), 25));
  assert.deepEqual([band.encoding.y.field, band.encoding.y2.field], ['lo', 'hi']);
  // The ceiling b − a at H = 0 with its interval; the label sits at the right end of the level, above it.
  const c = diamond.data.values[0];
  assert.equal(c.entropy, 0);
  assertClose(c.metric, run.ceiling!.value, { rtol: 1e-14 });
  assert.deepEqual([ci.data.values[0].lo, ci.data.values[0].hi], run.ceiling!.ci);
  assert.equal(level.encoding.y.field, 'metric');
  const domains = lawDomains(run)!;
  assert.equal(label.data.values[0].entropy, domains.x[1]);
  assert.deepEqual([label.mark.align, label.mark.baseline], ['right', 'bottom']);
  assert.match(label.data.values[0].label, /^ceiling 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]$/);
  // Room above the ceiling for the label: the y domain reaches past the interval's top.
  assert.ok(domains.y[1] > run.ceiling!.ci[1]);
  assert.deepEqual(points.encoding.y.scale.domain, [Number(domains.y[0].toPrecision(6)), Number(domains.y[1].toPrecision(6))]);
  assert.equal(points.encoding.y.title, 'R: val/acc');
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
});

test('lawDomains leave left-out points far below the rest off the axis (drawn at its edge), and say so', () => {
  const near = syntheticRun('near', { burnIn: 2 });
  assert.equal(lawDomains(near)!.beyond, false);
  const far = syntheticRun('far', { burnIn: 2 });
  far.series.metric[0] = -5;
  const d = lawDomains(far)!;
  assert.equal(d.beyond, true);
  assert.ok(d.y[0] > -1);
  const spec: any = lawChartSpec(far);
  assert.equal(spec.layer[1].encoding.y.scale.clamp, true);
  assert.ok(kinds(spec).some((k) => k.startsWith(LAW_KINDS.burnIn) && k.includes('off-axis')));
});

test('lawChartSpec: a run without a fit draws its points only; a fit without a ceiling its curve and band', () => {
  const bad = syntheticRun('bad', { n: 2, error: 'fitEntropyLaw requires at least 3 points (got 2)' });
  const spec: any = lawChartSpec(bad);
  assert.deepEqual(spec.layer.map(markType), ['point']);
  assert.equal(spec.layer[0].data.values.length, 2);
  assert.equal(ceilingRow(bad), null);
  const noCeiling: any = lawChartSpec({ ...syntheticRun('r4'), ceiling: null });
  assert.deepEqual(units(noCeiling).map(markType), ['area', 'line', 'point']);
});

test('lawChartSpec with shared domains: a `shared` parameter picks between the shared and the own domain', () => {
  const run = syntheticRun('s');
  const spec: any = lawChartSpec(run, { shared: { x: [-0.1, 2], y: [0, 1] } });
  assert.deepEqual(spec.params, [{ name: 'shared', value: true }]);
  const own = lawDomains(run)!;
  const n = (x: number) => Number(x.toPrecision(6));
  assert.equal(spec.layer[1].encoding.x.scale.domain.expr, `shared ? [-0.1, 2] : [${n(own.x[0])}, ${n(own.x[1])}]`);
  assert.equal(spec.layer[1].encoding.y.scale.domain.expr, `shared ? [0, 1] : [${n(own.y[0])}, ${n(own.y[1])}]`);
});

test('timelineSpec: entropy and R vs step in two rows, the ceiling level, left-out points apart', () => {
  const run = syntheticRun('r2', { burnIn: 3 });
  const spec: any = timelineSpec(run);
  assert.equal(spec.vconcat.length, 2);
  const [top, bottom] = spec.vconcat;
  assert.deepEqual(top.layer.map(markType), ['line', 'point', 'point']);
  assert.equal(top.layer[0].data.values.length, 37);
  assert.equal(top.layer[2].data.values.length, 3);
  assert.equal(top.layer[0].encoding.y.field, 'entropy');
  // Only the lower row names the steps.
  assert.equal(top.layer[0].encoding.x.axis.title, null);
  assert.equal(bottom.layer.at(-2).encoding.x.title, 'step');
  assert.deepEqual(bottom.layer.map(markType), ['rect', 'rule', 'line', 'point', 'point']);
  assert.deepEqual([bottom.layer[0].data.values[0].lo, bottom.layer[0].data.values[0].hi], run.ceiling!.ci);
  // The burn-in points lie 0.2 below the law, far below the rest: drawn at the axis's edge, and the legend says so.
  assert.deepEqual(kinds(spec), [TIME_KINDS.entropy, `${TIME_KINDS.left} (off-axis: at the edge)`, TIME_KINDS.ceiling, TIME_KINDS.metric]);
});

test('timelineSpec: the early-fit forecast with its interval and the end of its fit', () => {
  const run = syntheticRun('r3', { forecast: true });
  const bottom = (timelineSpec(run) as any).vconcat[1];
  assert.deepEqual(bottom.layer.map(markType), ['rect', 'rule', 'area', 'line', 'rule', 'line', 'point']);
  const [, , band, predicted, cut] = bottom.layer;
  const held = run.early!.heldOut;
  assert.equal(band.data.values.length, held.length);
  assert.deepEqual(band.data.values[0], { step: held[0].step, predicted: held[0].predicted, lo: held[0].interval[0], hi: held[0].interval[1] });
  assert.equal(predicted.encoding.y.field, 'predicted');
  assert.match(predicted.encoding.color.datum, /^fit on first 30%, 90% interval$/);
  // The rule sits at the last step the early fit saw (fitPoints = 12 → step 4·11), with its legend entry.
  assert.deepEqual(cut.data.values, [{ step: 44 }]);
  assert.match(cut.encoding.color.datum, /\(12 points\)/);
});

test('timelineSpec: a forecast in time with its interval, the entropy curve ahead, and the step where R reaches the ceiling', () => {
  const run = syntheticRun('live') as ReportRun;
  const last = run.series.step.at(-1)!;
  run.forecastPath = {
    run: 'live',
    confidence: 0.9,
    points: [0, 1, 2].map((i) => ({ step: last + 40 * i, entropy: 0.06 - 0.005 * i, predicted: 0.58 + 0.005 * i, sd: 0.01, interval: [0.56 + 0.004 * i, 0.6 + 0.006 * i] as [number, number] })),
  };
  run.forecast = { ceilingStep: last + 60, epsilon: 0.01, confidence: 0.9 } as ReportRun['forecast'];
  const spec: any = timelineSpec(run);
  const [top, bottom] = spec.vconcat;
  assert.deepEqual(top.layer.map(markType), ['line', 'point', 'line']);
  assert.deepEqual(top.layer[2].data.values.map((p: any) => p.entropy), run.forecastPath.points.map((p) => p.entropy));
  assert.deepEqual(bottom.layer.map(markType), ['rect', 'rule', 'area', 'line', 'rule', 'line', 'point']);
  assert.deepEqual(bottom.layer[2].data.values.map((p: any) => [p.lo, p.hi]), run.forecastPath.points.map((p) => p.interval));
  assert.deepEqual(bottom.layer[4].data.values, [{ step: last + 60 }]);
  assert.ok(kinds(spec).includes('forecast in time (90% interval)'));
  assert.ok(kinds(spec).includes(`within 0.01 of the ceiling at step ${last + 60}`));
  // The axes reach the end of the path and the top of its interval.
  assert.ok(bottom.layer.at(-1).encoding.x.scale.domain[1] >= last + 80);
  assert.ok(bottom.layer.at(-1).encoding.y.scale.domain[1] >= 0.612);
});

test('stepFitRows: a law of the step drawn against step with its band; none for a law of H alone', () => {
  const series = seededRun({ seed: 1, points: 30 });
  const power = analyzeRun(series, { law: 'power' }) as ReportRun;
  const rows = stepFitRows(power, 5);
  assert.deepEqual(rows.map((r) => r.step), [10, 82.5, 155, 227.5, 300]);
  for (const r of rows) assert.ok(r.lo < r.metric && r.metric < r.hi);
  const bottom = (timelineSpec(power) as any).vconcat[1];
  assert.ok(bottom.layer.some((l: any) => l.encoding?.color?.datum === TIME_KINDS.fit && markType(l) === 'area'));
  assert.deepEqual(stepFitRows(analyzeRun(series) as ReportRun), []);
});

test('convergenceSpec: each cut with its interval, the final value ± tolerance, rules where it settled', () => {
  const run = syntheticRun('conv', { convergence: true });
  const c = run.convergence!;
  assert.ok(c.settled && c.precise);
  const spec: any = convergenceSpec(run)!;
  assert.deepEqual(spec.layer.map(markType), ['rect', 'rule', 'area', 'line', 'point', 'rule', 'rule']);
  const rows = convergenceRows(c);
  assert.equal(rows.length, c.cuts.filter((x) => x.ceiling).length);
  assert.deepEqual(rows[0], { step: c.cuts[0].step, fraction: c.cuts[0].fraction, points: c.cuts[0].points, value: c.cuts[0].ceiling!.value, lo: c.cuts[0].ceiling!.ci[0], hi: c.cuts[0].ceiling!.ci[1] });
  assert.deepEqual(spec.layer[0].data.values, [{ lo: c.final!.value - 0.01, hi: c.final!.value + 0.01 }]);
  assert.deepEqual(spec.layer[5].data.values, [{ step: c.settled!.step }]);
  assert.deepEqual(spec.layer[6].data.values, [{ step: c.precise!.step }]);
  assert.ok(kinds(spec).some((k) => k.startsWith(`settled within ±0.01: step ${c.settled!.step} (`)));
  // Relative and by share of the run: the final value is 0, the x axis the fraction.
  const rel: any = convergenceSpec(run, { relative: true, x: 'fraction' });
  assert.deepEqual(rel.layer[1].data.values, [{ value: 0 }]);
  assert.deepEqual(rel.layer[5].data.values, [{ fraction: c.settled!.fraction }]);
  assertClose(convergenceRows(c, true).at(-1)!.value, 0, { atol: 1e-15 });
  // The y domain: the final value ± 0.06 at most, narrowed to what the cuts reach.
  const [lo, hi] = convergenceDomain(c)!;
  assert.ok(lo >= c.final!.value - 0.06 * 1.1 && hi <= c.final!.value + 0.06 * 1.1);
  assert.equal(convergenceSpec(syntheticRun('none')), null);
});

test('forestRows: grouped by model (groups by their best ceiling), highest first within a group', () => {
  const runs = [
    syntheticRun('q7-grpo', { b: 0.8, meta: { model: 'qwen2.5', size: 7e9, algorithm: 'grpo' } }),
    syntheticRun('q05-grpo', { b: 0.6, meta: { model: 'qwen2.5', size: 5e8, algorithm: 'grpo' } }),
    syntheticRun('q7-rloo', { b: 0.82, meta: { model: 'qwen2.5', size: 7e9, algorithm: 'rloo' } }),
    syntheticRun('bad', { n: 2, error: 'too few points' }),
  ];
  const rows = forestRows(runs);
  assert.deepEqual(rows.map((r) => [r.run, r.group, r.rank]), [['q7-rloo', 'qwen2.5 7B', 1], ['q7-grpo', 'qwen2.5 7B', 2], ['q05-grpo', 'qwen2.5 0.5B', 3]]);
  assert.deepEqual([rows[0].lo, rows[0].hi], runs[2].ceiling!.ci);
  const spec: any = forestSpec(runs)!;
  // A block per model, the x axis under the last only, colour by algorithm.
  assert.deepEqual(spec.vconcat.map((v: any) => v.title.text), ['qwen2.5 7B', 'qwen2.5 0.5B']);
  assert.deepEqual(spec.vconcat.map((v: any) => v.data.values.length), [2, 1]);
  assert.deepEqual(spec.vconcat[0].layer.map(markType), ['rule', 'point']);
  assert.equal(spec.vconcat[0].layer[1].encoding.x.axis.labels, false);
  assert.equal(spec.vconcat[1].layer[1].encoding.x.axis, undefined);
  assert.equal(spec.vconcat[0].layer[1].encoding.color.field, 'algorithm');
  assert.deepEqual(spec.vconcat[0].layer[1].encoding.y.sort, rows.map((r) => r.label));
  assert.equal(forestSpec([runs[3]]), null);
});

test('forestSpec: above `labelled` runs, a caterpillar plot by rank', () => {
  const runs = Array.from({ length: 8 }, (_, i) => syntheticRun(`run-${i}`, { b: 0.6 + 0.01 * i }));
  const spec: any = forestSpec(runs, { labelled: 5 })!;
  assert.deepEqual(spec.layer.map(markType), ['rule', 'point']);
  assert.equal(spec.layer[0].encoding.x.field, 'rank');
  assert.deepEqual(spec.data.values.map((r: any) => r.run), runs.map((r) => r.info.id).reverse());
  assert.deepEqual(spec.data.values.map((r: any) => r.rank), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('settleRows: the share of runs settled by each share of the run used, counted by hand', () => {
  const runs = [0.2, 0.5, 0.5, null].map((f, i) => {
    const run = syntheticRun(`s${i}`, { convergence: true });
    const c = run.convergence!;
    run.convergence = { ...c, settled: { ...c.settled!, fraction: f ?? 1 }, precise: f === null ? null : { ...c.precise!, fraction: 0.9 } };
    return run;
  });
  const rows = settleRows(runs);
  const est = rows.filter((r) => r.what.startsWith('estimate'));
  assert.deepEqual(est.map((r) => [r.fraction, r.share]), [[0, 0], [0.2, 0.25], [0.5, 0.75], [1, 1], [1, 1]]);
  const ci = rows.filter((r) => r.what.startsWith('95%'));
  assert.deepEqual(ci.map((r) => [r.fraction, r.share]), [[0, 0], [0.9, 0.75], [1, 0.75]]);
  const spec: any = settleSpec(runs)!;
  assert.equal(spec.mark.interpolate, 'step-after');
  assert.equal(settleSpec([syntheticRun('x')]), null);
});

test('scalingLineRows: the log-linear line with its 95% band, by hand; the chart marks the extrapolation', () => {
  const sizes = [0.5, 1.5, 7];
  const fit = fitLogLinear(sizes, [0.36, 0.3, 0.22]);
  // scipy.stats.t.ppf(0.975, 1): three sizes leave one degree of freedom.
  const t = 12.706204736174694;
  const rows = scalingLineRows(fit, [1, 7, 70], 7);
  rows.forEach((r, i) => {
    const x = Math.log([1, 7, 70][i]);
    const value = fit.intercept + fit.slope * x;
    const se = Math.sqrt(fit.covariance[0][0] + 2 * x * fit.covariance[0][1] + x * x * fit.covariance[1][1]);
    assertClose(r.value, value, { rtol: 1e-12 });
    assertClose(r.hi - r.value, t * se, { rtol: 1e-9 });
  });
  assert.deepEqual(rows.map((r) => r.part), ['fitted', 'fitted', 'extrapolated']);
  const runs = sizes.map((s, i) => syntheticRun(`q${s}`, { a: [0.36, 0.3, 0.22][i], meta: { model: 'qwen2.5', size: s * 1e9 } }));
  const family = { model: 'qwen2.5', runs: runs.map((r, i) => ({ run: r.run, size: sizes[i] })), fits: { a: fit, b: fitLogLinear(sizes, [0.78, 0.8, 0.86]) } };
  const prediction = { model: 'qwen2.5', size: 72e9, a: { size: 72, value: 0.1, stderr: 0.01, ci: [0.08, 0.12] as [number, number], predictionInterval: [0.05, 0.15] as [number, number] }, b: { size: 72, value: 0.9, stderr: 0.01, ci: [0.88, 0.92] as [number, number], predictionInterval: [0.85, 0.95] as [number, number] }, ceiling: 0.8 };
  const spec: any = scalingSpec(family, runs, prediction)!;
  assert.equal(spec.hconcat.length, 2);
  const a = spec.hconcat[0].layer;
  assert.deepEqual(a.map(markType), ['area', 'line', 'line', 'rule', 'point', 'rule', 'point']);
  assert.equal(a[2].mark.strokeDash.length, 2);
  assert.ok(a[2].data.values.every((r: any) => r.size >= 7));
  assert.ok(a[1].data.values.every((r: any) => r.size <= 7));
  assert.deepEqual(a[5].data.values, [{ size: 72, value: 0.1, lo: 0.05, hi: 0.15 }]);
  assert.equal(a[4].data.values.length, 3);
  assert.equal(spec.hconcat[0].layer[0].encoding.x.scale.type, 'log');
  assert.equal(scalingSpec({ model: 'x', runs: [], error: 'too few sizes' }, runs), null);
});
