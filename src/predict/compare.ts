/**
 * Which law describes a run best: several laws fitted to the same points (the run's analysis: its steps
 * window and burn-in), with AIC, AICc, BIC and the leave-future-out error side by side.
 */
import { compareLaws, type LawComparison } from '../fit/compare/compare-laws.ts';
import type { Law } from '../fit/laws/types.ts';
import { BUILTIN_LAWS } from '../fit/laws/index.ts';
import { InputError } from '../util/errors.ts';
import type { RunAnalysis } from './analyze.ts';

/** One run's law comparison, or why it could not be made. */
export interface RunComparison {
  run: string;
  rows: LawComparison[];
  error?: string;
}

/** Options for `compareLawsOnRun`. */
export interface CompareOnRunOptions {
  /** For built-in laws of one variable, the run column they read (`--x`). */
  x?: string;
  /** Fraction of the latest points held out for the leave-future-out error. Defaults to 0.25. */
  holdout?: number;
}

/**
 * Splits a list of laws as `--law` gives it: `all` is every built-in law; otherwise comma-separated, where
 * commas inside parentheses belong to an expression (`pow(a, H)`).
 * @example parseLawList('entropy-exp, b - a*pow(H, c)') // => ['entropy-exp', 'b - a*pow(H, c)']
 */
export function parseLawList(spec: string): string[] {
  if (spec.trim() === 'all') return Object.keys(BUILTIN_LAWS);
  const laws: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= spec.length; i++) {
    const c = spec[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (i === spec.length || (c === ',' && depth === 0)) {
      const law = spec.slice(start, i).trim();
      if (law) laws.push(law);
      start = i + 1;
    }
  }
  return laws;
}

/**
 * Fits each law to the points the run's analysis used, with its fit options, and compares them
 * (`compareLaws`). A run whose points cannot be compared keeps its place with the reason.
 * @example compareLawsOnRun(analyzeRun(series), ['entropy-exp', 'entropy-linear']).rows.map((r) => r.aicc)
 */
export function compareLawsOnRun(analysis: RunAnalysis, laws: readonly (string | Law)[], options: CompareOnRunOptions = {}): RunComparison {
  const { used, run } = analysis;
  const columns = { H: used.entropy, R: used.metric, step: used.step, C: used.step };
  try {
    const rows = compareLaws({ columns }, laws.map((law) => ({ law, x: options.x })), { holdout: options.holdout, fit: analysis.fitOptions });
    return { run, rows };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { run, rows: [], error: error.message };
  }
}
