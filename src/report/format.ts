/** What the report's tables need beyond the shared number formatting (src/util/format.ts). */

/**
 * A sort key for a table cell: the number itself, or empty for a missing value (sorted last).
 *
 * @example
 * sortKey(NaN); // => ''
 */
export function sortKey(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? String(x) : '';
}
