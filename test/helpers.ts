import assert from 'node:assert/strict';

/** Asserts |actual − expected| ≤ atol + rtol·|expected| (numpy's allclose), with a readable message. */
export function assertClose(actual: number, expected: number, { rtol = 1e-9, atol = 0 } = {}, what = 'value'): void {
  const ok = Number.isFinite(actual) && Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
  assert.ok(ok, `${what}: ${actual} is not close to ${expected} (rtol ${rtol}, atol ${atol})`);
}

/** The shared real logs (read in place, never copied into the repo). */
export const SHARED = new URL('../../shared/', import.meta.url).pathname;
