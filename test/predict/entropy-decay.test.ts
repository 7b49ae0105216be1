import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fitEntropyDecay, predictEntropy, stepAtEntropy } from '../../src/predict/entropy-decay.ts';
import { chooseEntropyModel, entropyTrendVariance, modelGapVariance } from '../../src/predict/entropy-model.ts';
import { InputError, UsageError } from '../../src/util/errors.ts';
import { assertClose } from '../helpers.ts';

// Reference values: scipy.optimize.curve_fit (see reference/decay_reference.py and the JSON's `source`).
const ref = JSON.parse(readFileSync(new URL('./reference/decay-reference.json', import.meta.url), 'utf8'));

test('exponential decay matches scipy curve_fit on noisy data', () => {
  const f = fitEntropyDecay(ref.step, ref.entropy, 'exponential');
  assertClose(f.floor, ref.exponential.floor, { rtol: 1e-6 }, 'floor');
  assertClose(f.amplitude, ref.exponential.amplitude, { rtol: 1e-6 }, 'amplitude');
  assertClose(f.shape, ref.exponential.shape, { rtol: 1e-6 }, 'tau');
  assertClose(f.rmse ** 2 * f.n, ref.exponential.ssr, { rtol: 1e-9 }, 'ssr');
  assert.equal(f.floorPinned, false);
  assert.equal(f.dof, ref.step.length - 3);
});

test('power decay matches scipy curve_fit with the floor bounded at 0', () => {
  const f = fitEntropyDecay(ref.step, ref.entropy, 'power');
  assert.equal(f.floorPinned, true);
  assert.equal(f.floor, 0);
  assertClose(f.amplitude, ref.power.amplitude, { rtol: 1e-6 }, 'amplitude');
  assertClose(f.shape, ref.power.shape, { rtol: 1e-6 }, 'p');
  assertClose(f.rmse ** 2 * f.n, ref.power.ssr, { rtol: 1e-9 }, 'ssr');
});

test('noise-free curves are recovered exactly and inverted by stepAtEntropy', () => {
  const step = Array.from({ length: 30 }, (_, i) => 5 + 10 * i);
  const exp = step.map((t) => 0.1 + 0.4 * Math.exp(-(t - 5) / 45));
  const f = fitEntropyDecay(step, exp, 'exponential');
  assertClose(f.floor, 0.1, { rtol: 1e-6 });
  assertClose(f.shape, 45, { rtol: 1e-6 });
  assertClose(predictEntropy(f, 1000), 0.1 + 0.4 * Math.exp(-995 / 45), { rtol: 1e-6 });
  // H = floor + amplitude/e is reached one τ after the origin.
  assertClose(stepAtEntropy(f, 0.1 + 0.4 / Math.E) as number, 50, { rtol: 1e-6 });
  assert.equal(stepAtEntropy(f, 0.05), null, 'below the floor: never');
  assert.equal(stepAtEntropy(f, 0.9), 5, 'already below: the origin');
  const pow = step.map((t) => 0.02 + 0.5 * Math.pow(1 + (t - 5) / 10, -0.8));
  const g = fitEntropyDecay(step, pow, 'power');
  assertClose(g.shape, 0.8, { rtol: 1e-6 });
  assertClose(g.floor, 0.02, { atol: 1e-8 });
  assertClose(stepAtEntropy(g, 0.02 + 0.5 * Math.pow(11, -0.8)) as number, 105, { rtol: 1e-6 });
});

test('auto choice picks the curve that generated the data, and keeps the other for model uncertainty', () => {
  const step = Array.from({ length: 24 }, (_, i) => 10 * (i + 1));
  const pow = step.map((t) => 0.6 * Math.pow(1 + (t - 10) / 10, -0.5));
  const c = chooseEntropyModel(step, pow);
  assert.equal(c.fit.model, 'power');
  assert.equal(c.alternative?.model, 'exponential');
  assert.ok((c.scores.power as number) < (c.scores.exponential as number));
  // An exact power curve leaves the exponential no weight: no model-gap variance.
  assertClose(modelGapVariance(c.fit, c.alternative, 1000), 0, { atol: 1e-12 });
  const exp = step.map((t) => 0.08 + 0.4 * Math.exp(-t / 60));
  assert.equal(chooseEntropyModel(step, exp).fit.model, 'exponential');
  assert.equal(chooseEntropyModel(step.slice(0, 5), exp.slice(0, 5)).fit.model, 'exponential', 'too short to compare');
});

test('bootstrap variance is seeded, grows with the horizon, and vanishes without noise', () => {
  const f = fitEntropyDecay(ref.step, ref.entropy, 'exponential');
  const v1 = entropyTrendVariance(ref.step, ref.entropy, f, [400, 800], { replicates: 60, seed: 7 });
  const v2 = entropyTrendVariance(ref.step, ref.entropy, f, [400, 800], { replicates: 60, seed: 7 });
  assert.deepEqual(v1, v2);
  assert.ok(v1[0] > 0 && v1[1] >= v1[0]);
  const step = [10, 20, 30, 40, 50, 60];
  const h = step.map((t) => 0.1 + 0.3 * Math.exp(-t / 20));
  const v0 = entropyTrendVariance(step, h, fitEntropyDecay(step, h), [100], { replicates: 10 });
  assertClose(v0[0], 0, { atol: 1e-12 });
});

test('degenerate input and bad options are refused', () => {
  assert.throws(() => fitEntropyDecay([1, 2, 3], [0.3, 0.2, 0.1]), InputError);
  assert.throws(() => fitEntropyDecay([1, 2, 2, 3], [0.3, 0.2, 0.2, 0.1]), /increasing steps/);
  assert.throws(() => fitEntropyDecay([1, 2, 3, 4], [0.3, NaN, 0.2, 0.1]), /finite/);
  // @ts-expect-error an unknown model name
  assert.throws(() => fitEntropyDecay([1, 2, 3, 4], [0.4, 0.3, 0.2, 0.1], 'linear'), UsageError);
  assert.throws(() => chooseEntropyModel([1, 2, 3, 4], [0.4, 0.3, 0.2, 0.1], { holdout: 1.5 }), UsageError);
});
