/**
 * Householder QR with column pivoting and the damped least-squares solve on top of it, after MINPACK's
 * `qrfac` and `qrsolv` (Moré, Garbow & Hillstrom 1980). Working from the QR factors of the Jacobian instead
 * of the normal equations JᵀJ keeps the condition number from being squared — the difference between 6
 * correct digits and none on problems like NIST's Lanczos and Thurber.
 *
 * Matrices are column-major Float64Arrays: element (i, j) of an m×n matrix is a[i + j·m].
 */

/**
 * Euclidean norm of v[from..to), with scaling against overflow and underflow.
 * @example norm2([3, 4]) // => 5
 */
export function norm2(v: ArrayLike<number>, from = 0, to = v.length, stride = 1): number {
  let scale = 0;
  let ssq = 1;
  for (let i = from; i < to; i++) {
    const x = v[i * stride];
    if (x !== 0) {
      const ax = Math.abs(x);
      if (scale < ax) {
        ssq = 1 + ssq * (scale / ax) * (scale / ax);
        scale = ax;
      } else {
        ssq += (ax / scale) * (ax / scale);
      }
    }
  }
  return scale * Math.sqrt(ssq);
}

function columnNorm(a: Float64Array, m: number, j: number, from: number): number {
  return norm2(a.subarray(j * m + from, j * m + m));
}

/** The outcome of `qrFactor`. */
export interface QrFactors {
  /** Permutation: column j of A·P is column pivot[j] of A. */
  pivot: Int32Array;
  /** Diagonal of R (the strict upper triangle of R is left in `a`). */
  rdiag: Float64Array;
  /** Norms of the columns of the original A. */
  colNorms: Float64Array;
}

/**
 * Factors the m×n matrix `a` (overwritten) as A·P = Q·R with Householder reflections and column pivoting.
 * On return the strict upper triangle of `a` holds R's, the lower trapezoid holds the Householder vectors
 * (column j's vector in a[j..m), j), and `rdiag` R's diagonal. O(m·n²).
 * @example qrFactor(Float64Array.of(3, 4), 2, 1).rdiag // => Float64Array [-5]
 */
export function qrFactor(a: Float64Array, m: number, n: number): QrFactors {
  const eps = Number.EPSILON;
  const pivot = new Int32Array(n);
  const rdiag = new Float64Array(n);
  const colNorms = new Float64Array(n);
  const wa = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    colNorms[j] = columnNorm(a, m, j, 0);
    rdiag[j] = colNorms[j];
    wa[j] = rdiag[j];
    pivot[j] = j;
  }
  const minmn = Math.min(m, n);
  for (let j = 0; j < minmn; j++) {
    // Bring the column of largest remaining norm into the pivot position.
    let kmax = j;
    for (let k = j; k < n; k++) if (rdiag[k] > rdiag[kmax]) kmax = k;
    if (kmax !== j) {
      for (let i = 0; i < m; i++) {
        const t = a[i + j * m];
        a[i + j * m] = a[i + kmax * m];
        a[i + kmax * m] = t;
      }
      rdiag[kmax] = rdiag[j];
      wa[kmax] = wa[j];
      const p = pivot[j];
      pivot[j] = pivot[kmax];
      pivot[kmax] = p;
    }
    let ajnorm = columnNorm(a, m, j, j);
    if (ajnorm !== 0) {
      if (a[j + j * m] < 0) ajnorm = -ajnorm;
      for (let i = j; i < m; i++) a[i + j * m] /= ajnorm;
      a[j + j * m] += 1;
      for (let k = j + 1; k < n; k++) {
        let sum = 0;
        for (let i = j; i < m; i++) sum += a[i + j * m] * a[i + k * m];
        const t = sum / a[j + j * m];
        for (let i = j; i < m; i++) a[i + k * m] -= t * a[i + j * m];
        if (rdiag[k] !== 0) {
          // Downdate the remaining column norm; recompute it when cancellation has eaten its digits.
          const r = a[j + k * m] / rdiag[k];
          rdiag[k] *= Math.sqrt(Math.max(0, 1 - r * r));
          if (0.05 * (rdiag[k] / wa[k]) ** 2 <= eps) {
            rdiag[k] = columnNorm(a, m, k, j + 1);
            wa[k] = rdiag[k];
          }
        }
      }
    }
    rdiag[j] = -ajnorm;
  }
  return { pivot, rdiag, colNorms };
}

