import { binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';

/**
 * x[r, i] = wte[tokens[r], i] + wpe[r mod T, i] for N = B·T rows of width D.
 * Bindings: tokens (i32), wte, wpe, x.
 */
export function embeddingKernel({ N, T, D }: { N: number; T: number; D: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
${binding(0, 'tokens', 'read', 'array<i32>')}
${binding(1, 'wte', 'read')}
${binding(2, 'wpe', 'read')}
${binding(3, 'x', 'read_write')}
${main1d(wg)}
  if (idx >= ${N * D}u) { return; }
  let r = idx / ${D}u;
  let i = idx % ${D}u;
  x[idx] = wte[u32(tokens[r]) * ${D}u + i] + wpe[(r % ${T}u) * ${D}u + i];
}`;
  return { label: 'embedding', code, bindings: ['read', 'read', 'read', 'read_write'], dispatch: grid1d(N * D, wg, limits) };
}
