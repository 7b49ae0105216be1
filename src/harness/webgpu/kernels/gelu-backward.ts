import { binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';
import { GELU_WGSL } from '../wgsl.ts';

/** dx = dy·GELU′(x) elementwise over n values. Bindings: x, dy, dx. */
export function geluBackwardKernel({ n }: { n: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
${binding(0, 'x', 'read')}
${binding(1, 'dy', 'read')}
${binding(2, 'dx', 'read_write')}
${GELU_WGSL}
${main1d(wg)}
  if (idx >= ${n}u) { return; }
  dx[idx] = dy[idx] * geluGrad(x[idx]);
}`;
  return { label: 'gelu backward', code, bindings: ['read', 'read', 'read_write'], dispatch: grid1d(n, wg, limits) };
}
