import { binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';

/** out[j] = Σ_r x[r, j] over x[R, C]: the gradient of a bias. Bindings: x, out. */
export function colsumKernel({ R, C }: { R: number; C: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
${binding(0, 'x', 'read')}
${binding(1, 'out', 'read_write')}
${main1d(wg)}
  if (idx >= ${C}u) { return; }
  var s = 0.0;
  for (var r = 0u; r < ${R}u; r++) { s += x[r * ${C}u + idx]; }
  out[idx] = s;
}`;
  return { label: 'colsum', code, bindings: ['read', 'read_write'], dispatch: grid1d(C, wg, limits) };
}
