/**
 * How a run's points are fitted, shared by the analysis, its early fit, its checks and the backtests: the
 * law and the run columns it reads, the fit of some of the used points, and the entropy sanity checks.
 */
import { evaluateFit } from '../fit/evaluate.ts';
import { notIdentifiable } from '../fit/identifiability.ts';
import { BUILTIN_LAWS, maybeLaw } from '../fit/laws/index.ts';
import type { Law } from '../fit/laws/types.ts';
import { fitLaw, type FitLawOptions } from '../fit/nonlinear/fit-law.ts';
import type { LawFit } from '../fit/types.ts';
import type { RunSeries } from '../ingest/types.ts';
import { InputError, UsageError } from '../util/errors.ts';
import { sig } from '../util/format.ts';
import { ENTROPY_MAX } from '../util/tolerances.ts';

/** The columns of a run that a law can read: entropy, and the step (also as C, the compute variable). */
export type RunColumn = 'H' | 'step' | 'C';
export const RUN_COLUMNS: readonly RunColumn[] = ['H', 'step', 'C'];

/** How a run is fitted: the law, the run column each of its variables reads, and the fit options. */
export interface RunLaw {
  law: Law;
  /** The run column each of the law's variables reads, in `law.variables` order. */
  variables: readonly RunColumn[];
  /** The options every fit of the run uses (refits in checks, backtests, bootstraps). */
  fitOptions: FitLawOptions;
}

/**
 * Resolves a law and the run columns its variables read. Throws a `UsageError` for an unknown law, a
 * column a run does not have, or an expression name that looks like a mistyped column (`Hx`, `Step`)
 * and has no start: every other unknown name of an expression is a parameter.
 * @example resolveLaw('power').variables // => ['C']
 */
export function resolveLaw(spec: string | Law = 'entropy-exp', x?: string, start?: Readonly<Record<string, number>>): { law: Law; variables: RunColumn[] } {
  const law = maybeLaw(spec, RUN_COLUMNS);
  const builtin = typeof spec !== 'string' || Object.hasOwn(BUILTIN_LAWS, spec);
  if (x !== undefined && !(builtin && law.variables.length === 1)) throw new UsageError(`--x applies to a built-in law of one variable, not to ${law.name}`);
  const variables = law.variables.map((v) => (x !== undefined ? x : v));
  for (const v of variables) {
    if (!(RUN_COLUMNS as readonly string[]).includes(v)) throw new UsageError(`no column ${v} (a run has ${RUN_COLUMNS.join(', ')} and R)`);
  }
  if (!builtin) {
    for (const p of law.params) {
      const like = RUN_COLUMNS.find((c) => looksLike(p, c)) ?? (looksLike(p, 'R') ? 'R' : undefined);
      if (like && start?.[p] === undefined) {
        throw new UsageError(`${p} in "${law.name}" is not a column (columns: ${RUN_COLUMNS.join(', ')}, R): did you mean ${like}? As a parameter it needs a start (--start ${p}=…)`);
      }
    }
  }
  return { law, variables: variables as RunColumn[] };
}

/**
 * A name that is probably a mistyped column: the column in other case (`Step`), a one-letter column with
 * one letter more (`Hx`, `HH`), or a longer column one edit away (`stpe`, `steps`, `stp`). One-letter
 * names are never suspects: `a`, `b`, `c` are the usual parameters, and `c` is not `C`.
 */
function looksLike(name: string, column: string): boolean {
  if (name.length < 2 || name === column) return false;
  if (name.toLowerCase() === column.toLowerCase()) return true;
  if (column.length === 1) return name.length === 2 && (name[0] === column || name[1] === column);
  return editDistanceOne(name, column);
}

/** Whether two strings differ by one insertion, deletion, substitution or transposition of neighbours. */
function editDistanceOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const tail = (s: string, k: number) => s.slice(k);
  return (
    tail(a, i + 1) === tail(b, i + 1) ||
    tail(a, i + 1) === tail(b, i) ||
    tail(a, i) === tail(b, i + 1) ||
    (a[i] === b[i + 1] && a[i + 1] === b[i] && tail(a, i + 2) === tail(b, i + 2))
  );
}

/** The law's variables at points [from, to) of `series`, in `variables` order. */
export function runColumns(series: Pick<RunSeries, 'step' | 'entropy'>, variables: readonly RunColumn[], from = 0, to = series.step.length): Float64Array[] {
  return variables.map((v) => (v === 'H' ? series.entropy : series.step).subarray(from, to));
}

/**
 * The law fitted to the points of `used` (all of them, or the first `k`), as every fit of this analysis is
 * made: its law, columns and options. Throws an `InputError` when the points cannot be fit or the fit is
 * not a result (no convergence, parameters not identifiable, constant R).
 */
export function fitUsed(analysis: RunLaw, used: RunSeries, k = used.step.length): LawFit {
  const { law, variables, fitOptions } = analysis;
  const y = used.metric.subarray(0, k);
  const constant = constantValue(y);
  if (constant !== null && k >= 2) throw new InputError(`R is constant (all ${k} points have R = ${sig(constant, 6)}): there is nothing to fit`);
  const fit = fitLaw(law, { columns: runColumns(used, variables, 0, k), y }, fitOptions);
  if (!fit.converged) throw new InputError(`the fit did not converge (${fit.reason}); try other starting values (--start) or another law`);
  const unidentifiable = notIdentifiable(fit);
  if (unidentifiable) throw new InputError(`not identifiable: ${unidentifiable}`);
  return fit;
}

/** `fitUsed` on the first k points, or null when they cannot be fit. */
export function refit(analysis: RunLaw, used: RunSeries, k: number): LawFit | null {
  try {
    return fitUsed(analysis, used, k);
  } catch (error) {
    if (error instanceof InputError) return null;
    throw error;
  }
}

/** The fitted law's values at the used points (for residuals and the reading noise). */
export function fittedValues(analysis: Pick<RunLaw, 'law' | 'variables'>, used: RunSeries, fit: LawFit): Float64Array {
  return evaluateFit(analysis.law, fit, runColumns(used, analysis.variables));
}

/** The value every element of `y` has, or null when they differ. */
function constantValue(y: ArrayLike<number>): number | null {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return null;
  return y.length ? y[0] : null;
}

/**
 * Why the entropy readings cannot be per-token entropies in nats, or null: a negative value (entropy is
 * never negative), or values above `ENTROPY_MAX` (no vocabulary allows more than ln V ≈ 12.5 nats per
 * token; such numbers are sums over a sequence's tokens).
 */
export function entropyError(entropy: ArrayLike<number>): string | null {
  let min = Infinity;
  let max = -Infinity;
  let negative = 0;
  for (let i = 0; i < entropy.length; i++) {
    const h = entropy[i];
    if (h < min) min = h;
    if (h > max) max = h;
    if (h < 0) negative++;
  }
  if (negative > 0) return `the entropy is negative at ${negative} of ${entropy.length} points (down to ${sig(min)}): an entropy is never below 0 (a loss with its sign flipped? pick the entropy key with --entropy)`;
  if (max > ENTROPY_MAX) {
    return (
      `the entropy reaches ${sig(max)} (from ${sig(min)}), more than any per-token entropy in nats can be (at most ln V ≈ 12 for a vocabulary of V tokens): ` +
      'it looks like a sum over each sequence\'s tokens (verl\'s loss_agg_mode seq-mean-token-sum?); log a token-mean entropy, or name one with --entropy'
    );
  }
  return null;
}
