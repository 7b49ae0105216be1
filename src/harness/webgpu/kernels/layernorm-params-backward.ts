import { binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';

/**
 * Layer-norm parameter gradients, one invocation per column: dg = Σ_rows dy·x̂, db = Σ_rows dy.
 * Bindings: x, mean, rstd, dy, dg, db.
 */
export function layerNormParamsBackwardKernel({ N, D }: { N: number; D: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
${binding(0, 'x', 'read')}
${binding(1, 'mean', 'read')}
${binding(2, 'rstd', 'read')}
${binding(3, 'dy', 'read')}
${binding(4, 'dg', 'read_write')}
${binding(5, 'db', 'read_write')}
${main1d(wg)}
  if (idx >= ${D}u) { return; }
  var sg = 0.0;
  var sb = 0.0;
  for (var r = 0u; r < ${N}u; r++) {
    let d = dy[r * ${D}u + idx];
    sg += d * (x[r * ${D}u + idx] - mean[r]) * rstd[r];
    sb += d;
  }
  dg[idx] = sg;
  db[idx] = sb;
}`;
  return { label: 'layernorm params backward', code, bindings: ['read', 'read', 'read', 'read', 'read_write', 'read_write'], dispatch: grid1d(D, wg, limits) };
}
