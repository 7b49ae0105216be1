/**
 * Model choice for one run: fits several laws to the same series and puts AIC, AICc, BIC and a
 * leave-future-out error side by side. Information criteria use the Gaussian likelihood with the variance
 * estimated (k = parameters + 1); with weights, the Σ log σᵢ² term is the same for every law and omitted.
 * The leave-future-out error refits each law on the first points only and scores it on the held-out
 * future ones — the question a forecast actually faces.
 */
import { UsageError } from '../../util/errors.ts';
import { lawColumns } from '../fit-columns.ts';
import type { Law } from '../laws/types.ts';
import { fitLaw, type FitLawOptions } from '../nonlinear/fit-law.ts';
import type { LawFit } from '../types.ts';

/** One run's data as named columns, in time order. */
export interface LawSeries {
  columns: Readonly<Record<string, ArrayLike<number>>>;
  /** Column of R. Defaults to `R`. */
  y?: string;
}

/** A law to compare: a name, an expression, a `Law`, or one of those with the column for its variable. */
export type LawChoice = string | Law | { law: string | Law; x?: string; options?: FitLawOptions };

/** Options for `compareLaws`. */
export interface CompareLawsOptions {
  /** Fraction of the last points held out for the leave-future-out error, in (0, 1). Defaults to 0.25. */
  holdout?: number;
  /** Options for every fit (σ, robust, confidence …). Defaults to none. */
  fit?: FitLawOptions;
}

/** One row of the comparison. */
export interface LawComparison {
  law: string;
  formula: string;
  /** Parameters of the law plus one for the residual variance. */
  k: number;
  n: number;
  ssr: number;
  aic: number;
  aicc: number;
  bic: number;
  /** AIC minus the smallest AIC of the converged laws, and the Akaike weight exp(−Δ/2) normalised. */
  deltaAic: number;
  akaikeWeight: number;
  /** RMSE on the held-out future points of a fit to the earlier ones; null when that fit failed (see `note`). */
  lfoRmse: number | null;
  /** Number of future points scored. */
  lfoPoints: number;
  converged: boolean;
  note?: string;
  fit: LawFit;
}

/**
 * Fits each law to the series and returns one row per law, in the given order. A law that does not
 * converge keeps its row with `converged: false` and infinite criteria. Throws a `UsageError` for an
 * unknown law, a missing column or bad options.
 * @example compareLaws({ columns: { H, R } }, ['entropy-exp', 'entropy-linear']).map((r) => r.aicc) // => [ -212.3, -198.7 ]
 */
export function compareLaws(series: LawSeries, laws: readonly LawChoice[], options: CompareLawsOptions = {}): LawComparison[] {
  const { holdout = 0.25, fit: fitOptions = {} } = options;
  if (!(holdout > 0 && holdout < 1)) throw new UsageError(`invalid holdout: ${holdout} (expected a fraction in (0, 1))`);
  if (laws.length === 0) throw new UsageError('compareLaws needs at least one law');
  const rows = laws.map((choice): LawComparison => {
    const spec = typeof choice === 'object' && 'law' in choice ? choice : { law: choice };
    const { law, xs, y } = lawColumns(spec.law, series.columns, { x: spec.x, y: series.y });
    const opts = { ...fitOptions, ...spec.options };
    const fit = fitLaw(law, { columns: xs, y }, opts);
    const n = fit.n;
    const k = law.params.length + 1;
    const logLik = -0.5 * n * (Math.log((2 * Math.PI * fit.ssr) / n) + 1);
    const ok = fit.converged && fit.ssr > 0;
    const aic = ok ? 2 * k - 2 * logLik : Infinity;
    const aicc = ok && n - k - 1 > 0 ? aic + (2 * k * (k + 1)) / (n - k - 1) : Infinity;
    const bic = ok ? k * Math.log(n) - 2 * logLik : Infinity;
    const lfo = leaveFutureOut(law, xs, y, holdout, opts);
    return {
      law: law.name,
      formula: law.formula,
      k,
      n,
      ssr: fit.ssr,
      aic,
      aicc,
      bic,
      deltaAic: Infinity,
      akaikeWeight: 0,
      lfoRmse: lfo.rmse,
      lfoPoints: lfo.points,
      converged: fit.converged,
      note: !fit.converged ? `did not converge: ${fit.reason}` : fit.ssr === 0 ? 'exact fit: criteria undefined' : lfo.note,
      fit,
    };
  });
  const best = Math.min(...rows.map((r) => r.aic));
  if (Number.isFinite(best)) {
    const total = rows.reduce((s, r) => s + (Number.isFinite(r.aic) ? Math.exp(-(r.aic - best) / 2) : 0), 0);
    for (const r of rows) {
      r.deltaAic = r.aic - best;
      r.akaikeWeight = Number.isFinite(r.aic) ? Math.exp(-(r.aic - best) / 2) / total : 0;
    }
  }
  return rows;
}

/** Fit on the first points, RMSE on the rest (σ-free: the error is in units of R). */
function leaveFutureOut(
  law: Law,
  xs: ArrayLike<number>[],
  y: ArrayLike<number>,
  holdout: number,
  options: FitLawOptions,
): { rmse: number | null; points: number; note?: string } {
  const n = y.length;
  const future = Math.max(1, Math.round(holdout * n));
  const train = n - future;
  if (train <= law.params.length) return { rmse: null, points: 0, note: `too few points before the holdout to fit ${law.params.length} parameters` };
  const head = (a: ArrayLike<number>) => Float64Array.from({ length: train }, (_, i) => a[i]);
  const sigma = options.sigma ? head(options.sigma) : undefined;
  let fit: LawFit;
  try {
    fit = fitLaw(law, { columns: xs.map(head), y: head(y) }, { ...options, sigma });
  } catch (e) {
    return { rmse: null, points: 0, note: `leave-future-out fit failed: ${(e as Error).message}` };
  }
  if (!fit.converged) return { rmse: null, points: 0, note: `leave-future-out fit did not converge: ${fit.reason}` };
  const tail = xs.map((c) => Float64Array.from({ length: future }, (_, i) => c[train + i]));
  const predicted = new Float64Array(future);
  law.evaluate(fit.values, tail, predicted);
  let sse = 0;
  for (let i = 0; i < future; i++) sse += (y[train + i] - predicted[i]) ** 2;
  return { rmse: Math.sqrt(sse / future), points: future };
}
