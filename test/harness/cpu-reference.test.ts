import assert from 'node:assert/strict';
import { test } from 'node:test';
import { paramLayout } from '../../src/harness/layout.ts';
import { backward, forward } from '../../src/harness/cpu/model.ts';
import { crossEntropy } from '../../src/harness/cpu/ops.ts';
import { CpuPolicy } from '../../src/harness/cpu/backend.ts';
import { Rng } from '../../src/util/rng.ts';
import { matmulNT } from '../../src/harness/cpu/matmul.ts';
import { drawToken } from '../../src/harness/sampling.ts';
import { hashUniform } from '../../src/util/rng.ts';
import { TINY, finiteDifferenceErrors, randomBatch, randomParams } from './fixtures.ts';

const f64 = (n: number) => new Float64Array(n);

test('every gradient of the float64 reference matches central finite differences, entropy terms included', () => {
  const L = paramLayout(TINY);
  const B = 2, T = 6;
  const batch = randomBatch(TINY, B, T, 3, true);
  const params = Float64Array.from(randomParams(L.total, 4, 0.4));
  const run = (p: Float64Array) => forward(TINY, L, p, batch.tokens, batch.targets, batch.weights, B, T, f64, batch.entropyWeights!);
  const loss = (p: Float64Array) => run(p).loss;
  const c = run(params);
  const grads = backward(TINY, L, params, batch.tokens, c, f64);
  for (const { name, worst, scale } of finiteDifferenceErrors(L.slots, params, loss, grads)) {
    assert.ok(scale > 0, `${name}: gradient is identically zero`);
    assert.ok(worst <= 1e-6 * scale + 1e-9, `${name}: max |fd − grad| = ${worst} vs max |fd| = ${scale}`);
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

test('the entropy term of the loss is −Σ e·H and its gradient at the logits is e·p·(log p + H), by finite differences', () => {
  const N = 3, V = 5, rng = new Rng(8);
  const logits = Float64Array.from({ length: N * V }, () => 2 * rng.normal());
  const targets = Int32Array.of(0, 3, 4), weights = Float64Array.of(0, 0.5, -0.2), e = Float64Array.of(0.7, -0.4, 1.3);
  const lp = f64(N), H = f64(N), d = f64(N * V);
  const loss = crossEntropy(logits, targets, weights, lp, H, d, N, V, e);
  // Entropy from its definition, independently of the kernel.
  let expected = 0;
  for (let r = 0; r < N; r++) {
    const z = logits.subarray(r * V, (r + 1) * V), m = Math.max(...z), s = z.reduce((a, x) => a + Math.exp(x - m), 0);
    const p = Array.from(z, (x) => Math.exp(x - m) / s), h = -p.reduce((a, q) => a + q * Math.log(q), 0);
    assert.ok(Math.abs(H[r] - h) < 1e-12, `entropy ${r}`);
    expected -= weights[r] * Math.log(p[targets[r]]) + e[r] * h;
  }
  assert.ok(Math.abs(loss - expected) < 1e-12, `loss ${loss} vs ${expected}`);
  const h = 1e-6, scratch = [f64(N), f64(N)];
  for (let i = 0; i < N * V; i++) {
    const keep = logits[i];
    logits[i] = keep + h;
    const up = crossEntropy(logits, targets, weights, scratch[0], scratch[1], null, N, V, e);
    logits[i] = keep - h;
    const down = crossEntropy(logits, targets, weights, scratch[0], scratch[1], null, N, V, e);
    logits[i] = keep;
    assert.ok(Math.abs((up - down) / (2 * h) - d[i]) < 1e-8, `dlogits[${i}]: ${(up - down) / (2 * h)} vs ${d[i]}`);
  }
});

test('sampling with the key/value cache draws what recomputing the whole prefix per token draws', async () => {
  const cfg = { ...TINY, context: 9 };
  const L = paramLayout(cfg), params = randomParams(L.total, 6, 0.5);
  const policy = new CpuPolicy(cfg, 0);
  await policy.setState({ params, m: new Float32Array(L.total), v: new Float32Array(L.total), step: 0 });
  const count = 5, promptLen = 4, maxNew = 5, rng = new Rng(2);
  const prompts = new Int32Array(count * promptLen).map(() => rng.int(cfg.vocab));
  // Rows 0 and 2 share a prompt, as an RL rollout's responses to one prompt do: one prefill serves both.
  prompts.copyWithin(2 * promptLen, 0, promptLen);
  for (const options of [{ maxNew, greedy: true }, { maxNew, temperature: 1, seed: 11 }, { maxNew, temperature: 0.7, seed: 3 }]) {
    const got = await policy.sample(prompts, promptLen, options);
    // The reference: the whole prefix through `forward` for every new token.
    const seq = Array.from({ length: count }, (_, b) => Array.from(prompts.subarray(b * promptLen, (b + 1) * promptLen)));
    for (let s = 0; s < maxNew; s++) {
      const len = promptLen + s, toks = Int32Array.from(seq.flat());
      const c = forward(cfg, L, params, toks, toks, new Float32Array(count * len), count, len, (n) => new Float32Array(n));
      for (let b = 0; b < count; b++) {
        const d = drawToken(c.logits, (b * len + len - 1) * cfg.vocab, cfg.vocab, options.temperature ?? 1, options.greedy ?? false, hashUniform(options.seed ?? 0, b, s));
        seq[b].push(d.token);
        const at = b * maxNew + s;
        assert.equal(got.tokens[at], d.token, `${JSON.stringify(options)} token ${b},${s}`);
        assert.ok(Math.abs(got.logp[at] - d.logp) < 1e-5 && Math.abs(got.entropy[at] - d.entropy) < 1e-5, `${JSON.stringify(options)} logp/entropy ${b},${s}`);
      }
    }
  }
});
