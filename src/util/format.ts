/**
 * Number formatting, in one place, for everything a person reads: CLI tables, warnings, the report.
 * Missing or non-finite numbers print as an explicit dash, never as "NaN" or "-0.0000".
 */

/** Shown where a number is missing or not finite. */
export const MISSING = '—';

/**
 * A number with `digits` decimals, or `—` when it is absent or not finite.
 * @example fixed(0.123456) // => '0.1235'
 * @example fixed(-0.00001) // => '0.0000'
 */
export function fixed(x: number | null | undefined, digits = 4): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return MISSING;
  const text = x.toFixed(digits);
  // Keep −0.0000 from showing up for values that round to zero.
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/**
 * A number to `digits` significant digits without trailing zeros, for sentences (warnings, labels):
 * integers as they are.
 * @example sig(0.123456) // => '0.123'
 * @example sig(435) // => '435'
 */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return MISSING;
  return Number.isInteger(x) ? String(x) : Number(x.toPrecision(digits)).toString();
}

/**
 * `value ± stderr`, each with `digits` decimals.
 * @example pm(0.5, 0.01234) // => '0.5000 ± 0.0123'
 */
export function pm(value: number, stderr: number, digits = 4): string {
  return `${fixed(value, digits)} ± ${fixed(stderr, digits)}`;
}

/**
 * An interval as `[lo, hi]`.
 * @example interval([0.1, 0.2], 3) // => '[0.100, 0.200]'
 */
export function interval(ci: readonly [number, number], digits = 4): string {
  return `[${fixed(ci[0], digits)}, ${fixed(ci[1], digits)}]`;
}

/**
 * A fraction as a whole percentage, or `—`.
 * @example percent(0.904) // => '90%'
 */
export function percent(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${Math.round(100 * x)}%` : MISSING;
}

/**
 * A model's parameter count as model names write it: `7B`, `0.5B`, `125M`, `102k` (to `digits` significant
 * digits; sizes that are whole tenths of a billion stay in B).
 * @example modelSize(5e8) // => '0.5B'
 * @example modelSize(102208) // => '102k'
 * @example modelSize(3.5e8) // => '350M'
 */
export function modelSize(size: number, digits = 3): string {
  const at = (unit: number, suffix: string) => `${+(size / unit).toPrecision(digits)}${suffix}`;
  if (size >= 1e9 || (size >= 1e8 && size % 1e8 === 0)) return at(1e9, 'B');
  return size >= 1e6 ? at(1e6, 'M') : size >= 1e3 ? at(1e3, 'k') : String(size);
}
