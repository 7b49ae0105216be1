import { f32Lit, binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';
import { headPositionWgsl, type AttnSpec } from './attention.ts';

/**
 * First half of the attention backward pass, one invocation per (batch, head, query i):
 * dP_ij = dO_i·v_j, dS_ij = scale·P_ij·(dP_ij − Σ_k P_ik·dP_ik) (stored for the second half) and
 * dq_i = Σ_j dS_ij·k_j into the q columns of dqkv. Bindings: qkv, P, dO, dS, dqkv.
 */
export function attentionBackwardQKernel({ B, T, H, D }: AttnSpec, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits), hd = D / H;
  const code = `
${binding(0, 'qkv', 'read')}
${binding(1, 'P', 'read')}
${binding(2, 'dO', 'read')}
${binding(3, 'dS', 'read_write')}
${binding(4, 'dqkv', 'read_write')}
${main1d(wg)}
${headPositionWgsl({ B, T, H, D }, 'i')}
  let q = (b * ${T}u + i) * ${3 * D}u + h * ${hd}u;
  let go = (b * ${T}u + i) * ${D}u + h * ${hd}u;
  let p = idx * ${T}u;
  var dot = 0.0;
  for (var j = 0u; j <= i; j++) {
    let v = (b * ${T}u + j) * ${3 * D}u + ${2 * D}u + h * ${hd}u;
    var s = 0.0;
    for (var c = 0u; c < ${hd}u; c++) { s += dO[go + c] * qkv[v + c]; }
    dS[p + j] = s;
    dot += s * P[p + j];
  }
  for (var j = i + 1u; j < ${T}u; j++) { dS[p + j] = 0.0; }
  for (var c = 0u; c < ${hd}u; c++) { dqkv[q + c] = 0.0; }
  for (var j = 0u; j <= i; j++) {
    let ds = P[p + j] * (dS[p + j] - dot) * ${f32Lit(1 / Math.sqrt(hd))};
    dS[p + j] = ds;
    let k = (b * ${T}u + j) * ${3 * D}u + ${D}u + h * ${hd}u;
    for (var c = 0u; c < ${hd}u; c++) { dqkv[q + c] += ds * qkv[k + c]; }
  }
}`;
  return { label: 'attention backward q', code, bindings: ['read', 'read', 'read', 'read_write', 'read_write'], dispatch: grid1d(B * H * T, wg, limits) };
}
