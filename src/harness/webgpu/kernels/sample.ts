import { binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';
import { HASH_WGSL } from '../wgsl.ts';

/** Byte size of the uniform block: step, seed, greedy flag, temperature. */
export const SAMPLE_UNIFORM_BYTES = 16;

/**
 * One autoregressive step for B sequences of length T whose prompts are `promptLen` long, as
 * `sampling.ts` does on the CPU: reads the logits at position promptLen + step − 1, draws a token by
 * inverse CDF on hashUniform(seed, row, step) (or takes the argmax), writes it into the token buffer
 * for the next forward pass and records its log-probability and entropy.
 * Bindings: logits, tokens (i32), logp, entropy, params (uniform).
 */
export function sampleKernel({ B, T, V, promptLen, maxNew }: { B: number; T: number; V: number; promptLen: number; maxNew: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
struct Params { step: u32, seed: u32, greedy: u32, temperature: f32 }
${binding(0, 'logits', 'read')}
${binding(1, 'tokens', 'read_write', 'array<i32>')}
${binding(2, 'logp', 'read_write')}
${binding(3, 'entropy', 'read_write')}
@group(0) @binding(4) var<uniform> sp: Params;
${HASH_WGSL}
${main1d(wg)}
  if (idx >= ${B}u) { return; }
  let pos = ${promptLen - 1}u + sp.step;
  let o = (idx * ${T}u + pos) * ${V}u;
  var tau = sp.temperature;
  if (sp.greedy != 0u) { tau = 1.0; }
  var mx = -3.0e38;
  var arg = 0u;
  for (var v = 0u; v < ${V}u; v++) { let z = logits[o + v] / tau; if (z > mx) { mx = z; arg = v; } }
  var sum = 0.0;
  var sumZ = 0.0;
  for (var v = 0u; v < ${V}u; v++) { let z = logits[o + v] / tau - mx; let e = exp(z); sum += e; sumZ += e * z; }
  var tok = arg;
  if (sp.greedy == 0u) {
    let goal = hashUniform(sp.seed, idx, sp.step) * sum;
    var acc = 0.0;
    tok = ${V - 1}u;
    for (var v = 0u; v < ${V}u; v++) {
      acc += exp(logits[o + v] / tau - mx);
      if (acc > goal) { tok = v; break; }
    }
  }
  let lse = log(sum);
  tokens[idx * ${T}u + pos + 1u] = i32(tok);
  logp[idx * ${maxNew}u + sp.step] = logits[o + tok] / tau - mx - lse;
  entropy[idx * ${maxNew}u + sp.step] = lse - sumZ / sum;
}`;
  return { label: 'sample', code, bindings: ['read', 'read_write', 'read_write', 'read_write', 'uniform'], dispatch: grid1d(B, wg, limits) };
}
