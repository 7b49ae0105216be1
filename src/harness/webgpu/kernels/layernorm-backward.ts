import { f32Lit, binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';

/**
 * Layer-norm input gradient, one invocation per row: dx += σ⁻¹·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = dy·g.
 * It adds because dx already holds the residual path's gradient. Bindings: x, g, mean, rstd, dy, dx.
 */
export function layerNormBackwardKernel({ N, D }: { N: number; D: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
${binding(0, 'x', 'read')}
${binding(1, 'g', 'read')}
${binding(2, 'mean', 'read')}
${binding(3, 'rstd', 'read')}
${binding(4, 'dy', 'read')}
${binding(5, 'dx', 'read_write')}
${main1d(wg)}
  if (idx >= ${N}u) { return; }
  let o = idx * ${D}u;
  let m = mean[idx];
  let s = rstd[idx];
  var sg = 0.0;
  var sgx = 0.0;
  for (var i = 0u; i < ${D}u; i++) {
    let gh = dy[o + i] * g[i];
    sg += gh;
    sgx += gh * (x[o + i] - m) * s;
  }
  sg /= ${f32Lit(D)};
  sgx /= ${f32Lit(D)};
  for (var i = 0u; i < ${D}u; i++) {
    let xh = (x[o + i] - m) * s;
    dx[o + i] += s * (dy[o + i] * g[i] - sg - xh * sgx);
  }
}`;
  return { label: 'layernorm backward', code, bindings: ['read', 'read', 'read', 'read', 'read', 'read_write'], dispatch: grid1d(N, wg, limits) };
}
