/**
 * The shared shape of every law the toolkit fits: built-in ones (one file each in this folder) and
 * user-defined expressions. The nonlinear engine only sees this interface.
 */
import type { LawFit } from '../types.ts';

/** Data for a fit: the law's independent variables (one column each, in `Law.variables` order) and R. */
export interface LawData {
  columns: readonly ArrayLike<number>[];
  y: ArrayLike<number>;
  /** Per-point standard deviations of y; omitted for ordinary least squares. */
  sigma?: ArrayLike<number>;
}

/** A curve R = f(x; p) with everything a fit needs. */
export interface Law {
  /** Identifier used on the command line (`--law entropy-exp`). */
  readonly name: string;
  /** Human-readable formula, e.g. `R = −a·exp(H) + b`. */
  readonly formula: string;
  /** Parameter names, in the order of every parameter vector. */
  readonly params: readonly string[];
  /** Names of the independent variables (for built-in laws a role such as `H` or `C`). */
  readonly variables: readonly string[];
  /** Writes f(xᵢ; p) for i < out.length. */
  evaluate(p: ArrayLike<number>, columns: readonly ArrayLike<number>[], out: Float64Array): void;
  /** Writes ∂f(xᵢ; p)/∂p_k column-major into `jac` (jac[k·n + i]), n = number of points. */
  jacobian(p: ArrayLike<number>, columns: readonly ArrayLike<number>[], jac: Float64Array): void;
  /**
   * Starting values derived from the data, best first (several starts help multi-modal laws).
   * Laws without a data-driven start (user expressions) return an empty list.
   */
  starts(data: LawData): number[][];
  /** Lower / upper bounds per parameter (±Infinity for none). Defaults to unbounded. */
  readonly lower?: readonly number[];
  readonly upper?: readonly number[];
  /** Closed-form least-squares solution, for laws linear in their parameters after a fixed transform. */
  solve?(data: LawData): number[];
  /**
   * The whole fit in closed form, for a law with `solve`: the same `LawFit` the general engine would
   * return from that solution, computed without its allocations. `fitLaw` takes this path when no
   * start, bound, robust loss or absolute σ asks for the engine.
   */
  fitExact?(data: LawData, confidence: number): LawFit;
  /** The law's performance ceiling as a function of its parameters, when it has one. */
  ceiling?(p: ArrayLike<number>): number;
  /** Gradient of `ceiling` with respect to the parameters (for the delta method). */
  ceilingGradient?(p: ArrayLike<number>): number[];
}
