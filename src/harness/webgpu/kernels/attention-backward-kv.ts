import { binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';
import { headPositionWgsl, type AttnSpec } from './attention.ts';

/**
 * Second half of the attention backward pass, one invocation per (batch, head, key j), so each writes
 * its own rows and no atomics are needed: dk_j = Σ_{i≥j} dS_ij·q_i, dv_j = Σ_{i≥j} P_ij·dO_i, into the k
 * and v columns of dqkv. Bindings: qkv, P, dO, dS, dqkv.
 */
export function attentionBackwardKVKernel({ B, T, H, D }: AttnSpec, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits), hd = D / H;
  const code = `
${binding(0, 'qkv', 'read')}
${binding(1, 'P', 'read')}
${binding(2, 'dO', 'read')}
${binding(3, 'dS', 'read')}
${binding(4, 'dqkv', 'read_write')}
${main1d(wg)}
${headPositionWgsl({ B, T, H, D }, 'j')}
  let k = (b * ${T}u + j) * ${3 * D}u + ${D}u + h * ${hd}u;
  let v = k + ${D}u;
  for (var c = 0u; c < ${hd}u; c++) { dqkv[k + c] = 0.0; dqkv[v + c] = 0.0; }
  for (var i = j; i < ${T}u; i++) {
    let p = ((b * ${H}u + h) * ${T}u + i) * ${T}u + j;
    let q = (b * ${T}u + i) * ${3 * D}u + h * ${hd}u;
    let go = (b * ${T}u + i) * ${D}u + h * ${hd}u;
    let ds = dS[p];
    let pij = P[p];
    for (var c = 0u; c < ${hd}u; c++) {
      dqkv[k + c] += ds * qkv[q + c];
      dqkv[v + c] += pij * dO[go + c];
    }
  }
}`;
  return { label: 'attention backward kv', code, bindings: ['read', 'read', 'read', 'read', 'read_write'], dispatch: grid1d(B * H * T, wg, limits) };
}
