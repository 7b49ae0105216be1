/**
 * Parameter covariance from the Jacobian at the solution: Cov = s²·(JᵀWJ)⁻¹ (scipy.optimize.curve_fit's
 * `pcov` with absolute_sigma=False). Computed from the pivoted QR of the weighted Jacobian, so (JᵀWJ)⁻¹ =
 * P·R⁻¹·R⁻ᵀ·Pᵀ without forming JᵀJ, whose condition number is the square of J's.
 */
import { qrFactor } from './qr.ts';
import { RANK_TOLERANCE } from '../../util/tolerances.ts';

/** Columns of R whose diagonal falls below this fraction of the largest are treated as dependent. */

/** (JᵀJ)⁻¹ for a column-major m×n J (left untouched) and whether J had full column rank. */
export interface InverseGram {
  matrix: number[][];
  fullRank: boolean;
}

/**
 * Computes (JᵀJ)⁻¹ for a column-major m×n Jacobian. With rank deficiency (a parameter the data cannot
 * determine) the affected rows and columns are set to Infinity, as curve_fit does, and `fullRank` is false.
 * O(m·n² + n³).
 * @example inverseGram(Float64Array.of(1, 1, 0, 1), 2, 2).matrix // => [[1, -1], [-1, 2]]
 */
export function inverseGram(jac: Float64Array, m: number, n: number): InverseGram {
  const a = Float64Array.from(jac);
  const { pivot, rdiag } = qrFactor(a, m, n);
  let rank = 0;
  const rmax = Math.abs(rdiag[0] ?? 0);
  while (rank < Math.min(m, n) && Math.abs(rdiag[rank]) > RANK_TOLERANCE * rmax) rank++;
  // Inverse of the leading rank×rank block of R (upper triangular), column by column.
  const r = (i: number, j: number) => (i === j ? rdiag[i] : a[i + j * m]);
  const inv = Array.from({ length: rank }, () => new Float64Array(rank));
  for (let j = 0; j < rank; j++) {
    inv[j][j] = 1 / r(j, j);
    for (let i = j - 1; i >= 0; i--) {
      let sum = 0;
      for (let k = i + 1; k <= j; k++) sum += r(i, k) * inv[k][j];
      inv[i][j] = -sum / r(i, i);
    }
  }
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(Infinity));
  for (let i = 0; i < rank; i++) {
    for (let j = 0; j < rank; j++) {
      let sum = 0;
      for (let k = Math.max(i, j); k < rank; k++) sum += inv[i][k] * inv[j][k];
      matrix[pivot[i]][pivot[j]] = sum;
    }
  }
  return { matrix, fullRank: rank === n };
}
