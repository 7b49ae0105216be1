/**
 * Fits any `Law` by weighted nonlinear least squares: several starts, bounds, the MINPACK-style
 * Levenberg–Marquardt solver (`lmder.ts`) with analytic Jacobians, and curve_fit-compatible covariance,
 * standard errors and Student-t intervals from the Jacobian at the solution.
 */
import { checkConfidence } from '../../util/checks.ts';
import { InputError, UsageError } from '../../util/errors.ts';
import type { Law, LawData } from '../laws/types.ts';
import { boundsMap } from './bounds.ts';
import { levenbergMarquardt, type LevenbergMarquardtOptions, STOP_REASONS } from './lmder.ts';
import { huberFit, type RobustOptions } from './robust.ts';
import { summarize } from './summarize.ts';
import type { LawFit } from '../types.ts';

/** Options for `fitLaw`. */
export interface FitLawOptions {
  /** Per-point σ of y; each point weighs 1/σ². Defaults to none (ordinary least squares). */
  sigma?: ArrayLike<number>;
  /** Treat σ as absolute (no rescaling of the covariance by the reduced chi-square). Defaults to false. */
  absoluteSigma?: boolean;
  /** Confidence level of the intervals, in (0, 1). Defaults to 0.95. */
  confidence?: number;
  /**
   * Starting values by parameter name (`--start a=0.1,b=0.5`). Given for every parameter, it is the only
   * start; given for some, it overrides those in each data-driven start. Parameters with neither default
   * to 1 (with a warning). Defaults to the law's data-driven starts.
   */
  start?: Readonly<Record<string, number>>;
  /** Further complete starts to try. Defaults to none. */
  starts?: readonly Readonly<Record<string, number>>[];
  /**
   * Run every start and keep the converged one with least ssr, instead of stopping at the first start
   * that converges (starts come best first, so that one is usually the answer). Defaults to false.
   */
  allStarts?: boolean;
  /** Bounds by parameter name, added to the law's own. Defaults to the law's (usually none). */
  lower?: Readonly<Record<string, number>>;
  upper?: Readonly<Record<string, number>>;
  /** Huber loss by IRLS: true for the default threshold, or options. Defaults to false. */
  robust?: boolean | RobustOptions;
  /**
   * Solver tolerances and limits (see `LevenbergMarquardtOptions`). The tight defaults (1e-15) matter:
   * with ftol = 1e-10 the sum-of-squares test stops NIST's ENSO and MGH09 at 4–5 correct digits.
   */
  solver?: LevenbergMarquardtOptions;
}

/**
 * Fits `law` to `data` (columns in `law.variables` order, y, optional σ). Returns the best converged start;
 * when none converges, the result has `converged: false` and its numbers are not a fit. Throws an
 * `InputError` for too few or non-finite points, a `UsageError` for bad options.
 * Cost: per start, a few dozen Jacobians of n×k plus QR factorisations, O(n·k²) each.
 * @example fitLaw(entropyExp3, { columns: [H], y: R }).params // => { a: …, b: …, c: … }
 */
export function fitLaw(law: Law, data: LawData, options: FitLawOptions = {}): LawFit {
  const { confidence = 0.95 } = options;
  checkConfidence(confidence);
  const n = data.y.length;
  const k = law.params.length;
  if (data.columns.length !== law.variables.length) {
    throw new UsageError(`law ${law.name} needs ${law.variables.length} column(s) (${law.variables.join(', ')}), got ${data.columns.length}`);
  }
  for (const c of data.columns) if (c.length !== n) throw new UsageError(`fitLaw needs columns as long as y (${c.length} vs ${n})`);
  if (options.sigma && options.sigma.length !== n) throw new UsageError(`fitLaw needs one sigma per point (${options.sigma.length} vs ${n})`);
  for (const name of [...Object.keys(options.start ?? {}), ...(options.starts ?? []).flatMap(Object.keys)]) {
    if (!law.params.includes(name)) throw new UsageError(`start for unknown parameter: ${name} (law ${law.name} has ${law.params.join(', ')})`);
  }
  const clean: LawData = { columns: data.columns, y: data.y, sigma: options.sigma };
  const customised = options.start !== undefined || options.starts !== undefined || options.lower || options.upper;
  // The exact path checks its own points (and words its own messages).
  if (law.fitExact && !customised && !options.robust && !options.absoluteSigma) return law.fitExact(clean, confidence);
  if (n <= k) throw new InputError(`law ${law.name} requires more points than parameters (${n} points, ${k} parameters)`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(data.y[i]) || data.columns.some((c) => !Number.isFinite(c[i]))) {
      throw new InputError(`law ${law.name} requires finite values (point ${i + 1})`);
    }
    const s = options.sigma?.[i];
    if (s !== undefined && !(s > 0 && Number.isFinite(s))) throw new UsageError(`invalid sigma at point ${i + 1}: ${s} (expected a positive number)`);
  }
  if (options.robust) {
    const named = (p: number[]) => Object.fromEntries(law.params.map((q, j) => [q, p[j]]));
    // Each IRLS round restarts from the previous solution; exact laws ignore starts anyway.
    const core = (d: LawData, p?: number[]) =>
      _fitLaw(law, d, p && !law.solve ? { ...options, start: named(p) } : options, confidence);
    return huberFit(law, clean, options.robust === true ? {} : options.robust, core);
  }
  return _fitLaw(law, clean, options, confidence);
}

