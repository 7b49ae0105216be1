/**
 * User-defined laws from an expression such as `b - a*exp(c*H)`: names that are data columns become
 * variables, every other name a parameter. The expression is parsed and compiled to a tape (never
 * evaluated as code) and differentiated exactly by reverse-mode automatic differentiation.
 */
import { compileExpression } from '../expression/compile.ts';
import { namesIn, parseExpression } from '../expression/parse.ts';
import { UsageError } from '../../util/errors.ts';
import type { Law } from './types.ts';

/** Options for `expressionLaw`. */
export interface ExpressionLawOptions {
  /** Parameter order. Defaults to the order of first use in the expression. */
  params?: readonly string[];
  /** Name shown in reports. Defaults to the expression itself. */
  name?: string;
  /** Lower / upper bounds per parameter, by name. Default: unbounded. */
  lower?: Readonly<Record<string, number>>;
  upper?: Readonly<Record<string, number>>;
}

/**
 * A law R = f(columns; params) from an expression. `columns` are the names of the data columns the
 * expression may read; any of them it does not use is ignored. Throws a `UsageError` for a parse error or
 * an expression without parameters. User laws have no data-driven start: give one (`--start a=..`).
 * @example expressionLaw('b - a*exp(c*H)', ['H', 'step']).params // => ['b', 'a', 'c']
 */
export function expressionLaw(source: string, columns: readonly string[], options: ExpressionLawOptions = {}): Law {
  const tree = parseExpression(source);
  const used = namesIn(tree);
  const variables = columns.filter((c) => used.includes(c));
  const compiled = compileExpression(tree, variables, options.params);
  if (compiled.parameters.length === 0) throw new UsageError(`expression "${source}" has no parameters to fit`);
  const params = compiled.parameters;
  const bound = (side: Readonly<Record<string, number>> | undefined, fallback: number) => {
    if (!side) return undefined;
    for (const k of Object.keys(side)) if (!params.includes(k)) throw new UsageError(`bound for unknown parameter: ${k}`);
    return params.map((p) => side[p] ?? fallback);
  };
  return {
    name: options.name ?? source,
    formula: `R = ${source}`,
    params,
    variables,
    lower: bound(options.lower, -Infinity),
    upper: bound(options.upper, Infinity),
    evaluate: (p, cols, out) => compiled.evaluate(p, cols, out),
    jacobian: (p, cols, jac) => compiled.jacobian(p, cols, jac),
    starts: () => [],
  };
}
