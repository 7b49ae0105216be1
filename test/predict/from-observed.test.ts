import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitEntropyLaw } from '../../src/fit/entropy-law.ts';
import { evaluateFit } from '../../src/fit/evaluate.ts';
import { entropyExp } from '../../src/fit/laws/entropy-exp.ts';
import type { LawFit } from '../../src/fit/types.ts';
import { lawInflationCheck, predictFromObserved, type FromObservedOptions } from '../../src/predict/from-observed.ts';
import { readingNoise } from '../../src/predict/reading-noise.ts';
import { modelRun } from '../../src/predict/run-model.ts';
import { syntheticRun } from '../../src/predict/synthetic.ts';
import { UsageError } from '../../src/util/errors.ts';
import { assertClose } from '../helpers.ts';

// Student t quantiles from scipy.stats.t.ppf (scipy 1.17.1).
const T95 = { 2: 2.9199855803537242, 3: 2.3533634348018233, 5: 2.0150483733330233 };

/** Predictions of the paper's law from observed entropy. */
const predictFromEntropy = (fit: LawFit, steps: number[], entropy: number[], confidence?: number, inflation?: number, options?: FromObservedOptions) =>
  predictFromObserved(entropyExp, fit, [entropy], steps, confidence, inflation, options);

const H = [0.5, 0.42, 0.35, 0.3, 0.22, 0.18, 0.15];
const R = [0.31, 0.36, 0.39, 0.43, 0.46, 0.47, 0.49];
const half = (p: { predicted: number; interval: [number, number] }): number => p.interval[1] - p.predicted;

test('a reading-noise floor below s changes nothing; above s it scales the whole standard deviation', () => {
  const law = fitEntropyLaw(H, R);
  const [plain] = predictFromEntropy(law, [100], [0.05], 0.9);
  const [low] = predictFromEntropy(law, [100], [0.05], 0.9, 1, { readingNoise: law.sigma / 2 });
  assert.deepEqual(low, plain);
  // Both terms are proportional to s² (residual and covariance), so a floor of 3s triples the sd and the
  // interval, with the same n − 2 = 5 dof.
  const [high] = predictFromEntropy(law, [100], [0.05], 0.9, 1, { readingNoise: 3 * law.sigma });
  assertClose(high.sd, 3 * plain.sd, { rtol: 1e-12 });
  assertClose(half(high), 3 * T95[5] * plain.sd, { rtol: 1e-9 });
  assert.equal(high.predicted, plain.predicted);
});

test('an inflation above 1 takes the t quantile of its own degrees of freedom', () => {
  const law = fitEntropyLaw(H, R);
  const [plain] = predictFromEntropy(law, [100], [0.05], 0.9);
  const [inflated] = predictFromEntropy(law, [100], [0.05], 0.9, 1.5, { inflationDof: 2 });
  assertClose(half(inflated), 1.5 * T95[2] * plain.sd, { rtol: 1e-9 });
  // No inflation: the dof of a factor that was not applied do not matter.
  const [unit] = predictFromEntropy(law, [100], [0.05], 0.9, 1, { inflationDof: 2 });
  assertClose(half(unit), T95[5] * plain.sd, { rtol: 1e-9 });
  // More dof than the law has: the law's n − 2 still limits the quantile.
  const [many] = predictFromEntropy(law, [100], [0.05], 0.9, 1.5, { inflationDof: 40 });
  assertClose(half(many), 1.5 * T95[5] * plain.sd, { rtol: 1e-9 });
});

test('a law through its points (all but) exactly gets the textbook interval with s = the floor', () => {
  const h = [0.4, 0.3, 0.25, 0.2, 0.1];
  const exact = fitEntropyLaw(h, h.map((v) => 0.9 - 0.3 * Math.exp(v)));
  assert.ok(exact.sigma < 1e-12);
  const [p] = predictFromEntropy(exact, [1], [0.05], 0.9, 1, { readingNoise: 0.01 });
  const x = h.map(Math.exp);
  const xBar = x.reduce((s, v) => s + v, 0) / 5;
  const sxx = x.reduce((s, v) => s + (v - xBar) ** 2, 0);
  assertClose(half(p), T95[3] * 0.01 * Math.sqrt(1 + 1 / 5 + (Math.exp(0.05) - xBar) ** 2 / sxx), { rtol: 1e-6 });
});

test('bad inflation, floor or dof are refused', () => {
  const law = fitEntropyLaw(H, R);
  assert.throws(() => predictFromEntropy(law, [1], [0.1], 0.9, 0), /invalid inflation: 0/);
  assert.throws(() => predictFromEntropy(law, [1], [0.1], 0.9, Infinity), UsageError);
  assert.throws(() => predictFromEntropy(law, [1], [0.1], 0.9, 1, { readingNoise: -0.01 }), /invalid reading noise/);
  assert.throws(() => predictFromEntropy(law, [1], [0.1], 0.9, 1, { readingNoise: NaN }), UsageError);
  assert.throws(() => predictFromEntropy(law, [1], [0.1], 0.9, 1, { inflationDof: 0 }), /invalid inflation dof/);
});

test('modelRun stores the floor and the dof of the inflation that predictions from entropy use', () => {
  const run = syntheticRun({ seed: 8, points: 30 });
  const model = modelRun(run, { burnIn: 'none' });
  assert.equal(model.readingNoise, readingNoise(model.used, evaluateFit(entropyExp, model.fit, [model.used.entropy])));
  assert.ok(model.readingNoise > 0.005 && model.readingNoise < 0.02, `reading noise ${model.readingNoise} (noiseR 0.01)`);
  assert.deepEqual(lawInflationCheck(model.used), { factor: model.lawInflation, points: 10 });
  assert.equal(model.lawInflationPoints, 10);
  const short = { step: run.step.subarray(0, 5), entropy: run.entropy.subarray(0, 5), metric: run.metric.subarray(0, 5) };
  assert.deepEqual(lawInflationCheck(short), { factor: 1, points: 0 });
});
