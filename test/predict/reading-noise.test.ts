import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitEntropyLaw } from '../../src/fit/entropy-law.ts';
import { readingNoise, secondDifferenceScatter } from '../../src/predict/reading-noise.ts';
import { Rng } from '../../src/util/rng.ts';
import { syntheticRun } from '../../src/predict/synthetic.ts';
import { assertClose } from '../helpers.ts';
import { evaluateFit } from '../../src/fit/evaluate.ts';
import { entropyExp } from '../../src/fit/laws/entropy-exp.ts';

test('secondDifferenceScatter: known answers, equal and unequal spacing', () => {
  // Pseudo-residuals (y₀ + y₂)/2 − y₁ = −1, 1, −1, each weighted by 1/(¼ + ¼ + 1) = 2/3: σ² = 2/3.
  assertClose(secondDifferenceScatter([1, 2, 3, 4, 5], [0, 1, 0, 1, 0]), Math.sqrt(2 / 3), { rtol: 1e-15 });
  // t = 0, 1, 3: a = 2/3, b = 1/3, ẽ = (1/3)·3 = 1, c² = 1/(4/9 + 1/9 + 1) = 9/14.
  assertClose(secondDifferenceScatter([0, 1, 3], [0, 0, 3]), Math.sqrt(9 / 14), { rtol: 1e-15 });
  // Any straight line, however spaced, has no scatter about itself.
  assert.ok(secondDifferenceScatter([0, 1, 3, 7, 8], [2, 1.5, 0.5, -1.5, -2]) < 1e-15);
  // Degenerate cases: too few points, and repeated steps skipped rather than refused.
  assert.equal(secondDifferenceScatter([1, 2], [0, 1]), 0);
  assert.equal(secondDifferenceScatter([1, 1, 1], [0, 1, 0]), 0);
  assertClose(secondDifferenceScatter([1, 1, 2, 3, 4], [5, 0, 1, 0, 1]), Math.sqrt(2 / 3), { rtol: 1e-15 });
});

test('secondDifferenceScatter recovers white noise under a smooth trend', () => {
  const rng = new Rng(3);
  const n = 4000;
  const t = Array.from({ length: n }, (_, i) => 10 * (i + 1));
  // R climbing by 0.3 along the run: first differences would see the trend, second differences barely do.
  const y = t.map((s) => 0.6 - 0.3 * Math.exp(-s / 5000) + 0.01 * rng.normal());
  // Relative standard error ≈ ½·sqrt(35/18 / n) ≈ 1.1%: 5% is over four of them.
  assertClose(secondDifferenceScatter(t, y), 0.01, { rtol: 0.05 });
});

test('readingNoise removes the scatter of R that the law explains through the scatter of entropy', () => {
  // R follows each wiggle of entropy (noiseH) exactly, plus reading noise 0.005 of its own.
  const run = syntheticRun({ points: 3000, seed: 21, noiseH: 0.03, noiseR: 0.005, tau: 5000 });
  const law = fitEntropyLaw(run.entropy, run.metric);
  assert.ok(secondDifferenceScatter(run.step, run.metric) > 0.009, 'R scatters by twice its reading noise');
  assertClose(readingNoise(run, evaluateFit(entropyExp, law, [run.entropy])), 0.005, { rtol: 0.1 });
  assert.equal(readingNoise({ step: [1, 2], metric: [0.4, 0.5] }, [0.3, 0.2]), 0);
});
