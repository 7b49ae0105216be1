/**
 * The entry point the command line calls: a law given as text (a built-in name or an expression), data
 * as named columns, and options in the shape of the flags (`--law`, `--x`, `--y`, `--start a=..,b=..`,
 * `--robust`).
 */
import { UsageError } from '../util/errors.ts';
import { BUILTIN_LAWS, maybeLaw } from './laws/index.ts';
import type { Law } from './laws/types.ts';
import { fitLaw, type FitLawOptions } from './nonlinear/fit-law.ts';
import type { LawFit } from './types.ts';
import { bootstrapLaw, type BootstrapOptions, type BootstrapResult } from './uncertainty/bootstrap.ts';

/** Options for `fitLawToColumns`. */
export interface FitColumnsOptions extends FitLawOptions {
  /** Column holding R (the response). Defaults to `R`. */
  y?: string;
  /**
   * For a built-in law, the column to use as its variable (`H` for the entropy laws, `C` for `power` and
   * `scalerl-sigmoid`). Defaults to the column named like the variable. Expression laws read the columns
   * they name.
   */
  x?: string;
  /** Column of per-point σ of R. Defaults to none (`sigma` may also be given directly). */
  sigmaColumn?: string;
}

/**
 * Parses `a=0.1,b=0.5` (the `--start` flag) into `{ a: 0.1, b: 0.5 }`. Throws a `UsageError` on a
 * malformed entry or a value that is not a finite number.
 * @example parseStart('a=0.1, b=5e-1') // => { a: 0.1, b: 0.5 }
 */
export function parseStart(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)\s*$/.exec(part);
    const value = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(value)) throw new UsageError(`invalid start: ${part.trim()} (expected name=number, e.g. a=0.1)`);
    out[m[1]] = value;
  }
  return out;
}

function column(columns: Readonly<Record<string, ArrayLike<number>>>, name: string, role: string): ArrayLike<number> {
  if (!Object.hasOwn(columns, name)) {
    throw new UsageError(`no column ${name} for ${role} (columns: ${Object.keys(columns).join(', ') || 'none'})`);
  }
  return columns[name];
}

/**
 * Resolves the law and picks its data columns; shared by `fitLawToColumns` and model comparison.
 * @example lawColumns('power', { step, R }, { x: 'step' }).law.name // => 'power'
 */
export function lawColumns(
  lawSpec: string | Law,
  columns: Readonly<Record<string, ArrayLike<number>>>,
  options: Pick<FitColumnsOptions, 'x' | 'y'> = {},
): { law: Law; xs: ArrayLike<number>[]; y: ArrayLike<number> } {
  const { y = 'R', x } = options;
  const names = Object.keys(columns).filter((c) => c !== y);
  const law = maybeLaw(lawSpec, names);
  // Built-in laws name a role (H, C) that `x` maps onto a column; expressions already name their columns.
  const mapsX = x !== undefined && law.variables.length === 1 && (typeof lawSpec !== 'string' || Object.hasOwn(BUILTIN_LAWS, lawSpec));
  const xs = law.variables.map((v) => column(columns, mapsX ? x : v, `variable ${v} of ${law.name}`));
  return { law, xs, y: column(columns, y, 'the response') };
}

/**
 * Fits a law named by text to named columns. `lawSpec` is a built-in law (`entropy-exp`, `entropy-linear`,
 * `entropy-exp3`, `power`, `scalerl-sigmoid`) or an expression over column names (`b - a*exp(c*H)`).
 * Returns the fit; check `converged` before using its numbers. Throws a `UsageError` for an unknown law,
 * a missing column or bad options, an `InputError` for unusable data.
 * @example fitLawToColumns('b - a*exp(c*H)', { H, R }, { start: { a: 0.1, b: 1, c: 1 } }).params.c // => 1.4…
 */
export function fitLawToColumns(
  lawSpec: string | Law,
  columns: Readonly<Record<string, ArrayLike<number>>>,
  options: FitColumnsOptions = {},
): LawFit {
  const { x, y, sigmaColumn, ...fitOptions } = options;
  const { law, xs, y: response } = lawColumns(lawSpec, columns, { x, y });
  if (sigmaColumn !== undefined) fitOptions.sigma = column(columns, sigmaColumn, 'sigma');
  return fitLaw(law, { columns: xs, y: response }, fitOptions);
}

/**
 * `fit --bootstrap N --seed S`: seeded bootstrap intervals for a law named by text over named columns
 * (parameters, the ceiling when the law has one, and `derived` quantities). Fit options (`start`,
 * `robust`, σ …) apply to every refit.
 * @example bootstrapLawToColumns('entropy-exp', { H, R }, { samples: 1000, seed: 7 }).derived.ceiling.lower // => …
 */
export function bootstrapLawToColumns(
  lawSpec: string | Law,
  columns: Readonly<Record<string, ArrayLike<number>>>,
  options: FitColumnsOptions & Omit<BootstrapOptions, 'fit'> = {},
): BootstrapResult {
  const { x, y, sigmaColumn, samples, seed, confidence, method, derived, ...fitOptions } = options;
  const { law, xs, y: response } = lawColumns(lawSpec, columns, { x, y });
  const sigma = sigmaColumn !== undefined ? column(columns, sigmaColumn, 'sigma') : fitOptions.sigma;
  return bootstrapLaw(law, { columns: xs, y: response, sigma }, { samples, seed, confidence, method, derived, fit: { ...fitOptions, sigma } });
}
