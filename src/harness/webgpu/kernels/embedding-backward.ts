import { binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';

/**
 * Gradients of the embeddings without atomics (WGSL has no float atomics): one invocation per output
 * element gathers the rows that used it. dwte[v, i] = Σ_{r: tokens[r] = v} dx[r, i] and
 * dwpe[t, i] = Σ_b dx[b·T + t, i]. Costs O((V + T)·N·D/…) reads, fine for the small vocabularies here.
 * Bindings: tokens (i32), dx, dwte, dwpe.
 */
export function embeddingBackwardKernel({ N, T, D, V }: { N: number; T: number; D: number; V: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
${binding(0, 'tokens', 'read', 'array<i32>')}
${binding(1, 'dx', 'read')}
${binding(2, 'dwte', 'read_write')}
${binding(3, 'dwpe', 'read_write')}
${main1d(wg)}
  if (idx < ${V * D}u) {
    let v = i32(idx / ${D}u);
    let i = idx % ${D}u;
    var s = 0.0;
    for (var r = 0u; r < ${N}u; r++) { if (tokens[r] == v) { s += dx[r * ${D}u + i]; } }
    dwte[idx] = s;
  } else if (idx < ${(V + T) * D}u) {
    let e = idx - ${V * D}u;
    let t = e / ${D}u;
    let i = e % ${D}u;
    var s = 0.0;
    for (var r = t; r < ${N}u; r += ${T}u) { s += dx[r * ${D}u + i]; }
    dwpe[e] = s;
  }
}`;
  return { label: 'embedding backward', code, bindings: ['read', 'read', 'read_write', 'read_write'], dispatch: grid1d((V + T) * D, wg, limits) };
}
