// The entropy mechanism of Cui et al. (2025) on a one-step softmax bandit: a policy-gradient step
// changes the entropy by −Cov_{a~π}(log π(a), Δz(a)) to first order, Δz the change of the logits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossEntropy } from '../../src/harness/cpu/ops.ts';

const V = 6;
const z0 = Float64Array.of(0.3, -1.2, 2.0, 0.1, -0.4, 1.1);
const reward = [0, 1, 1, 0, 0.5, 0];

/** π, log π and H of logits z, through the harness's cross-entropy kernel (its entropy output). */
function policy(z: Float64Array): { p: number[]; logp: number[]; H: number } {
  const logits = new Float64Array(V * V), targets = Int32Array.from({ length: V }, (_, a) => a);
  for (let a = 0; a < V; a++) logits.set(z, a * V);
  const logp = new Float64Array(V), H = new Float64Array(V);
  crossEntropy(logits, targets, new Float64Array(V), logp, H, null, V, V);
  return { p: [...logp].map(Math.exp), logp: [...logp], H: H[0] };
}

/** Cov_{a~π}(x, y). */
function cov(p: number[], x: number[], y: number[]): number {
  const ex = p.reduce((s, q, a) => s + q * x[a], 0), ey = p.reduce((s, q, a) => s + q * y[a], 0);
  return p.reduce((s, q, a) => s + q * x[a] * y[a], 0) - ex * ey;
}

/**
 * The exact (expected) vanilla policy gradient step on the surrogate −Σ_a π(a)·A(a)·log π(a), its
 * gradient at the logits computed by the kernel: one row per action, weight π(a)·A(a). Returns the new
 * logits z − η·∇, which the theory says is z + η·π·A.
 */
function vanillaStep(z: Float64Array, eta: number): Float64Array {
  const { p } = policy(z);
  const mean = p.reduce((s, q, a) => s + q * reward[a], 0);
  const logits = new Float64Array(V * V), d = new Float64Array(V * V);
  for (let a = 0; a < V; a++) logits.set(z, a * V);
  const weights = Float64Array.from({ length: V }, (_, a) => p[a] * (reward[a] - mean));
  crossEntropy(logits, Int32Array.from({ length: V }, (_, a) => a), weights, new Float64Array(V), new Float64Array(V), d, V, V);
  return z.map((x, v) => x - eta * Array.from({ length: V }, (_, a) => d[a * V + v]).reduce((s, g) => s + g, 0));
}

test('vanilla policy gradient: ΔH = −η·Cov(log π, π·A) to first order, the error shrinking with η', () => {
  const { p, logp, H } = policy(z0);
  const mean = p.reduce((s, q, a) => s + q * reward[a], 0);
  const A = reward.map((r) => r - mean);
  const errors: number[] = [];
  for (const eta of [0.3, 0.03, 0.003]) {
    const z1 = vanillaStep(z0, eta);
    // The kernel's gradient is the theory's logit change η·π·A.
    z1.forEach((x, a) => assert.ok(Math.abs(x - z0[a] - eta * p[a] * A[a]) < 1e-12, `Δz[${a}]`));
    const measured = policy(z1).H - H;
    const predicted = -eta * cov(p, logp, p.map((q, a) => q * A[a]));
    assert.ok(Math.sign(measured) === Math.sign(predicted), `η ${eta}: ΔH ${measured} vs ${predicted}`);
    errors.push(Math.abs(measured - predicted) / Math.abs(predicted));
  }
  // First order: the relative error falls about tenfold with each tenfold smaller step.
  assert.ok(errors[2] < 0.01, `relative error at η = 0.003: ${errors[2]}`);
  for (let k = 1; k < errors.length; k++) assert.ok(errors[k] < errors[k - 1] / 5, `errors ${errors.join(', ')}`);
});

test('natural policy gradient (Δz = η·A): ΔH = −η·Cov(log π, A) to first order', () => {
  const { p, logp, H } = policy(z0);
  const mean = p.reduce((s, q, a) => s + q * reward[a], 0);
  const A = reward.map((r) => r - mean);
  const errors = [0.1, 0.01, 0.001].map((eta) => {
    const measured = policy(z0.map((x, a) => x + eta * A[a])).H - H;
    const predicted = -eta * cov(p, logp, A);
    return Math.abs(measured - predicted) / Math.abs(predicted);
  });
  assert.ok(errors[2] < 0.01 && errors[1] < errors[0] / 5 && errors[2] < errors[1] / 5, `errors ${errors.join(', ')}`);
});
