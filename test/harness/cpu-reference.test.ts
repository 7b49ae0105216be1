import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paramLayout } from '../../src/harness/layout.ts';
import { backward, forward } from '../../src/harness/cpu/model.ts';
import { matmulNT } from '../../src/harness/cpu/matmul.ts';
import { drawToken } from '../../src/harness/sampling.ts';
import { hashUniform } from '../../src/util/rng.ts';
import { TINY, randomBatch, randomParams } from './fixtures.ts';

const f64 = (n: number) => new Float64Array(n);

test('every gradient of the float64 reference matches central finite differences', () => {
  const L = paramLayout(TINY);
  const B = 2, T = 6;
  const batch = randomBatch(TINY, B, T, 3);
  const params = Float64Array.from(randomParams(L.total, 4, 0.4));
  const loss = (p: Float64Array) => forward(TINY, L, p, batch.tokens, batch.targets, batch.weights, B, T, f64).loss;
  const c = forward(TINY, L, params, batch.tokens, batch.targets, batch.weights, B, T, f64);
  const grads = backward(TINY, L, params, batch.tokens, c, f64);
  const h = 1e-6;
  for (const slot of L.slots) {
    let worst = 0, scale = 0;
    for (let i = slot.offset; i < slot.offset + slot.size; i++) {
      const keep = params[i];
      params[i] = keep + h;
      const up = loss(params);
      params[i] = keep - h;
      const down = loss(params);
      params[i] = keep;
      const fd = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - grads[i]));
      scale = Math.max(scale, Math.abs(fd));
    }
    assert.ok(scale > 0, `${slot.name}: gradient is identically zero`);
    assert.ok(worst <= 1e-6 * scale + 1e-9, `${slot.name}: max |fd − grad| = ${worst} vs max |fd| = ${scale}`);
  }
});

test('the blocked matmul equals the textbook triple loop on ragged sizes', () => {
  for (const [M, K, N] of [[1, 1, 1], [5, 3, 7], [8, 9, 4], [13, 17, 11]]) {
    const A = randomParams(M * K, M), B = randomParams(N * K, N);
    const C = new Float64Array(M * N).fill(1);
    matmulNT(Float64Array.from(A), Float64Array.from(B), C, M, K, N, true);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let s = 1;
      for (let k = 0; k < K; k++) s += A[i * K + k] * B[j * K + k];
      assert.ok(Math.abs(C[i * N + j] - s) < 1e-12, `C[${i},${j}] of ${M}×${K}×${N}`);
    }
  }
});

test('float32 products large enough for the WebAssembly SIMD kernel match a float64 triple loop', () => {
  for (const [M, K, N] of [[37, 41, 29], [64, 33, 18], [3, 1001, 17], [130, 64, 12]]) {
    const A = randomParams(M * K, M), B = randomParams(N * K, N), C0 = randomParams(M * N, K);
    for (const accumulate of [false, true]) {
      const C = C0.slice();
      matmulNT(A, B, C, M, K, N, accumulate);
      let worst = 0, scale = 0;
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
        let s = accumulate ? C0[i * N + j] : 0;
        for (let k = 0; k < K; k++) s += A[i * K + k] * B[j * K + k];
        worst = Math.max(worst, Math.abs(C[i * N + j] - s));
        scale = Math.max(scale, Math.abs(s));
      }
      assert.ok(worst < 1e-5 * scale, `${M}×${K}×${N} accumulate=${accumulate}: ${worst} vs ${scale}`);
    }
  }
});

test('drawToken inverts the CDF and reports log p and entropy of the tempered distribution', () => {
  // logits (0, ln 3) give p = (1/4, 3/4); at temperature 2 they give p ∝ (1, √3).
  const logits = Float64Array.of(0, Math.log(3));
  assert.equal(drawToken(logits, 0, 2, 1, false, 0.2).token, 0);
  const d = drawToken(logits, 0, 2, 1, false, 0.3);
  assert.equal(d.token, 1);
  assert.ok(Math.abs(d.logp - Math.log(0.75)) < 1e-12);
  assert.ok(Math.abs(d.entropy - -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))) < 1e-12);
  const p1 = Math.sqrt(3) / (1 + Math.sqrt(3));
  assert.ok(Math.abs(drawToken(logits, 0, 2, 2, false, 0.99).logp - Math.log(p1)) < 1e-12);
  assert.equal(drawToken(logits, 0, 2, 5, true, 0).token, 1, 'greedy takes the argmax whatever the temperature');
  // hashUniform is in [0, 1) and spreads evenly.
  let mean = 0;
  for (let i = 0; i < 1000; i++) {
    const u = hashUniform(7, i, 3);
    assert.ok(u >= 0 && u < 1);
    mean += u / 1000;
  }
  assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
});
