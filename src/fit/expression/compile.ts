/**
 * Compiles a parsed expression into a flat tape of operations over Float64Arrays and differentiates it
 * by reverse-mode automatic differentiation: one forward sweep for the values, one backward sweep for the
 * adjoints, so the whole gradient with respect to every parameter costs about two evaluations per point,
 * whatever the number of parameters. Derivatives are exact (no finite differences), which is what lets the
 * nonlinear engine reach the NIST certified digits on ill-conditioned problems.
 */
import { UsageError } from '../../util/errors.ts';
import { type Expr, namesIn, parseExpression } from './parse.ts';

const enum Op {
  Const,
  Var,
  Param,
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  /** Power with a constant exponent: avoids log(base) in the derivative, so negative bases work. */
  PowConst,
  Neg,
  Exp,
  Log,
  Sqrt,
  Sin,
  Cos,
  Tan,
  Atan,
  Abs,
}

const CALLS: Record<string, Op> = {
  exp: Op.Exp,
  log: Op.Log,
  sqrt: Op.Sqrt,
  sin: Op.Sin,
  cos: Op.Cos,
  tan: Op.Tan,
  atan: Op.Atan,
  abs: Op.Abs,
};

const BINARY: Record<string, Op> = { '+': Op.Add, '-': Op.Sub, '*': Op.Mul, '/': Op.Div, '^': Op.Pow };

/** An expression ready to evaluate and differentiate over columns of data. */
export interface CompiledExpression {
  /** The source text. */
  readonly source: string;
  /** Names bound to data columns, in the order `columns` must be given. */
  readonly variables: readonly string[];
  /** Names treated as parameters, in the order of the parameter vector. */
  readonly parameters: readonly string[];
  /** Writes f(xᵢ; p) into `out` for every point i (n = out.length). */
  evaluate(params: ArrayLike<number>, columns: readonly ArrayLike<number>[], out: Float64Array): void;
  /**
   * Writes the Jacobian ∂f(xᵢ; p)/∂p_k column-major into `jac` (jac[k·n + i]) and, when given, the values
   * into `values`.
   */
  jacobian(params: ArrayLike<number>, columns: readonly ArrayLike<number>[], jac: Float64Array, values?: Float64Array): void;
}

interface Tape {
  ops: Op[];
  a: number[];
  b: number[];
  /** Constant value, or the variable / parameter index for leaves. */
  k: number[];
  /** Whether the node depends on a parameter (adjoints flow only into those). */
  dep: boolean[];
}

function applyOp(op: Op, x: number, y: number, k: number): number {
  switch (op) {
    case Op.Add:
      return x + y;
    case Op.Sub:
      return x - y;
    case Op.Mul:
      return x * y;
    case Op.Div:
      return x / y;
    case Op.Pow:
      return Math.pow(x, y);
    case Op.PowConst:
      // x·x is exact where pow may differ in the last bit.
      return k === 2 ? x * x : Math.pow(x, k);
    case Op.Neg:
      return -x;
    case Op.Exp:
      return Math.exp(x);
    case Op.Log:
      return Math.log(x);
    case Op.Sqrt:
      return Math.sqrt(x);
    case Op.Sin:
      return Math.sin(x);
    case Op.Cos:
      return Math.cos(x);
    case Op.Tan:
      return Math.tan(x);
    case Op.Atan:
      return Math.atan(x);
    case Op.Abs:
      return Math.abs(x);
    default:
      throw new Error(`not an arithmetic op: ${op}`);
  }
}

function buildTape(expr: Expr, variables: readonly string[], parameters: readonly string[]): Tape {
  const tape: Tape = { ops: [], a: [], b: [], k: [], dep: [] };
  const leaves = new Map<string, number>();
  const push = (op: Op, a: number, b: number, k: number, dep: boolean): number => {
    tape.ops.push(op);
    tape.a.push(a);
    tape.b.push(b);
    tape.k.push(k);
    tape.dep.push(dep);
    return tape.ops.length - 1;
  };
  const isConst = (i: number): boolean => tape.ops[i] === Op.Const;
  // Constant sub-expressions are folded once here rather than recomputed for every point.
  const node = (op: Op, a: number, b = -1, k = 0): number => {
    if (isConst(a) && (b < 0 || isConst(b))) {
      return push(Op.Const, -1, -1, applyOp(op, tape.k[a], b < 0 ? 0 : tape.k[b], k), false);
    }
    return push(op, a, b, k, tape.dep[a] || (b >= 0 && tape.dep[b]));
  };
  const visit = (e: Expr): number => {
    switch (e.kind) {
      case 'number':
        return push(Op.Const, -1, -1, e.value, false);
      case 'name': {
        const seen = leaves.get(e.name);
        if (seen !== undefined) return seen;
        const v = variables.indexOf(e.name);
        const id = v >= 0 ? push(Op.Var, -1, -1, v, false) : push(Op.Param, -1, -1, parameters.indexOf(e.name), true);
        leaves.set(e.name, id);
        return id;
      }
      case 'neg':
        return node(Op.Neg, visit(e.arg));
      case 'call':
        return node(CALLS[e.fn], visit(e.arg));
      case 'binary': {
        const left = visit(e.left);
        const right = visit(e.right);
        if (e.op === '^' && isConst(right)) return node(Op.PowConst, left, -1, tape.k[right]);
        return node(BINARY[e.op], left, right);
      }
    }
  };
  visit(expr);
  return tape;
}

