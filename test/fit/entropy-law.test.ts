import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { entropyExp, evaluateFit, fitEntropyLaw, InputError, lawCeiling, studentTQuantile, UsageError } from '../../src/index.ts';

const ceilingOf = (fit: Parameters<typeof lawCeiling>[1]) => lawCeiling(entropyExp, fit);
import { assertClose } from '../helpers.ts';

interface ReferenceCase {
  name: string;
  entropy: number[];
  metric: number[];
  sigma: number[] | null;
  a: number;
  b: number;
  stderr_a: number;
  stderr_b: number;
  cov_ab: number;
  ceiling: number;
  ceiling_stderr: number;
  t975: number;
}

// Produced by test/fit/entropy-law-reference.py (scipy.optimize.curve_fit; version in the file's "source").
const reference = JSON.parse(readFileSync(new URL('./entropy-law-reference.json', import.meta.url), 'utf8')) as {
  source: string;
  cases: ReferenceCase[];
};

describe('fitEntropyLaw against scipy.optimize.curve_fit', () => {
  for (const c of reference.cases) {
    it(c.name, () => {
      const fit = fitEntropyLaw(c.entropy, c.metric, c.sigma ? { sigma: c.sigma } : {});
      const tol = { rtol: 1e-6 };
      assertClose(fit.params.a, c.a, tol, 'a');
      assertClose(fit.params.b, c.b, tol, 'b');
      assertClose(fit.stderr.a, c.stderr_a, tol, 'stderr a');
      assertClose(fit.stderr.b, c.stderr_b, tol, 'stderr b');
      assertClose(fit.covariance[0][1], c.cov_ab, tol, 'cov(a, b)');
      const ceiling = ceilingOf(fit);
      assertClose(ceiling.value, c.ceiling, tol, 'ceiling');
      assertClose(ceiling.stderr, c.ceiling_stderr, tol, 'ceiling stderr');
      const t = studentTQuantile(0.975, fit.dof);
      assertClose(t, c.t975, { rtol: 1e-9 }, 't quantile');
      assertClose(ceiling.ci[1] - ceiling.value, c.t975 * c.ceiling_stderr, tol, 'ceiling CI half-width');
      assert.equal(fit.n, c.entropy.length);
    });
  }
});

describe('fitEntropyLaw known answers', () => {
  it('recovers a and b exactly from noiseless points', () => {
    const H = [1.2, 0.9, 0.7, 0.5, 0.3, 0.1];
    const R = H.map((h) => 0.9 - 0.25 * Math.exp(h));
    const fit = fitEntropyLaw(H, R);
    assertClose(fit.params.a, 0.25, { rtol: 1e-12 }, 'a');
    assertClose(fit.params.b, 0.9, { rtol: 1e-12 }, 'b');
    assertClose(fit.r2, 1, { rtol: 1e-12 }, 'R²');
    assert.ok(fit.rmse < 1e-12);
    assertClose(ceilingOf(fit).value, 0.65, { rtol: 1e-12 }, 'ceiling');
  });

  it('recovers the truth within its interval from noisy points (seeded)', () => {
    let seed = 7;
    const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const normal = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
    let covered = 0;
    const trials = 200;
    for (let k = 0; k < trials; k++) {
      const H = Array.from({ length: 30 }, (_, i) => 1.5 * Math.exp(-i / 10) + 0.05);
      const R = H.map((h) => 0.8 - 0.2 * Math.exp(h) + 0.01 * normal());
      const ceiling = ceilingOf(fitEntropyLaw(H, R));
      if (ceiling.ci[0] <= 0.6 && 0.6 <= ceiling.ci[1]) covered++;
    }
    // A 95% interval should cover the true ceiling 0.6 in roughly 95% of the trials.
    assert.ok(covered / trials > 0.9 && covered / trials <= 1, `coverage ${covered / trials}`);
  });

  it('evaluates the law', () => {
    assertClose(evaluateFit(entropyExp, { values: [0.2, 0.9] }, [[0]])[0], 0.7, { rtol: 1e-15 });
  });
});

describe('fitEntropyLaw degenerate input', () => {
  it('refuses fewer than 3 points', () => {
    assert.throws(() => fitEntropyLaw([0.1, 0.2], [0.5, 0.4]), (e: unknown) => {
      return e instanceof InputError && /requires at least 3 points \(got 2\)/.test(e.message);
    });
  });
  it('refuses entropy without spread', () => {
    assert.throws(() => fitEntropyLaw([0.3, 0.3, 0.3, 0.3], [0.1, 0.2, 0.3, 0.4]), (e: unknown) => {
      return e instanceof InputError && /entropy that varies/.test(e.message);
    });
  });
  it('refuses non-finite values', () => {
    assert.throws(() => fitEntropyLaw([0.3, NaN, 0.1], [0.1, 0.2, 0.3]), InputError);
  });
  it('rejects a bad confidence level and bad sigma as usage errors', () => {
    assert.throws(() => fitEntropyLaw([0.3, 0.2, 0.1], [0.1, 0.2, 0.3], { confidence: 1.5 }), UsageError);
    assert.throws(() => fitEntropyLaw([0.3, 0.2, 0.1], [0.1, 0.2, 0.3], { sigma: [1, 0, 1] }), UsageError);
  });
  it('gives finite numbers for flat R (a = 0) and an exact three-point fit', () => {
    const flat = fitEntropyLaw([0.3, 0.2, 0.1], [0.5, 0.5, 0.5]);
    assert.equal(flat.params.a, 0);
    assert.equal(flat.r2, 1);
    assert.ok(Object.values(flat.stderr).every(Number.isFinite));
  });
});
