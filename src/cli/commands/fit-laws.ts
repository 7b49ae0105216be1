import { compareLaws, type LawComparison } from '../../fit/compare/compare-laws.ts';
import { bootstrapLawToColumns, fitLawToColumns, lawColumns } from '../../fit/fit-columns.ts';
import { BUILTIN_LAWS } from '../../fit/laws/index.ts';
import type { LawFit } from '../../fit/nonlinear/types.ts';
import { lawCeiling, type DerivedEstimate } from '../../fit/uncertainty/prediction-band.ts';
import type { BootstrapResult } from '../../fit/uncertainty/bootstrap.ts';
import type { Dataset, RunSeries } from '../../ingest/types.ts';
import { InputError } from '../../util/errors.ts';
import { num, table } from '../format.ts';

/** The `fit` flags that choose and tune a law other than the exact default. */
export interface LawFlags {
  law?: string;
  x?: string;
  start?: Record<string, number>;
  robust?: boolean;
  bootstrap?: number;
  seed: number;
}

/**
 * A run's points as the named columns laws read: H (entropy), R (the metric), and step, also as C, the
 * "compute" variable of `power` and `scalerl-sigmoid`.
 */
export function runColumns(series: RunSeries): Record<string, Float64Array> {
  return { H: series.entropy, R: series.metric, step: series.step, C: series.step };
}

/**
 * Splits `--law` into laws: `all` is every built-in law; otherwise a comma-separated list, where commas
 * inside parentheses belong to an expression (`pow(a, H)`).
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

/** One run fitted with one law: the fit (or why it failed), its ceiling and bootstrap when asked. */
export interface RunLawFit {
  run: string;
  source: string;
  n: number;
  fit?: LawFit;
  ceiling?: DerivedEstimate;
  bootstrap?: BootstrapResult;
  error?: string;
}

/** Fits one law to every run; a run that cannot be fit keeps its row with the reason. */
export function fitLawToRuns(dataset: Dataset, law: string, flags: LawFlags): RunLawFit[] {
  return dataset.series.map((series, i) => {
    const info = dataset.runs[i];
    const row: RunLawFit = { run: info.id, source: info.source, n: info.points };
    const columns = runColumns(series);
    const options = { x: flags.x, start: flags.start, robust: flags.robust };
    try {
      row.fit = fitLawToColumns(law, columns, options);
      if (!row.fit.converged) return row;
      const resolved = lawColumns(law, columns, options).law;
      if (resolved.ceiling) row.ceiling = lawCeiling(resolved, row.fit);
      if (flags.bootstrap) row.bootstrap = bootstrapLawToColumns(law, columns, { ...options, samples: flags.bootstrap, seed: flags.seed });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      row.error = error.message;
    }
    return row;
  });
}

/** The human table of a single-law fit. A fit that did not converge shows the reason, never numbers. */
export function lawFitTable(rows: RunLawFit[]): string {
  const body = rows.map(({ run, n, fit, ceiling, bootstrap, error }) => {
    if (!fit) return [run, String(n), `no fit: ${error ?? 'unknown'}`, '', '', ''];
    if (!fit.converged) return [run, String(n), `not converged: ${fit.reason}`, '', '', ''];
    const params = fit.paramNames.map((p) => `${p} = ${num(fit.params[p])} ± ${num(fit.stderr[p])}`).join(', ');
    const boot = bootstrap?.derived.ceiling;
    const ceilingText = ceiling ? `${num(ceiling.value)} ± ${num(ceiling.stderr)}` + (boot ? ` (bootstrap ${num(boot.lower)}–${num(boot.upper)})` : '') : '—';
    return [run, String(n), params, ceilingText, num(fit.r2, 3), num(fit.rmse)];
  });
  const law = rows.find((r) => r.fit)?.fit;
  const formula = law && (/^\s*R\s*=/.test(law.formula) ? law.formula : `R = ${law.formula}`);
  const title = law ? `law ${law.law}: ${formula}${law.robust ? ' (robust: Huber loss)' : ''}\n\n` : '';
  return title + table(['run', 'n', 'parameters ± se', 'ceiling ± se', 'R²', 'RMSE'], body);
}

/** The JSON record of one run's law fit. */
export function lawFitJson(row: RunLawFit): Record<string, unknown> {
  const { fit } = row;
  const base = { run: row.run, source: row.source, n: row.n };
  if (!fit) return { ...base, error: row.error };
  const numbers = fit.converged
    ? { params: fit.params, stderr: fit.stderr, ci: fit.ci, covariance: fit.covariance, ssr: fit.ssr, r2: fit.r2, rmse: fit.rmse }
    : {};
  return {
    ...base,
    law: fit.law,
    formula: fit.formula,
    converged: fit.converged,
    reason: fit.reason,
    ...numbers,
    ceiling: row.ceiling ? { value: row.ceiling.value, stderr: row.ceiling.stderr, ci95: row.ceiling.ci } : undefined,
    bootstrap: row.bootstrap,
    warnings: fit.warnings,
  };
}

/** Compares several laws on every run: AIC, AICc, BIC and the leave-future-out error side by side. */
export function compareLawsOnRuns(dataset: Dataset, laws: string[], flags: LawFlags): { run: string; rows: LawComparison[]; error?: string }[] {
  return dataset.series.map((series) => {
    try {
      const rows = compareLaws({ columns: runColumns(series) }, laws.map((law) => ({ law, x: flags.x })), {
        fit: { start: flags.start, robust: flags.robust },
      });
      return { run: series.run, rows };
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return { run: series.run, rows: [], error: error.message };
    }
  });
}

/** The human table of a law comparison, one block per run. */
export function comparisonTable(results: ReturnType<typeof compareLawsOnRuns>): string {
  return results
    .map(({ run, rows, error }) => {
      if (error) return `${run}: no comparison: ${error}`;
      const body = rows.map((r) =>
        r.converged
          ? [r.law, String(r.k), num(r.ssr, 6), num(r.aic, 2), num(r.aicc, 2), num(r.bic, 2), num(r.deltaAic, 2), num(r.akaikeWeight, 3), num(r.lfoRmse)]
          : [r.law, String(r.k), `not converged${r.note ? `: ${r.note}` : ''}`, '', '', '', '', '', ''],
      );
      return `${run}\n${table(['law', 'k', 'SSR', 'AIC', 'AICc', 'BIC', 'ΔAIC', 'weight', 'LFO RMSE'], body)}`;
    })
    .join('\n\n');
}

/** The JSON form of a law comparison. */
export function comparisonJson(results: ReturnType<typeof compareLawsOnRuns>): Record<string, unknown>[] {
  return results.map(({ run, rows, error }) => ({
    run,
    error,
    laws: rows.map((r) => ({
      law: r.law,
      formula: r.formula,
      k: r.k,
      n: r.n,
      converged: r.converged,
      ...(r.converged ? { ssr: r.ssr, aic: r.aic, aicc: r.aicc, bic: r.bic, delta_aic: r.deltaAic, akaike_weight: r.akaikeWeight, lfo_rmse: r.lfoRmse, lfo_points: r.lfoPoints, params: r.fit.params } : { note: r.note }),
    })),
  }));
}
