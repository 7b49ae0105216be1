import type { Vec } from './cpu/matmul.ts';

/**
 * Draws one token from logits[offset … offset+V) at `temperature` by inverse CDF on the uniform `u`
 * (greedy: the first argmax, temperature 1 for the statistics). Returns the token, its log-probability
 * and the entropy of the distribution it was drawn from. The WGSL `sample` kernel does the same.
 * @example
 * drawToken(Float32Array.of(0, 10), 0, 2, 1, true, 0).token // => 1
 */
export function drawToken(
  logits: Vec, offset: number, V: number, temperature: number, greedy: boolean, u: number,
): { token: number; logp: number; entropy: number } {
  const tau = greedy ? 1 : temperature;
  let max = -Infinity, arg = 0;
  for (let v = 0; v < V; v++) {
    const z = logits[offset + v] / tau;
    if (z > max) { max = z; arg = v; }
  }
  let sum = 0, sumZ = 0;
  for (let v = 0; v < V; v++) {
    const z = logits[offset + v] / tau - max, e = Math.exp(z);
    sum += e;
    sumZ += e * z;
  }
  let token = arg;
  if (!greedy) {
    // Inverse CDF; falls back to the last token if rounding leaves u·sum above the running total.
    const target = u * sum;
    let acc = 0;
    token = V - 1;
    for (let v = 0; v < V; v++) {
      acc += Math.exp(logits[offset + v] / tau - max);
      if (acc > target) { token = v; break; }
    }
  }
  const lse = Math.log(sum);
  return { token, logp: logits[offset + token] / tau - max - lse, entropy: lse - sumZ / sum };
}
