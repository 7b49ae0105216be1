/**
 * The law registry: resolves law names and expressions in one place (`maybeLaw`).
 */
import { UsageError } from '../../util/errors.ts';
import { entropyExp } from './entropy-exp.ts';
import { entropyExp3 } from './entropy-exp3.ts';
import { entropyLinear } from './entropy-linear.ts';
import { expressionLaw, type ExpressionLawOptions } from './expression.ts';
import { powerLaw } from './power.ts';
import { scaleRlSigmoid } from './scalerl-sigmoid.ts';
import type { Law } from './types.ts';

/** Built-in laws by name. */
export const BUILTIN_LAWS: Readonly<Record<string, Law>> = {
  'entropy-exp': entropyExp,
  'entropy-linear': entropyLinear,
  'entropy-exp3': entropyExp3,
  power: powerLaw,
  'scalerl-sigmoid': scaleRlSigmoid,
};

/** A name made only of letters, digits, `-` and `_` is a law id; anything else is read as an expression. */
const LAW_ID = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Resolves a law: a `Law` object is returned as is, a built-in name gives that law, and text with
 * operators or parentheses is compiled as an expression over `columns`. Throws a `UsageError`
 * `unknown law: x` for any other name.
 * @example maybeLaw('entropy-exp').formula // => 'R = −a·exp(H) + b'
 */
export function maybeLaw(law: string | Law, columns: readonly string[] = [], options: ExpressionLawOptions = {}): Law {
  if (typeof law !== 'string') return law;
  const builtin = Object.hasOwn(BUILTIN_LAWS, law) ? BUILTIN_LAWS[law] : undefined;
  if (builtin) return builtin;
  if (LAW_ID.test(law.trim())) {
    throw new UsageError(`unknown law: ${law} (expected one of ${Object.keys(BUILTIN_LAWS).join(', ')}, or an expression)`);
  }
  return expressionLaw(law, columns, options);
}

export type { Law, LawData } from './types.ts';
export { entropyExp, entropyExp3, entropyLinear, expressionLaw, powerLaw, scaleRlSigmoid };
export type { ExpressionLawOptions };
