import assert from 'node:assert/strict';

/** Asserts |actual − expected| ≤ atol + rtol·|expected| (numpy's allclose), with a readable message. */
export function assertClose(actual: number, expected: number, { rtol = 1e-9, atol = 0 } = {}, what = 'value'): void {
  const ok = Number.isFinite(actual) && Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
  assert.ok(ok, `${what}: ${actual} is not close to ${expected} (rtol ${rtol}, atol ${atol})`);
}

/** A path inside `test/fixtures/` (every file a test reads lives in the repository). */
export const fixture = (path: string): string => new URL(`fixtures/${path}`, import.meta.url).pathname;

/** The real verl console logs (test/fixtures/real/README.md says where they come from). */
export const REAL_LOGS = fixture('real/');

/** The NIST StRD nonlinear regression datasets (test/fixtures/nist-strd/README.md). */
export const NIST_STRD = fixture('nist-strd/');
/** Synthetic runs made from known coefficients (test/fixtures/synthetic/generate.ts). */
export const SYNTHETIC = fixture('synthetic/');

/**
 * Waits until `condition()` holds, checking every few milliseconds, and fails after `timeoutMs`: the
 * bound is generous because a loaded machine is slow, and a test never sleeps for a fixed time instead.
 */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
