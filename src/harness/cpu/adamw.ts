import type { ParamLayout } from '../layout.ts';
import { DEFAULT_ADAMW, type AdamWOptions } from '../types.ts';
import type { Vec } from './matmul.ts';

/**
 * One AdamW step in place (Loshchilov & Hutter 2019, decoupled decay):
 * m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − lr·(m̂/(√v̂ + ε) + λ·p) with λ only on matrices.
 * `step` is the 1-based index of this step, for the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
 * @example
 * const L = paramLayout(DEFAULT_MODEL), n = L.total;
 * adamwStep(L, params, grads, new Float32Array(n), new Float32Array(n), 1, { lr: 0.1, weightDecay: 0 });
 * // on a first step each parameter moves by lr·sign(gradient): m̂/√v̂ = g/|g|
 */
export function adamwStep(L: ParamLayout, params: Vec, grads: Vec, m: Vec, v: Vec, step: number, options: AdamWOptions = {}): void {
  const { lr, beta1, beta2, eps, weightDecay } = { ...DEFAULT_ADAMW, ...options };
  const bc1 = 1 - beta1 ** step, bc2 = 1 - beta2 ** step;
  for (const slot of L.slots) {
    const decay = slot.decay ? weightDecay : 0;
    for (let i = slot.offset, end = slot.offset + slot.size; i < end; i++) {
      const g = grads[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      params[i] -= lr * (m[i] / bc1 / (Math.sqrt(v[i] / bc2) + eps) + decay * params[i]);
    }
  }
}
