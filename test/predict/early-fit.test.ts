import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeRun, earlyFitPoints, entropyExp, evaluateFit, fitEntropyLaw, forecastFromEarlyFit as early, InputError, UsageError, type EarlyFitOptions } from '../../src/index.ts';

/** The early-fit forecast of a run analysed with the defaults. */
const forecastFromEarlyFit = (s: RunSeries, options?: EarlyFitOptions) => early(analyzeRun(s), options);
import type { RunSeries } from '../../src/ingest/types.ts';
import { assertClose } from '../helpers.ts';

/** A run on the law with entropy decaying to a floor and seeded, roughly Gaussian noise. */
function syntheticRun(n: number, noise: number, seed = 1): RunSeries {
  const u = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const step = Float64Array.from({ length: n }, (_, i) => 4 * (i + 1));
  const entropy = step.map((t) => 0.1 + 1.1 * Math.exp(-t / 150));
  const metric = entropy.map((h) => 0.9 - 0.3 * Math.exp(h) + noise * (u() + u() + u() + u() - 2));
  return { run: 'synthetic', step, entropy, metric };
}

describe('forecastFromEarlyFit', () => {
  it('uses ⌈fraction·n⌉ points, at least 3', () => {
    assert.equal(earlyFitPoints(43, 0.15), 7);
    assert.equal(earlyFitPoints(100, 0.15), 15);
    assert.equal(earlyFitPoints(10, 0.15), 3);
    assert.equal(earlyFitPoints(2, 0.5), 2);
    assert.equal(earlyFitPoints(20, 1), 20);
  });

  it('predicts the held-out points of a noiseless run exactly', () => {
    const run = syntheticRun(60, 0);
    const f = forecastFromEarlyFit(run);
    assert.equal(f.fitPoints, 9);
    assert.equal(f.heldOut.length, 51);
    assert.ok(f.rmse !== null && f.rmse < 1e-12, `rmse ${f.rmse}`);
    assert.deepEqual(f.final && f.final.step, 240);
    assertClose(f.fit.params.a, 0.3, { rtol: 1e-9 });
  });

  it('matches a fit on the first k points done by hand, and scores the rest', () => {
    const run = syntheticRun(80, 0.01, 3);
    const f = forecastFromEarlyFit(run, { fraction: 0.25 });
    const k = 20;
    const byHand = fitEntropyLaw(run.entropy.slice(0, k), run.metric.slice(0, k));
    assert.equal(f.fitPoints, k);
    assertClose(f.fit.params.a, byHand.params.a, { rtol: 1e-12 });
    let sse = 0;
    for (let i = k; i < 80; i++) sse += (evaluateFit(entropyExp, byHand, [[run.entropy[i]]])[0] - run.metric[i]) ** 2;
    assertClose(f.rmse ?? NaN, Math.sqrt(sse / 60), { rtol: 1e-12 });
    assert.equal(f.final?.actual, run.metric[79]);
    // With noise 0.01·(sum of 4 uniforms − 2), sd ≈ 0.0058: an early fit should forecast within a few sd.
    assert.ok((f.rmse ?? 1) < 0.03, `rmse ${f.rmse}`);
  });

  it('has nothing to score when the fraction covers the run', () => {
    const f = forecastFromEarlyFit(syntheticRun(10, 0.01), { fraction: 1 });
    assert.equal(f.rmse, null);
    assert.equal(f.final, null);
  });

  it('refuses bad fractions and degenerate early parts', () => {
    assert.throws(() => forecastFromEarlyFit(syntheticRun(10, 0), { fraction: 0 }), UsageError);
    assert.throws(() => forecastFromEarlyFit(syntheticRun(10, 0), { fraction: 1.5 }), UsageError);
    const flat: RunSeries = { run: 'flat', step: Float64Array.of(1, 2, 3, 4), entropy: Float64Array.of(0.5, 0.5, 0.5, 0.4), metric: Float64Array.of(0.1, 0.2, 0.3, 0.4) };
    assert.throws(() => forecastFromEarlyFit(flat, { fraction: 0.5 }), InputError);
  });
});
