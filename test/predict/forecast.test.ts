import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitEntropyLaw } from '../../src/fit/entropy-law.ts';
import { formatForecast } from '../../src/cli/text.ts';
import { entropyExp } from '../../src/fit/laws/entropy-exp.ts';
import { forecastRun } from '../../src/predict/forecast.ts';
import { lawInflationCheck, predictFromObserved, type UsedPoints } from '../../src/predict/from-observed.ts';
import { forecastRecord as forecastJson } from '../../src/predict/json.ts';

const lawInflation = (used: UsedPoints) => lawInflationCheck(used).factor;
import { syntheticRun } from '../../src/predict/synthetic.ts';
import type { RunSeries } from '../../src/ingest/types.ts';
import { InputError, UsageError } from '../../src/util/errors.ts';
import { assertClose } from '../helpers.ts';

const head = (s: RunSeries, k: number): RunSeries => ({
  run: s.run,
  step: s.step.subarray(0, k),
  entropy: s.entropy.subarray(0, k),
  metric: s.metric.subarray(0, k),
});

// The truth of syntheticRun's defaults: a = 0.3, b = 0.9, H(t) = 0.05 + 0.55·exp(−t/80).
const trueR = (t: number, floor = 0.05): number => 0.9 - 0.3 * Math.exp(floor + (0.6 - floor) * Math.exp(-t / 80));

test('forecasts of synthetic runs contain the truth: R at a future step and the ceiling', () => {
  let inside = 0;
  let ceilingInside = 0;
  const seeds = 10;
  for (let seed = 1; seed <= seeds; seed++) {
    const run = syntheticRun({ seed, noiseR: 0.008, noiseH: 0.008 });
    const f = forecastRun(head(run, 20), { at: 400 });
    assert.equal(f.at, 400);
    assert.ok(f.interval[0] < f.predicted && f.predicted < f.interval[1]);
    if (trueR(400) >= f.interval[0] && trueR(400) <= f.interval[1]) inside++;
    if (0.6 >= f.ceiling!.ci[0] && 0.6 <= f.ceiling!.ci[1]) ceilingInside++;
    assertClose(f.predicted, trueR(400), { atol: 0.03 }, `seed ${seed} predicted`);
  }
  // 90% intervals over 10 seeds: 7 or more inside is what calibrated intervals give 99% of the time.
  assert.ok(inside >= 7, `truth inside ${inside}/${seeds} forecast intervals`);
  assert.ok(ceilingInside >= 7, `ceiling inside ${ceilingInside}/${seeds} 95% intervals`);
});

test('steps to ceiling: the analytic crossing of a low floor, and null with a warning when out of reach', () => {
  // floor 0.01: R is within ε = 0.01 of b − a once H ≤ ln(1 + 0.01/0.3), at t = 80·ln(0.59/(level − 0.01)).
  const run = syntheticRun({ floor: 0.01, seed: 3, noiseH: 0.002, noiseR: 0.002, points: 40 });
  const f = forecastRun(head(run, 25), { steps: 100 });
  const level = Math.log1p(0.01 / 0.3);
  const truth = 80 * Math.log(0.59 / (level - 0.01));
  assert.ok(f.ceilingStep !== null);
  assertClose(f.ceilingStep as number, truth, { rtol: 0.15 }, 'ceiling step');
  assert.equal(f.stepsToCeiling, Math.max(0, (f.ceilingStep as number) - 250));
  assert.equal(f.at, 350);
  assertClose(f.headroom!, f.ceiling!.value - run.metric[24], { rtol: 1e-12 });

  const far = forecastRun(head(syntheticRun({ floor: 0.15, seed: 4 }), 30));
  assert.equal(far.ceilingStep, null);
  assert.equal(far.stepsToCeiling, null);
  assert.ok(far.warnings.some((w) => w.code === 'ceiling-out-of-reach'));
  assert.equal(far.at, 2 * 300 - 10, 'default: twice the run so far');
});

