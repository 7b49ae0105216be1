/** Number formatting for the report's tables: fixed decimals, and an explicit dash for what is missing. */

/** Shown where a number is missing or not finite (never "NaN" on the page). */
export const MISSING = '—';

/**
 * Formats a number with fixed decimals, or `—` when it is null, undefined or not finite.
 *
 * @example
 * fmt(0.123456); // => '0.1235'
 * fmt(NaN); // => '—'
 */
export function fmt(x: number | null | undefined, digits = 4): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : MISSING;
}

/**
 * Formats `value ± stderr`.
 *
 * @example
 * pm(0.5, 0.01234); // => '0.5000 ± 0.0123'
 */
export function pm(value: number, stderr: number, digits = 4): string {
  return `${fmt(value, digits)} ± ${fmt(stderr, digits)}`;
}

/**
 * Formats a confidence interval as `[lo, hi]`.
 *
 * @example
 * interval([0.1, 0.2], 3); // => '[0.100, 0.200]'
 */
export function interval(ci: readonly [number, number], digits = 4): string {
  return `[${fmt(ci[0], digits)}, ${fmt(ci[1], digits)}]`;
}

/**
 * A sort key for a table cell: the number itself, or empty for a missing value (sorted last).
 *
 * @example
 * sortKey(NaN); // => ''
 */
export function sortKey(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? String(x) : '';
}
