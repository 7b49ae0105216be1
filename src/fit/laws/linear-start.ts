/**
 * Weighted two-term linear least squares, the workhorse of data-driven starting values: many laws are
 * linear in two of their parameters once the others are fixed (R = b − a·g(x; c)), so a small grid over
 * the nonlinear ones with an exact solve for the linear pair gives a start close to the optimum.
 */
import { SINGULAR_DETERMINANT } from '../../util/tolerances.ts';
import type { LawData } from './types.ts';

/** Solution of min Σ wᵢ (yᵢ − α·uᵢ − β·vᵢ)² and its weighted residual sum of squares. */
export interface LinearPair {
  alpha: number;
  beta: number;
  ssr: number;
}

/**
 * Solves the two-term weighted least-squares problem by centring-free normal equations (2×2, tiny n·2
 * cost); returns ssr = Infinity when the two terms are collinear.
 * @example solvePair([1, 2, 3], [1, 1, 1], [2, 4, 6]) // => { alpha: 2, beta: 0, ssr: 0 }
 */
export function solvePair(u: ArrayLike<number>, v: ArrayLike<number>, y: ArrayLike<number>, sigma?: ArrayLike<number>): LinearPair {
  let suu = 0;
  let suv = 0;
  let svv = 0;
  let suy = 0;
  let svy = 0;
  for (let i = 0; i < y.length; i++) {
    const w = sigma ? 1 / (sigma[i] * sigma[i]) : 1;
    suu += w * u[i] * u[i];
    suv += w * u[i] * v[i];
    svv += w * v[i] * v[i];
    suy += w * u[i] * y[i];
    svy += w * v[i] * y[i];
  }
  const det = suu * svv - suv * suv;
  if (!(Math.abs(det) > SINGULAR_DETERMINANT * suu * svv) || !Number.isFinite(det)) return { alpha: 0, beta: 0, ssr: Infinity };
  const alpha = (suy * svv - svy * suv) / det;
  const beta = (svy * suu - suy * suv) / det;
  let ssr = 0;
  for (let i = 0; i < y.length; i++) {
    const w = sigma ? 1 / (sigma[i] * sigma[i]) : 1;
    const r = y[i] - alpha * u[i] - beta * v[i];
    ssr += w * r * r;
  }
  return { alpha, beta, ssr: Number.isFinite(ssr) ? ssr : Infinity };
}

/**
 * For R = b − a·g(x; θ): tries each θ of a grid, solves (a, b) exactly and returns the starts ordered by
 * residual sum of squares (best first), as full parameter vectors built by `assemble(a, b, θ)`.
 * @example gridStarts(data, [0.5, 1, 2], (h, c) => Math.exp(c * h), (a, b, c) => [a, b, c])[0] // => best [a, b, c]
 */
export function gridStarts(
  data: LawData,
  grid: readonly number[],
  basis: (x: number, theta: number) => number,
  assemble: (a: number, b: number, theta: number) => number[],
  keep = 3,
): number[][] {
  const x = data.columns[0];
  const n = data.y.length;
  const ones = new Float64Array(n).fill(1);
  const u = new Float64Array(n);
  const tried: { start: number[]; ssr: number }[] = [];
  for (const theta of grid) {
    for (let i = 0; i < n; i++) u[i] = -basis(x[i], theta);
    const { alpha, beta, ssr } = solvePair(u, ones, data.y, data.sigma);
    if (Number.isFinite(ssr)) tried.push({ start: assemble(alpha, beta, theta), ssr });
  }
  tried.sort((p, q) => p.ssr - q.ssr);
  return tried.slice(0, keep).map((t) => t.start);
}