/**
 * Compiles an expression (text or tree) for evaluation over data columns. Names listed in `variables` read
 * data; every other name is a parameter, ordered as in `parameters` when given, else by first use.
 * Throws a `UsageError` for a parse error or when `parameters` does not list exactly the free names.
 * @example compileExpression('b - a*exp(H)', ['H']).parameters // => ['b', 'a']
 */
export function compileExpression(
  expression: string | Expr,
  variables: readonly string[],
  parameters?: readonly string[],
): CompiledExpression {
  const source = typeof expression === 'string' ? expression : '(expression)';
  const tree = typeof expression === 'string' ? parseExpression(expression) : expression;
  const free = namesIn(tree).filter((name) => !variables.includes(name));
  const params = parameters ?? free;
  for (const name of free) {
    if (!params.includes(name)) throw new UsageError(`expression "${source}" uses ${name}, which is neither a column nor a parameter`);
  }
  const tape = buildTape(tree, variables, params);
  const size = tape.ops.length;
  const ops = Int32Array.from(tape.ops);
  const ia = Int32Array.from(tape.a);
  const ib = Int32Array.from(tape.b);
  const kk = Float64Array.from(tape.k);
  const dep = Uint8Array.from(tape.dep, Number);
  const val = new Float64Array(size);
  const adj = new Float64Array(size);
  const nParams = params.length;

  const forward = (p: ArrayLike<number>, columns: readonly ArrayLike<number>[], i: number): number => {
    for (let j = 0; j < size; j++) {
      const op = ops[j];
      if (op === Op.Const) val[j] = kk[j];
      else if (op === Op.Var) val[j] = columns[kk[j]][i];
      else if (op === Op.Param) val[j] = p[kk[j]];
      else val[j] = applyOp(op, val[ia[j]], ib[j] >= 0 ? val[ib[j]] : 0, kk[j]);
    }
    return val[size - 1];
  };

  const backward = (jac: Float64Array, n: number, i: number): void => {
    adj.fill(0);
    adj[size - 1] = 1;
    for (let k = 0; k < nParams; k++) jac[k * n + i] = 0;
    for (let j = size - 1; j >= 0; j--) {
      const g = adj[j];
      if (g === 0 || !dep[j]) continue;
      const a = ia[j];
      const b = ib[j];
      switch (ops[j]) {
        case Op.Param:
          jac[kk[j] * n + i] += g;
          break;
        case Op.Add:
          adj[a] += g;
          adj[b] += g;
          break;
        case Op.Sub:
          adj[a] += g;
          adj[b] -= g;
          break;
        case Op.Mul:
          adj[a] += g * val[b];
          adj[b] += g * val[a];
          break;
        case Op.Div:
          adj[a] += g / val[b];
          adj[b] -= (g * val[j]) / val[b];
          break;
        case Op.Pow:
          if (dep[a]) adj[a] += g * val[b] * Math.pow(val[a], val[b] - 1);
          if (dep[b]) adj[b] += g * val[j] * Math.log(val[a]);
          break;
        case Op.PowConst:
          adj[a] += kk[j] === 2 ? 2 * g * val[a] : g * kk[j] * Math.pow(val[a], kk[j] - 1);
          break;
        case Op.Neg:
          adj[a] -= g;
          break;
        case Op.Exp:
          adj[a] += g * val[j];
          break;
        case Op.Log:
          adj[a] += g / val[a];
          break;
        case Op.Sqrt:
          adj[a] += (0.5 * g) / val[j];
          break;
        case Op.Sin:
          adj[a] += g * Math.cos(val[a]);
          break;
        case Op.Cos:
          adj[a] -= g * Math.sin(val[a]);
          break;
        case Op.Tan:
          adj[a] += g * (1 + val[j] * val[j]);
          break;
        case Op.Atan:
          adj[a] += g / (1 + val[a] * val[a]);
          break;
        case Op.Abs:
          adj[a] += val[a] < 0 ? -g : g;
          break;
        default:
          break;
      }
    }
  };

  return {
    source,
    variables: [...variables],
    parameters: [...params],
    evaluate(p, columns, out) {
      for (let i = 0; i < out.length; i++) out[i] = forward(p, columns, i);
    },
    jacobian(p, columns, jac, values) {
      const n = jac.length / Math.max(1, nParams);
      for (let i = 0; i < n; i++) {
        const f = forward(p, columns, i);
        if (values) values[i] = f;
        backward(jac, n, i);
      }
    },
  };
}