/** Starting vectors: explicit start first, then the law's data-driven ones (overridden), then extras. */
function startVectors(law: Law, data: LawData, options: FitLawOptions, warnings: string[]): number[][] {
  const given = options.start ?? {};
  const names = law.params;
  const complete = names.every((p) => given[p] !== undefined);
  const list: number[][] = [];
  if (complete) list.push(names.map((p) => given[p]));
  else {
    const fromData = law.starts(data).map((s) => names.map((p, j) => given[p] ?? s[j]));
    if (fromData.length === 0) {
      const missing = names.filter((p) => given[p] === undefined);
      warnings.push(`no start given for ${missing.join(', ')}; starting from 1`);
      fromData.push(names.map((p) => given[p] ?? 1));
    }
    list.push(...fromData);
  }
  for (const s of options.starts ?? []) list.push(names.map((p) => s[p] ?? 1));
  return list;
}

/**
 * The clean core of `fitLaw`: inputs validated, no robust loop.
 * @example _fitLaw(powerLaw, data, {}, 0.95).converged // => true
 */
export function _fitLaw(law: Law, data: LawData, options: FitLawOptions, confidence: number): LawFit {
  const n = data.y.length;
  const k = law.params.length;
  const { columns, y, sigma } = data;
  const warnings: string[] = [];
  const lower = law.params.map((p, j) => options.lower?.[p] ?? law.lower?.[j] ?? -Infinity);
  const upper = law.params.map((p, j) => options.upper?.[p] ?? law.upper?.[j] ?? Infinity);
  const bounds = boundsMap(lower, upper);
  const customised = options.start !== undefined || options.starts !== undefined || options.lower || options.upper;

  let best: { p: number[]; ssr: number; info: number; reason: string; iterations: number; evaluations: number } | undefined;
  let startsTried = 0;
  if (law.solve && !customised) {
    best = { p: law.solve(data), ssr: 0, info: -1, reason: 'exact linear least squares', iterations: 0, evaluations: 1 };
    startsTried = 1;
  } else {
    const values = new Float64Array(n);
    const jp = new Float64Array(n * k);
    const p = new Float64Array(k);
    const dp = new Float64Array(k);
    const problem = {
      m: n,
      n: k,
      residuals(u: Float64Array, out: Float64Array) {
        law.evaluate(bounds.toExternal(u, p), columns, values);
        for (let i = 0; i < n; i++) out[i] = sigma ? (values[i] - y[i]) / sigma[i] : values[i] - y[i];
      },
      jacobian(u: Float64Array, jac: Float64Array) {
        law.jacobian(bounds.toExternal(u, p), columns, jp);
        bounds.derivative(u, dp);
        for (let j = 0; j < k; j++) {
          for (let i = 0; i < n; i++) jac[j * n + i] = (jp[j * n + i] * dp[j]) / (sigma ? sigma[i] : 1);
        }
      },
    };
    let fallback: typeof best;
    for (const start of startVectors(law, data, options, warnings)) {
      startsTried++;
      const r = levenbergMarquardt(problem, bounds.toInternal(start), options.solver);
      const attempt = {
        p: Array.from(bounds.toExternal(r.x, new Float64Array(k))),
        ssr: r.ssr,
        info: r.info,
        reason: STOP_REASONS[r.info],
        iterations: r.iterations,
        evaluations: r.evaluations,
      };
      const ok = r.info !== 0 && r.info !== 5 && Number.isFinite(r.ssr);
      if (ok && (!best || attempt.ssr < best.ssr)) best = attempt;
      if (!ok && (!fallback || attempt.ssr < fallback.ssr)) fallback = attempt;
      if (best && !options.allStarts) break;
    }
    if (!best) {
      const failed = fallback!;
      return summarize(law, data, failed.p, options, confidence, { ...failed, converged: false, startsTried, warnings });
    }
  }
  return summarize(law, data, best.p, options, confidence, { ...best, converged: true, startsTried, warnings });
}
