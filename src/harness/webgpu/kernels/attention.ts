import { f32Lit, binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';

/** Sizes of one attention call: batch, sequence, heads, width. */
export interface AttnSpec { B: number; T: number; H: number; D: number }

/**
 * The WGSL prologue of the attention kernels, which run one invocation per (batch, head, position):
 * returns past the last one, then splits `idx` into `pos` (the position's name: i for a query, j for a
 * key), head `h` and batch `b`.
 */
export function headPositionWgsl({ B, T, H }: AttnSpec, pos: string): string {
  return `  if (idx >= ${B * H * T}u) { return; }
  let ${pos} = idx % ${T}u;
  let h = (idx / ${T}u) % ${H}u;
  let b = idx / ${H * T}u;`;
}

/**
 * Causal multi-head attention, one invocation per (batch, head, query). qkv[B·T, 3D] holds q | k | v;
 * writes o[B·T, D] and the probabilities P[B, H, T, T] (zero above the diagonal). Softmax subtracts the
 * row maximum, as `cpu/ops.ts` does. Bindings: qkv, P, o.
 */
export function attentionKernel({ B, T, H, D }: AttnSpec, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits), hd = D / H;
  const code = `
${binding(0, 'qkv', 'read')}
${binding(1, 'P', 'read_write')}
${binding(2, 'o', 'read_write')}
${main1d(wg)}
${headPositionWgsl({ B, T, H, D }, 'i')}
  let q = (b * ${T}u + i) * ${3 * D}u + h * ${hd}u;
  let p = idx * ${T}u;
  var mx = -3.0e38;
  for (var j = 0u; j <= i; j++) {
    let k = (b * ${T}u + j) * ${3 * D}u + ${D}u + h * ${hd}u;
    var s = 0.0;
    for (var c = 0u; c < ${hd}u; c++) { s += qkv[q + c] * qkv[k + c]; }
    s *= ${f32Lit(1 / Math.sqrt(hd))};
    P[p + j] = s;
    mx = max(mx, s);
  }
  var sum = 0.0;
  for (var j = 0u; j <= i; j++) { let e = exp(P[p + j] - mx); P[p + j] = e; sum += e; }
  for (var j = i + 1u; j < ${T}u; j++) { P[p + j] = 0.0; }
  let out = (b * ${T}u + i) * ${D}u + h * ${hd}u;
  for (var c = 0u; c < ${hd}u; c++) { o[out + c] = 0.0; }
  for (var j = 0u; j <= i; j++) {
    let w = P[p + j] / sum;
    P[p + j] = w;
    let v = (b * ${T}u + j) * ${3 * D}u + ${2 * D}u + h * ${hd}u;
    for (var c = 0u; c < ${hd}u; c++) { o[out + c] += w * qkv[v + c]; }
  }
}`;
  return { label: 'attention', code, bindings: ['read', 'read_write', 'read_write'], dispatch: grid1d(B * H * T, wg, limits) };
}
