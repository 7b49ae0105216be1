/**
 * The Levenberg–Marquardt parameter for a trust region, after MINPACK's `lmpar` (Moré 1978): find λ ≥ 0
 * so that the step x solving (JᵀJ + λDᵀD)x = −Jᵀf has ‖Dx‖ within 10% of the radius Δ (or λ = 0 when the
 * Gauss–Newton step already fits). Works on the QR factors, never on JᵀJ.
 */
import { norm2, qrSolve } from './qr.ts';

const DWARF = Number.MIN_VALUE * 2 ** 52; // smallest normal double, as MINPACK's dpmpar(2)

/**
 * Computes the step `x` for radius `delta` and returns the new λ (`par` is the previous one, a warm start).
 * `r` (leading dimension ldr) holds R from `qrFactor` in its upper triangle; `qtb` the first n of Qᵀf.
 * `sdiag` receives the diagonal of the damped factor. O(n²) per inner iteration, at most 10 iterations.
 * @example lmParameter(n, r, m, pivot, diag, qtf, delta, 0, step, sdiag) // => λ, with step filled in
 */
export function lmParameter(
  n: number,
  r: Float64Array,
  ldr: number,
  pivot: Int32Array,
  diag: Float64Array,
  qtb: Float64Array,
  delta: number,
  par: number,
  x: Float64Array,
  sdiag: Float64Array,
): number {
  const wa1 = new Float64Array(n);
  const wa2 = new Float64Array(n);
  // Gauss–Newton direction; for a rank-deficient R, a least-squares solution with trailing zeros.
  let nsing = n;
  for (let j = 0; j < n; j++) {
    wa1[j] = qtb[j];
    if (r[j + j * ldr] === 0 && nsing === n) nsing = j;
    if (nsing < n) wa1[j] = 0;
  }
  for (let j = nsing - 1; j >= 0; j--) {
    wa1[j] /= r[j + j * ldr];
    const t = wa1[j];
    for (let i = 0; i < j; i++) wa1[i] -= r[i + j * ldr] * t;
  }
  for (let j = 0; j < n; j++) x[pivot[j]] = wa1[j];

  for (let j = 0; j < n; j++) wa2[j] = diag[j] * x[j];
  let dxnorm = norm2(wa2);
  let fp = dxnorm - delta;
  if (fp <= 0.1 * delta) return 0;

  // Lower bound parl from the Newton step on φ(λ) = ‖Dx(λ)‖ − Δ at λ = 0 (only with full rank).
  let parl = 0;
  if (nsing >= n) {
    for (let j = 0; j < n; j++) {
      const l = pivot[j];
      wa1[j] = diag[l] * (wa2[l] / dxnorm);
    }
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let i = 0; i < j; i++) sum += r[i + j * ldr] * wa1[i];
      wa1[j] = (wa1[j] - sum) / r[j + j * ldr];
    }
    const t = norm2(wa1);
    parl = fp / delta / t / t;
  }
  // Upper bound paru = ‖(JD⁻¹)ᵀf‖ / Δ.
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let i = 0; i <= j; i++) sum += r[i + j * ldr] * qtb[i];
    wa1[j] = sum / diag[pivot[j]];
  }
  const gnorm = norm2(wa1);
  let paru = gnorm / delta;
  if (paru === 0) paru = DWARF / Math.min(delta, 0.1);

  par = Math.min(Math.max(par, parl), paru);
  if (par === 0) par = gnorm / dxnorm;

  for (let iter = 1; ; iter++) {
    if (par === 0) par = Math.max(DWARF, 0.001 * paru);
    const s = Math.sqrt(par);
    for (let j = 0; j < n; j++) wa1[j] = s * diag[j];
    qrSolve(n, r, ldr, pivot, wa1, qtb, x, sdiag);
    for (let j = 0; j < n; j++) wa2[j] = diag[j] * x[j];
    dxnorm = norm2(wa2);
    const previous = fp;
    fp = dxnorm - delta;
    if (Math.abs(fp) <= 0.1 * delta || (parl === 0 && fp <= previous && previous < 0) || iter === 10) return par;
    // Newton correction for λ.
    for (let j = 0; j < n; j++) {
      const l = pivot[j];
      wa1[j] = diag[l] * (wa2[l] / dxnorm);
    }
    for (let j = 0; j < n; j++) {
      wa1[j] /= sdiag[j];
      const t = wa1[j];
      for (let i = j + 1; i < n; i++) wa1[i] -= r[i + j * ldr] * t;
    }
    const t = norm2(wa1);
    const parc = fp / delta / t / t;
    if (fp > 0) parl = Math.max(parl, par);
    if (fp < 0) paru = Math.min(paru, par);
    par = Math.max(parl, par + parc);
  }
}
