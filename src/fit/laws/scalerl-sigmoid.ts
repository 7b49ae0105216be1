/**
 * The ScaleRL sigmoid of Khatri et al. (2025): R = R0 + (A − R0) / (1 + (C_mid / C)^B), C = compute
 * (GPU-hours; steps or tokens work too). A is the asymptotic ceiling, B the efficiency, C_mid the compute
 * at half the gain. B and C_mid are kept positive by bounds.
 */
import { solvePair } from './linear-start.ts';
import type { Law, LawData } from './types.ts';

/** s = 1 / (1 + (m/C)^B) written as a logistic in log C, so huge or tiny ratios do not overflow to NaN. */
function share(x: number, b: number, mid: number): number {
  const z = b * (Math.log(mid) - Math.log(x));
  return z > 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

const SLOPE_GRID = [0.5, 1, 2, 4];

/** Starts: a grid over (B, C_mid) with (R0, A) solved exactly for each; the best three, best first. */
function sigmoidStarts(data: LawData): number[][] {
  const x = data.columns[0];
  const n = data.y.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (x[i] > 0) lo = Math.min(lo, x[i]);
    hi = Math.max(hi, x[i]);
  }
  if (!(lo < hi)) return [];
  const s = new Float64Array(n);
  const rest = new Float64Array(n);
  const tried: { start: number[]; ssr: number }[] = [];
  for (let g = 0; g <= 12; g++) {
    // C_mid from a bit below the data to well beyond it, evenly in log C.
    const mid = Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo) + 2) * g) / 12 - 0.5);
    for (const b of SLOPE_GRID) {
      for (let i = 0; i < n; i++) {
        s[i] = share(x[i], b, mid);
        rest[i] = 1 - s[i];
      }
      const { alpha, beta, ssr } = solvePair(rest, s, data.y, data.sigma);
      if (Number.isFinite(ssr)) tried.push({ start: [alpha, beta, b, mid], ssr });
    }
  }
  tried.sort((p, q) => p.ssr - q.ssr);
  return tried.slice(0, 3).map((t) => t.start);
}

/**
 * R = R0 + (A − R0)/(1 + (C_mid/C)^B), parameters [R0, A, B, Cmid], variable C (> 0).
 * @example scaleRlSigmoid.ceiling!([0.1, 0.65, 1.2, 300]) // => 0.65
 */
export const scaleRlSigmoid: Law = {
  name: 'scalerl-sigmoid',
  formula: 'R = R0 + (A − R0) / (1 + (Cmid/C)^B)',
  params: ['R0', 'A', 'B', 'Cmid'],
  variables: ['C'],
  lower: [-Infinity, -Infinity, 0, 0],
  upper: [Infinity, Infinity, Infinity, Infinity],
  evaluate(p, [x], out) {
    for (let i = 0; i < out.length; i++) out[i] = p[0] + (p[1] - p[0]) * share(x[i], p[2], p[3]);
  },
  jacobian(p, [x], jac) {
    const n = jac.length / 4;
    const gain = p[1] - p[0];
    for (let i = 0; i < n; i++) {
      const s = share(x[i], p[2], p[3]);
      // ∂s/∂u · u = −s(1 − s) with u = (Cmid/C)^B; the form avoids u itself, which can overflow.
      const ds = -s * (1 - s);
      jac[i] = 1 - s;
      jac[n + i] = s;
      jac[2 * n + i] = gain * ds * (Math.log(p[3]) - Math.log(x[i]));
      jac[3 * n + i] = (gain * ds * p[2]) / p[3];
    }
  },
  starts: sigmoidStarts,
  ceiling: (p) => p[1],
  ceilingGradient: () => [0, 1, 0, 0],
};