/**
 * Applies Qᵀ from `qrFactor` to b (length m, overwritten); the first n entries are then Qᵀb's head.
 * @example applyQt(a, m, n, b) // b := Qᵀb, in place
 */
export function applyQt(a: Float64Array, m: number, n: number, b: Float64Array): void {
  for (let j = 0; j < Math.min(m, n); j++) {
    const ajj = a[j + j * m];
    if (ajj === 0) continue;
    let sum = 0;
    for (let i = j; i < m; i++) sum += a[i + j * m] * b[i];
    const t = -sum / ajj;
    for (let i = j; i < m; i++) b[i] += t * a[i + j * m];
  }
}

/**
 * Solves min ‖A·x − b‖² + ‖D·x‖² given A·P = Q·R: with r (n×n, leading dimension ldr) holding R in its upper
 * triangle, `qtb` = first n of Qᵀb and `diag` = D. Givens rotations eliminate D (MINPACK `qrsolv`).
 * On return x is the solution, `sdiag` the diagonal of S where PᵀAᵀAP + PᵀDDP = SᵀS, and the strict lower
 * triangle of r holds S's strict upper triangle transposed; R's upper triangle is preserved.
 * @example qrSolve(n, r, m, pivot, diag, qtb, x, sdiag) // x := the damped least-squares step
 */
export function qrSolve(
  n: number,
  r: Float64Array,
  ldr: number,
  pivot: Int32Array,
  diag: Float64Array,
  qtb: Float64Array,
  x: Float64Array,
  sdiag: Float64Array,
): void {
  const wa = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) r[i + j * ldr] = r[j + i * ldr];
    x[j] = r[j + j * ldr];
    wa[j] = qtb[j];
  }
  for (let j = 0; j < n; j++) {
    const l = pivot[j];
    if (diag[l] !== 0) {
      sdiag.fill(0, j, n);
      sdiag[j] = diag[l];
      let qtbpj = 0;
      for (let k = j; k < n; k++) {
        if (sdiag[k] === 0) continue;
        const rkk = r[k + k * ldr];
        let sin: number;
        let cos: number;
        if (Math.abs(rkk) < Math.abs(sdiag[k])) {
          const cotan = rkk / sdiag[k];
          sin = 0.5 / Math.sqrt(0.25 + 0.25 * cotan * cotan);
          cos = sin * cotan;
        } else {
          const tan = sdiag[k] / rkk;
          cos = 0.5 / Math.sqrt(0.25 + 0.25 * tan * tan);
          sin = cos * tan;
        }
        r[k + k * ldr] = cos * rkk + sin * sdiag[k];
        const t = cos * wa[k] + sin * qtbpj;
        qtbpj = -sin * wa[k] + cos * qtbpj;
        wa[k] = t;
        for (let i = k + 1; i < n; i++) {
          const u = cos * r[i + k * ldr] + sin * sdiag[i];
          sdiag[i] = -sin * r[i + k * ldr] + cos * sdiag[i];
          r[i + k * ldr] = u;
        }
      }
    }
    sdiag[j] = r[j + j * ldr];
    r[j + j * ldr] = x[j];
  }
  // Back substitution; a singular S gives the least-norm-ish solution with the trailing part set to zero.
  let nsing = n;
  for (let j = 0; j < n; j++) {
    if (sdiag[j] === 0 && nsing === n) nsing = j;
    if (nsing < n) wa[j] = 0;
  }
  for (let j = nsing - 1; j >= 0; j--) {
    let sum = 0;
    for (let i = j + 1; i < nsing; i++) sum += r[i + j * ldr] * wa[i];
    wa[j] = (wa[j] - sum) / sdiag[j];
  }
  for (let j = 0; j < n; j++) x[pivot[j]] = wa[j];
}