test('forecastJson has exactly the documented keys, and forecasts are deterministic', () => {
  const run = syntheticRun({ seed: 5 });
  const a = forecastJson(forecastRun(run, { at: 600 }));
  const b = forecastJson(forecastRun(run, { at: 600 }));
  assert.deepEqual(a, b);
  assert.deepEqual(Object.keys(a), ['run', 'at', 'predicted', 'interval90', 'ceiling', 'headroom', 'steps_to_ceiling', 'warnings']);
  assert.deepEqual(Object.keys(a.ceiling as object), ['value', 'stderr', 'ci95']);
  assert.equal(a.run, 'synthetic');
  assert.ok(Array.isArray(a.warnings) && (a.warnings as { code: unknown; message: unknown }[]).every((w) => typeof w.code === 'string' && typeof w.message === 'string'));
  assert.ok(JSON.stringify(a).length > 0 && !JSON.stringify(a).includes('NaN'));
  // A different seed moves the bootstrap part of the interval only slightly.
  const c = forecastRun(run, { at: 600, seed: 99 });
  const [lo, hi] = a.interval90 as [number, number];
  assertClose(c.interval[1] - c.interval[0], hi - lo, { rtol: 0.2 });
});

test('format learning is excluded and reported in the forecast', () => {
  const run = syntheticRun({ seed: 6, formatPoints: 2, formatDrop: 0.35 });
  const f = forecastRun(run, { at: 500 });
  assert.equal(f.burnIn, 2);
  assert.ok(f.warnings.some((w: { code: string }) => w.code === 'format-learning'));
  assertClose(f.predicted, trueR(500), { atol: 0.02 });
  const none = forecastRun(run, { at: 500, burnIn: 'none' });
  assert.equal(none.burnIn, 0);
  assert.ok(!none.warnings.some((w) => w.code === 'format-learning'));
});

test('bad options and runs too short are refused', () => {
  const run = syntheticRun({ seed: 7 });
  assert.throws(() => forecastRun(run, { at: 10, steps: 5 }), UsageError);
  assert.throws(() => forecastRun(run, { epsilon: 0 }), /invalid epsilon/);
  assert.throws(() => forecastRun(run, { confidence: 1.2 }), /invalid confidence/);
  assert.throws(() => forecastRun(run, { burnIn: -1 }), /invalid burn-in/);
  assert.throws(() => forecastRun(head(run, 3)), InputError);
});

test('predictFromEntropy gives the textbook OLS prediction interval s·sqrt(1 + 1/n + (x − x̄)²/Sxx)·t', () => {
  const H = [0.5, 0.42, 0.35, 0.3, 0.22, 0.18, 0.15];
  const R = [0.31, 0.36, 0.39, 0.43, 0.46, 0.47, 0.49];
  const law = fitEntropyLaw(H, R);
  const [p] = predictFromObserved(entropyExp, law, [[0.05]], [100], 0.9);
  const x = H.map(Math.exp);
  const n = x.length;
  const xBar = x.reduce((s, v) => s + v, 0) / n;
  const sxx = x.reduce((s, v) => s + (v - xBar) ** 2, 0);
  const x0 = Math.exp(0.05);
  const se = law.sigma * Math.sqrt(1 + 1 / n + (x0 - xBar) ** 2 / sxx);
  // t(0.95, 5 dof) = 2.0150483733330233 (scipy.stats.t.ppf, scipy 1.17.1).
  assertClose(p.interval[1] - p.predicted, 2.0150483733330233 * se, { rtol: 1e-9 });
  assertClose(p.predicted, law.params.b - law.params.a * x0, { rtol: 1e-12 });
});

test('lawInflation is 1 for a run that follows the law and grows when the latest points drift off it', () => {
  const run = syntheticRun({ seed: 8, points: 30 });
  const used = { step: run.step, entropy: run.entropy, metric: run.metric };
  assert.ok(lawInflation(used) < 1.6, `follows the law: ${lawInflation(used)}`);
  const drift = { ...used, metric: run.metric.map((r, i) => (i >= 20 ? r - 0.05 : r)) };
  assert.ok(lawInflation(drift) > 3, `drifts: ${lawInflation(drift)}`);
  assert.equal(lawInflation({ step: run.step.subarray(0, 5), entropy: run.entropy.subarray(0, 5), metric: run.metric.subarray(0, 5) }), 1);
});

test('formatForecast prints the numbers and every warning', () => {
  const run = syntheticRun({ seed: 6, formatPoints: 2, formatDrop: 0.35 });
  const f = forecastRun(run, { at: 500 });
  const text = formatForecast(f);
  assert.match(text[0], new RegExp(`^synthetic: R at step 500 = ${f.predicted.toFixed(4)} \\(90% ${f.interval[0].toFixed(4)}–`));
  assert.match(text[1], new RegExp(`ceiling b − a = ${f.ceiling!.value.toFixed(4)}`));
  assert.equal(text.filter((l: string) => l.startsWith('  warning: ')).length, f.warnings.length);
  assert.ok(f.warnings.length >= 1);
});
