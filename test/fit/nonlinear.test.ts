import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fc } from '../property.ts';
import { boundsMap } from '../../src/fit/nonlinear/bounds.ts';
import { inverseGram } from '../../src/fit/nonlinear/covariance.ts';
import { levenbergMarquardt } from '../../src/fit/nonlinear/lmder.ts';
import { qrFactor, applyQt } from '../../src/fit/nonlinear/qr.ts';
import { assertClose } from '../helpers.ts';

test('Rosenbrock as least squares (MINPACK test problem 1 of Moré, Garbow & Hillstrom) reaches (1, 1)', () => {
  const problem = {
    m: 2,
    n: 2,
    residuals: (x: Float64Array, f: Float64Array) => {
      f[0] = 10 * (x[1] - x[0] * x[0]);
      f[1] = 1 - x[0];
    },
    jacobian: (x: Float64Array, j: Float64Array) => {
      j[0] = -20 * x[0];
      j[1] = -1;
      j[2] = 10;
      j[3] = 0;
    },
  };
  const r = levenbergMarquardt(problem, [-1.2, 1]);
  assertClose(r.x[0], 1, { rtol: 1e-12 });
  assertClose(r.x[1], 1, { rtol: 1e-12 });
  assert.ok(r.ssr < 1e-28);
  assert.ok([1, 2, 3, 4].includes(r.info), `info ${r.info}`);
});

test('a model that is undefined at the start is reported, not thrown', () => {
  const problem = { m: 1, n: 1, residuals: (_x: Float64Array, f: Float64Array) => (f[0] = NaN), jacobian: () => {} };
  assert.equal(levenbergMarquardt(problem, [1]).info, 0);
});

test('QR factors reproduce the column norms and Qᵀ preserves length', () => {
  const m = 5;
  const a = Float64Array.from([1, 2, 3, 4, 5, 1, 0, 1, 0, 1, 2, 2, 2, 2, 3]);
  const b = Float64Array.from([1, -1, 2, 0.5, 3]);
  const norm = Math.hypot(...b);
  const { rdiag, colNorms } = qrFactor(Float64Array.from(a), m, 3);
  assertClose(colNorms[0], Math.hypot(1, 2, 3, 4, 5), { rtol: 1e-15 });
  // |det R| = √det(AᵀA): the product of |rdiag| equals the volume spanned by the columns.
  const ata = [0, 1, 2].map((i) => [0, 1, 2].map((j) => a.subarray(i * m, i * m + m).reduce((s, v, k) => s + v * a[j * m + k], 0)));
  const det = ata[0][0] * (ata[1][1] * ata[2][2] - ata[1][2] * ata[2][1]) - ata[0][1] * (ata[1][0] * ata[2][2] - ata[1][2] * ata[2][0]) + ata[0][2] * (ata[1][0] * ata[2][1] - ata[1][1] * ata[2][0]);
  assertClose(Math.abs(rdiag[0] * rdiag[1] * rdiag[2]), Math.sqrt(det), { rtol: 1e-12 });
  const factored = Float64Array.from(a);
  qrFactor(factored, m, 3);
  applyQt(factored, m, 3, b);
  assertClose(Math.hypot(...b), norm, { rtol: 1e-14 });
});

test('inverseGram inverts JᵀJ and flags a rank-deficient Jacobian', () => {
  assert.deepEqual(inverseGram(Float64Array.of(1, 1, 0, 1), 2, 2).matrix.map((r) => r.map((v) => Math.round(v * 1e12) / 1e12)), [
    [1, -1],
    [-1, 2],
  ]);
  const singular = inverseGram(Float64Array.of(1, 2, 3, 2, 4, 6), 3, 2);
  assert.equal(singular.fullRank, false);
  assert.ok(singular.matrix.flat().some((v) => v === Infinity));
});

test('bounds map round-trips inside the box and never leaves it', () => {
  fc.assert(
    fc.property(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), (p, u) => {
      for (const [lo, hi] of [
        [-5, 5],
        [-5, Infinity],
        [-Infinity, 5],
      ]) {
        const map = boundsMap([lo], [hi]);
        const back = map.toExternal(map.toInternal([p]), new Float64Array(1))[0];
        assertClose(back, p, { rtol: 1e-9, atol: 1e-9 });
        const anywhere = map.toExternal([u], new Float64Array(1))[0];
        assert.ok(anywhere >= lo && anywhere <= hi);
      }
    }),
    { numRuns: 300 },
  );
});
