import { binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';
import { GELU_WGSL } from '../wgsl.ts';

/** y = GELU(x) elementwise over n values. Bindings: x, y. */
export function geluKernel({ n }: { n: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
${binding(0, 'x', 'read')}
${binding(1, 'y', 'read_write')}
${GELU_WGSL}
${main1d(wg)}
  if (idx >= ${n}u) { return; }
  y[idx] = gelu(x[idx]);
}`;
  return { label: 'gelu', code, bindings: ['read', 'read_write'], dispatch: grid1d(n, wg, limits) };
}
