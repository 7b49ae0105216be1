import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareMethods, covarianceCorrelation, endMean, methodOf, type KeySeries, type MethodRun } from '../../src/index.ts';

const series = (values: number[], steps = values.map((_, i) => i)): KeySeries => ({ step: Float64Array.from(steps), value: Float64Array.from(values) });

describe('methodOf', () => {
  it('names the loss with its setting and the modifiers the config states', () => {
    assert.equal(methodOf({ algorithm: 'grpo' }), 'grpo');
    assert.equal(methodOf({ algorithm: 'grpo', trainer: { clipRatioLow: 0.2, clipRatioHigh: 0.2, entropyCoeff: 0 } }), 'grpo');
    assert.equal(methodOf({ algorithm: 'grpo', trainer: { clipRatioLow: 0.2, clipRatioHigh: 0.28 } }), 'grpo+clip-higher(0.28)');
    assert.equal(methodOf({ algorithm: 'grpo', trainer: { entropyCoeff: 0.01 } }), 'grpo+entropy-bonus(0.01)');
    assert.equal(methodOf({ algorithm: 'kl-cov', trainer: { klCovRatio: 0.002, klCovCoef: 1, clipCovRatio: 0.1 } }), 'kl-cov(k=0.002,β=1)');
    assert.equal(methodOf({ algorithm: 'clip-cov', trainer: { clipCovRatio: 0.0002 } }), 'clip-cov(r=0.0002)');
    assert.equal(methodOf({}), 'unknown');
  });
});

describe('endMean', () => {
  it('averages the last fraction of the step span', () => {
    assert.equal(endMean(series([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 0.1), 9.5);
    assert.equal(endMean(series([5, 7], [0, 200]), 0.1), 7);
    assert.equal(endMean(series([1, 2, 3, 4]), 1), 2.5);
  });
});

describe('covarianceCorrelation', () => {
  it('is 1 when the entropy falls by a fixed multiple of the covariance', () => {
    const cov = [0.3, 0.1, 0.5, 0.2, 0.4, 0.05];
    const entropy = [1.5];
    for (const c of cov) entropy.push(entropy.at(-1)! - 0.7 * c);
    // From successive rollout entropies: ΔH(t) = H(t+1) − H(t) = −0.7·cov(t).
    assert.ok(Math.abs(covarianceCorrelation(series(cov), series(entropy))! - 1) < 1e-12);
    // From a logged per-step change, paired by step.
    assert.ok(Math.abs(covarianceCorrelation(series(cov), series(entropy), series(cov.map((c) => -0.7 * c)))! - 1) < 1e-12);
  });

  it('matches the known Pearson correlation, and is undefined with too few pairs or a constant side', () => {
    // corr([1..5], [2,1,4,3,5]) = 0.8 exactly.
    assert.ok(Math.abs(covarianceCorrelation(series([1, 2, 3, 4, 5]), series([0, 0, 0, 0, 0]), series([-2, -1, -4, -3, -5]))! - 0.8) < 1e-12);
    assert.equal(covarianceCorrelation(series([1, 2]), series([0, 0]), series([1, 2])), undefined);
    assert.equal(covarianceCorrelation(series([1, 1, 1, 1]), series([0, 0, 0, 0]), series([1, 2, 3, 4])), undefined);
    // Steps only the covariance has are not paired.
    assert.equal(covarianceCorrelation(series([1, 2, 3], [10, 11, 12]), series([0, 0, 0]), series([1, 2, 3], [0, 1, 2])), undefined);
  });
});

describe('compareMethods', () => {
  const run = (id: string, size: number, algorithm: string, entropy: number[], metric: number[], trainer = {}): MethodRun => ({
    info: { id, size, algorithm, trainer },
    entropy: series(entropy),
    metric: series(metric),
  });
  const runs = [
    run('s-kl-0', 1e5, 'kl-cov', [1.6, 1.2, 1.0], [0.3, 0.4, 0.5], { klCovRatio: 0.1, klCovCoef: 1 }),
    run('s-grpo-0', 1e5, 'grpo', [1.6, 0.8, 0.4], [0.3, 0.5, 0.6]),
    run('s-grpo-1', 1e5, 'grpo', [1.5, 0.7, 0.2], [0.3, 0.5, 0.8]),
    run('l-grpo-0', 4e5, 'grpo', [1.6, 0.5, 0.1], [0.4, 0.6, 0.7]),
    run('l-kl-0', 4e5, 'kl-cov', [1.6, 0.8, 0.5], [0.4, 0.6, 0.6], { klCovRatio: 0.1, klCovCoef: 1 }),
  ];

  it('pools seeds, puts the baseline first per size, and measures the end against it', () => {
    const out = compareMethods(runs, { endFraction: 0.5 });
    assert.deepEqual(out.map((m) => [m.size, m.method, m.runs]), [
      [1e5, 'grpo', ['s-grpo-0', 's-grpo-1']],
      [1e5, 'kl-cov(k=0.1,β=1)', ['s-kl-0']],
      [4e5, 'grpo', ['l-grpo-0']],
      [4e5, 'kl-cov(k=0.1,β=1)', ['l-kl-0']],
    ]);
    const [grpo, kl, lgrpo, lkl] = out;
    // End over the last half of steps 0..2: steps 1 and 2.
    assert.ok(Math.abs(grpo.entropyEnd.mean - (0.6 + 0.45) / 2) < 1e-12);
    assert.ok(Math.abs(grpo.entropyEnd.sd! - Math.SQRT1_2 * 0.15) < 1e-12);
    assert.equal(grpo.entropyStart.mean, 1.55);
    assert.equal(grpo.entropyEndRatio, 1);
    assert.ok(Math.abs(kl.entropyEndRatio! - 1.1 / 0.525) < 1e-12);
    assert.equal(kl.entropyEnd.sd, undefined);
    assert.ok(Math.abs(lkl.entropyEndRatio! - 0.65 / 0.3) < 1e-12);
    assert.ok(Math.abs(lgrpo.metricEnd.mean - 0.65) < 1e-12);
    assert.equal(grpo.covarianceCorrelation, undefined);
  });

  it('gives no ratio without a baseline, and refuses a bad end fraction', () => {
    assert.ok(compareMethods(runs, { baseline: 'rloo' }).every((m) => m.entropyEndRatio === undefined));
    assert.throws(() => compareMethods(runs, { endFraction: 0 }), /invalid endFraction: 0/);
  });
});
