import { binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';

/** Byte size of the uniform block: lr, β₁, β₂, ε, λ, 1−β₁ᵗ, 1−β₂ᵗ, padding. */
export const ADAMW_UNIFORM_BYTES = 32;

/**
 * One AdamW step over all n parameters at once, as `cpu/adamw.ts`; `decay` holds 1 where weight decay
 * applies and 0 elsewhere. Bindings: params, grads, m, v, decay, hyper-parameters (uniform).
 */
export function adamwKernel({ n }: { n: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
struct Hyper { lr: f32, beta1: f32, beta2: f32, eps: f32, wd: f32, bc1: f32, bc2: f32, pad: f32 }
${binding(0, 'params', 'read_write')}
${binding(1, 'grads', 'read')}
${binding(2, 'm', 'read_write')}
${binding(3, 'v', 'read_write')}
${binding(4, 'decay', 'read')}
@group(0) @binding(5) var<uniform> hp: Hyper;
${main1d(wg)}
  if (idx >= ${n}u) { return; }
  let g = grads[idx];
  let mi = hp.beta1 * m[idx] + (1.0 - hp.beta1) * g;
  let vi = hp.beta2 * v[idx] + (1.0 - hp.beta2) * g * g;
  m[idx] = mi;
  v[idx] = vi;
  let p = params[idx];
  params[idx] = p - hp.lr * (mi / hp.bc1 / (sqrt(vi / hp.bc2) + hp.eps) + hp.wd * decay[idx] * p);
}`;
  return { label: 'adamw', code, bindings: ['read_write', 'read', 'read_write', 'read_write', 'read', 'uniform'], dispatch: grid1d(n, wg, limits) };
}
