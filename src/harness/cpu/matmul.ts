import { matmulNTWasm } from './matmul-wasm.ts';

/**
 * Dense kernels over typed arrays. Every product is computed in one form, C = A·Bᵀ with both operands
 * row-major, so the inner loop walks two contiguous rows; other forms transpose first (O(n²), cheap next
 * to the O(n³) product). Float32 products of some size go to the WebAssembly SIMD kernel
 * (`matmul-wasm.ts`, 9–14 GFLOP/s here); the rest, and the float64 reference, run the JS loop below,
 * a 4×4 register block that reuses each loaded value four times. Measured on this project's idle 2-core
 * machine for 512³ float32: 0.93 GFLOP/s for the textbook i-k-j loop, 2.4 for a 2×2 block, 3.3 for 4×4.
 */

/** Products with fewer multiply-adds than this stay in JS, where the copies into WebAssembly memory would dominate. */
const WASM_MIN_WORK = 32768;

/** Float32 for training; Float64 for the finite-difference reference, through the same code. */
export type Vec = Float32Array | Float64Array;

/**
 * C[M,N] = A[M,K]·B[N,K]ᵀ, or C += … when `accumulate`.
 * @example
 * const c = new Float32Array(1);
 * matmulNT(Float32Array.of(1, 2), Float32Array.of(3, 4), c, 1, 2, 1); c[0] // => 11
 */
export function matmulNT(A: Vec, B: Vec, C: Vec, M: number, K: number, N: number, accumulate = false): void {
  if (A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array && M * K * N >= WASM_MIN_WORK) {
    if (matmulNTWasm(A, B, C, M, K, N, accumulate)) return;
  }
  const M4 = M - (M % 4), N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    const a0 = i * K, a1 = a0 + K, a2 = a1 + K, a3 = a2 + K;
    for (let j = 0; j < N4; j += 4) {
      const b0 = j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < K; k++) {
        const y0 = B[b0 + k], y1 = B[b1 + k], y2 = B[b2 + k], y3 = B[b3 + k];
        let x = A[a0 + k];
        s00 += x * y0; s01 += x * y1; s02 += x * y2; s03 += x * y3;
        x = A[a1 + k];
        s10 += x * y0; s11 += x * y1; s12 += x * y2; s13 += x * y3;
        x = A[a2 + k];
        s20 += x * y0; s21 += x * y1; s22 += x * y2; s23 += x * y3;
        x = A[a3 + k];
        s30 += x * y0; s31 += x * y1; s32 += x * y2; s33 += x * y3;
      }
      let c = i * N + j;
      if (accumulate) {
        C[c] += s00; C[c + 1] += s01; C[c + 2] += s02; C[c + 3] += s03; c += N;
        C[c] += s10; C[c + 1] += s11; C[c + 2] += s12; C[c + 3] += s13; c += N;
        C[c] += s20; C[c + 1] += s21; C[c + 2] += s22; C[c + 3] += s23; c += N;
        C[c] += s30; C[c + 1] += s31; C[c + 2] += s32; C[c + 3] += s33;
      } else {
        C[c] = s00; C[c + 1] = s01; C[c + 2] = s02; C[c + 3] = s03; c += N;
        C[c] = s10; C[c + 1] = s11; C[c + 2] = s12; C[c + 3] = s13; c += N;
        C[c] = s20; C[c + 1] = s21; C[c + 2] = s22; C[c + 3] = s23; c += N;
        C[c] = s30; C[c + 1] = s31; C[c + 2] = s32; C[c + 3] = s33;
      }
    }
  }
  // Ragged edges: the last M % 4 rows (all columns) and the last N % 4 columns of the blocked rows.
  for (let i = 0; i < M; i++) {
    for (let j = i < M4 ? N4 : 0; j < N; j++) {
      let s = 0;
      const a = i * K, b = j * K;
      for (let k = 0; k < K; k++) s += A[a + k] * B[b + k];
      if (accumulate) C[i * N + j] += s;
      else C[i * N + j] = s;
    }
  }
}

/** out[cols, rows] = Aᵀ for A[rows, cols]. */
export function transpose(A: Vec, rows: number, cols: number, out: Vec): Vec {
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = A[r + j];
  }
  return out;
}

/**
 * y[N,out] = x[N,in]·Wᵀ + b, W stored [out, in] (the layout of every linear layer here).
 * `accumulate` adds into y, which is how a block writes into the residual stream.
 */
export function linear(x: Vec, W: Vec, b: Vec | null, y: Vec, N: number, nin: number, nout: number, accumulate = false): void {
  matmulNT(x, W, y, N, nin, nout, accumulate);
  if (b) for (let r = 0; r < N; r++) for (let j = 0; j < nout; j++) y[r * nout + j] += b[j];
}

/**
 * Backward of `linear`: dx (=, or += when `accumulateDx`) = dy·W, dW = dyᵀ·x, db = Σ_rows dy.
 * `scratch` provides temporaries of the right element type.
 */
export function linearBackward(
  x: Vec, W: Vec, dy: Vec, dx: Vec | null, dW: Vec, db: Vec | null, N: number, nin: number, nout: number,
  make: (n: number) => Vec,
): void {
  if (dx) matmulNT(dy, transpose(W, nout, nin, make(nin * nout)), dx, N, nout, nin);
  matmulNT(transpose(dy, N, nout, make(N * nout)), transpose(x, N, nin, make(N * nin)), dW, nout, N, nin);
  if (db) {
    db.fill(0);
    for (let r = 0; r < N; r++) for (let j = 0; j < nout; j++) db[j] += dy[r * nout + j];
  }
}
