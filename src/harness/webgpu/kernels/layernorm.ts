import { f32Lit, binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';
import { LN_EPS } from '../../cpu/ops.ts';

/**
 * Layer norm, one invocation per row of x[N, D]; keeps mean and 1/σ for the backward pass.
 * Bindings: x, g, b, y, mean, rstd.
 */
export function layerNormKernel({ N, D }: { N: number; D: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
${binding(0, 'x', 'read')}
${binding(1, 'g', 'read')}
${binding(2, 'b', 'read')}
${binding(3, 'y', 'read_write')}
${binding(4, 'mean', 'read_write')}
${binding(5, 'rstd', 'read_write')}
${main1d(wg)}
  if (idx >= ${N}u) { return; }
  let o = idx * ${D}u;
  var m = 0.0;
  for (var i = 0u; i < ${D}u; i++) { m += x[o + i]; }
  m /= ${f32Lit(D)};
  var v = 0.0;
  for (var i = 0u; i < ${D}u; i++) { let d = x[o + i] - m; v += d * d; }
  let s = 1.0 / sqrt(v / ${f32Lit(D)} + ${f32Lit(LN_EPS)});
  mean[idx] = m;
  rstd[idx] = s;
  for (var i = 0u; i < ${D}u; i++) { y[o + i] = (x[o + i] - m) * s * g[i] + b[i]; }
}`;
  return { label: 'layernorm', code, bindings: ['read', 'read', 'read', 'read_write', 'read_write', 'read_write'], dispatch: grid1d(N, wg, limits) };
}
