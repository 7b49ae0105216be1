import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeRun, forecastPath, forecastRun, predictEntropy, modelRun, syntheticRun } from '../../src/index.ts';

describe('forecastPath', () => {
  const series = syntheticRun({ seed: 4, points: 30, formatPoints: 3 });
  const analysis = analyzeRun(series);

  it('runs from the last observed step to until, evenly spaced, each point what forecastRun gives at that step', () => {
    const path = forecastPath(analysis, { until: 900, samples: 7, replicates: 40 });
    assert.deepEqual(path.points.map((p) => p.step), [300, 400, 500, 600, 700, 800, 900]);
    assert.equal(path.confidence, 0.9);
    for (const at of [300, 600, 900]) {
      const f = forecastRun(analysis, { at, replicates: 40 });
      const p = path.points.find((q) => q.step === at)!;
      assert.equal(p.predicted, f.predicted, `R at step ${at}`);
      assert.deepEqual(p.interval, f.interval, `interval at step ${at}`);
      assert.equal(p.entropy, f.entropyAt);
    }
    // The entropy along the path is the run's entropy curve, falling; the intervals widen with the horizon.
    const curve = modelRun(analysis).entropy!.fit;
    for (const p of path.points) assert.equal(p.entropy, predictEntropy(curve, p.step));
    const width = path.points.map((p) => p.interval[1] - p.interval[0]);
    for (let i = 1; i < width.length; i++) assert.ok(width[i] >= width[i - 1] - 1e-12, `width at ${path.points[i].step}`);
  });

  it('defaults to twice the run so far, and a law of the step needs no entropy curve', () => {
    const path = forecastPath(series, { replicates: 20 });
    assert.equal(path.points.length, 40);
    assert.equal(path.points.at(-1)!.step, 2 * 300 - 10);
    const power = forecastPath(analyzeRun(series, { law: 'power' }), { until: 600, samples: 3 });
    assert.deepEqual(power.points.map((p) => p.step), [300, 450, 600]);
    assert.ok(power.points.every((p) => p.entropy === undefined && p.interval[0] < p.predicted && p.predicted < p.interval[1]));
  });

  it('refuses a path that ends before the last step, fewer than 2 samples, and a run too short to model', () => {
    assert.throws(() => forecastPath(analysis, { until: 100 }), { name: 'UsageError', message: 'invalid until: 100 (expected a step at or after the last one, 300)' });
    assert.throws(() => forecastPath(analysis, { samples: 1 }), { name: 'UsageError' });
    assert.throws(() => forecastPath(syntheticRun({ points: 2 })), { name: 'InputError' });
  });
});
