/**
 * Checks of option values shared across the library, each throwing one `UsageError` that names the
 * option and what it expects. One place, so that every function words the same mistake the same way.
 */
import { UsageError } from './errors.ts';

/**
 * A confidence level in (0, 1).
 * @example checkConfidence(0.95) // => 0.95
 */
export function checkConfidence(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new UsageError(`invalid confidence: ${confidence} (expected a number in (0, 1))`);
  return confidence;
}

/**
 * A fraction of a run's points in (0, 1] (or (0, 1) when `open`).
 * @example checkFraction(0.15) // => 0.15
 */
export function checkFraction(fraction: number, { open = false, name = 'fraction' } = {}): number {
  if (!(fraction > 0 && (open ? fraction < 1 : fraction <= 1))) {
    throw new UsageError(`invalid ${name}: ${fraction} (expected a number in (0, ${open ? '1)' : '1]'})`);
  }
  return fraction;
}

/**
 * An integer at least `min`.
 * @example checkInteger(200, 'replicates', 2) // => 200
 */
export function checkInteger(value: number, name: string, min = 0): number {
  if (!(Number.isInteger(value) && value >= min)) throw new UsageError(`invalid ${name}: ${value} (expected an integer ≥ ${min})`);
  return value;
}

/**
 * A finite number.
 * @example checkFinite(1000, 'at') // => 1000
 */
export function checkFinite(value: number, name: string, expected = 'a finite number'): number {
  if (!Number.isFinite(value)) throw new UsageError(`invalid ${name}: ${value} (expected ${expected})`);
  return value;
}
