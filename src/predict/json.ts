/**
 * The JSON records the toolkit prints (`--json`) and embeds (the report's data), one shape per kind: a run
 * (`runRecord`), its early-fit forecast (`earlyRecord`), a forecast in time (`forecastRecord`), a backtest
 * (`backtestRecord`), a law comparison (`comparisonRecord`), a run as read (`ingestRecord`). snake_case
 * keys, the same names in every command; README documents them. A record never holds a null where a
 * number is documented: a run that cannot be fit has `error`, a doubtful one `warnings`.
 */
import type { LawComparison } from '../fit/compare/compare-laws.ts';
import type { Estimate, LawFit } from '../fit/types.ts';
import type { RunInfo } from '../ingest/types.ts';
import type { RunAnalysis } from './analyze.ts';
import type { Backtest } from './backtest.ts';
import type { EarlyForecast } from './early-fit.ts';
import type { RunForecast } from './forecast.ts';
import type { RunComparison } from './compare.ts';
import type { RunWarning } from './warnings.ts';

type Json = Record<string, unknown>;

/** An estimate as `{value, stderr, ci95}` (the interval at the estimate's level, 95% unless asked otherwise). */
export function estimateRecord(e: Estimate): { value: number; stderr: number; ci95: [number, number] } {
  return { value: e.value, stderr: e.stderr, ci95: e.ci };
}

/** Warnings as `{code, message}`. */
export function warningRecords(warnings: readonly RunWarning[]): { code: string; message: string }[] {
  return warnings.map(({ code, message }) => ({ code, message }));
}

/** The `meta` object of a run: model family, size (parameters), algorithm, data set (null where unknown) and where each came from. */
export function metaRecord(info: RunInfo): Json {
  return {
    model: info.model ?? null,
    size: info.size ?? null,
    algorithm: info.algorithm ?? null,
    dataset: info.dataset ?? null,
    from: info.metaFrom ?? {},
  };
}

/** A run as read: where from, which keys are H and R, how many points, what it is. */
export function ingestRecord(info: RunInfo): Json {
  return {
    run: info.id,
    source: info.source,
    format: info.format,
    points: info.points,
    entropy: info.entropyKey,
    metric: info.metric,
    metric_kind: info.metricKind,
    metric_keys: info.metricKeys,
    meta: metaRecord(info),
  };
}

/** A fit's numbers: law, parameters with their errors, intervals and covariance, and fit quality. */
export function fitRecord(fit: LawFit): Json {
  return {
    law: fit.law,
    formula: fit.formula,
    converged: fit.converged,
    params: fit.params,
    stderr: fit.stderr,
    ci95: fit.ci,
    covariance: fit.covariance,
    r2: fit.r2,
    rmse: fit.rmse,
  };
}

/**
 * The record of one analysed run (`fit --json`, and the base of `predict --json` and the report's data):
 * identity and keys, the points used, the law's fit and ceiling, and the warnings; `error` instead of the
 * numbers for a run that cannot be fit.
 */
export function runRecord(run: RunAnalysis): Json {
  const { info, selection, fit, ceiling } = run;
  const base: Json = {
    run: run.run,
    ...(info ? { source: info.source, format: info.format } : {}),
    n: selection.used,
    points: {
      total: selection.total,
      used: selection.used,
      burn_in: selection.burnIn,
      ...(selection.minStep !== undefined ? { min_step: selection.minStep } : {}),
      ...(selection.maxStep !== undefined ? { max_step: selection.maxStep } : {}),
    },
    ...(info ? { entropy: info.entropyKey, metric: info.metric, metric_kind: info.metricKind, metric_keys: info.metricKeys, meta: metaRecord(info) } : {}),
  };
  const warnings = warningRecords(run.warnings);
  if (!fit) return { ...base, law: run.law.name, error: run.error ?? 'no fit', warnings };
  return {
    ...base,
    ...fitRecord(fit),
    ...(ceiling ? { ceiling: estimateRecord(ceiling) } : {}),
    ...(run.bootstrap ? { bootstrap: run.bootstrap } : {}),
    warnings,
  };
}

/** The early-fit forecast of `predict --json` (under `forecast`). */
export function earlyRecord(f: EarlyForecast): Json {
  return {
    fraction: f.fraction,
    fit_points: f.fitPoints,
    burn_in: f.burnIn,
    points: f.points,
    params: f.fit.params,
    ...(f.ceiling ? { ceiling: estimateRecord(f.ceiling) } : {}),
    rmse: f.rmse,
    coverage90: f.coverage,
    final: f.final,
    held_out: f.heldOut.map((p) => ({ step: p.step, entropy: p.entropy, predicted: p.predicted, interval90: p.interval, actual: p.actual })),
    warnings: warningRecords(f.warnings),
  };
}

/** The `predict --json` record: the run record plus the early-fit forecast (or why there is none). */
export function predictRecord(run: RunAnalysis): Json {
  return { ...runRecord(run), forecast: run.early ? earlyRecord(run.early) : { error: run.earlyError ?? 'no forecast' } };
}

/**
 * The forecast in time (`forecast --json`, `watch --json`): run, at, predicted, interval90 (the interval at
 * the forecast's level, 90% by default), ceiling {value, stderr, ci95} (absent for a law without one),
 * headroom, steps_to_ceiling (null when out of reach, with a warning saying why) and warnings.
 */
export function forecastRecord(f: RunForecast): Json {
  return {
    run: f.run,
    at: f.at,
    predicted: f.predicted,
    interval90: f.interval,
    ...(f.ceiling ? { ceiling: estimateRecord(f.ceiling), headroom: f.headroom } : {}),
    steps_to_ceiling: f.stepsToCeiling,
    warnings: warningRecords(f.warnings),
  };
}

/** One row of a run's backtest in JSON. */
export interface BacktestRowRecord {
  fraction: number;
  fit_points: number;
  rmse: number | null;
  final_error: number | null;
  coverage90: number | null;
}

/**
 * A backtest (`backtest --json`): per run its rows as exactly {fraction, fit_points, rmse, final_error,
 * coverage90} (null where the cut could not be modelled, with `error`), its paper-protocol score
 * (`paper15`) and warnings; then the summary per fraction and per horizon. The coverage keys say 90
 * because that is the default level; they hold the coverage at the backtest's `confidence`.
 */
export function backtestRecord(b: Backtest): Json {
  return {
    law: b.law,
    mode: b.mode,
    confidence: b.confidence,
    runs: b.runs.map((r) => ({
      run: r.run,
      points: r.points,
      backtest: r.rows.map((x): BacktestRowRecord & { error?: string } => ({
        fraction: x.fraction,
        fit_points: x.fitPoints,
        rmse: x.rmse,
        final_error: x.finalError,
        coverage90: x.coverage,
        ...(x.error ? { error: x.error } : {}),
      })),
      paper15: { fit_points: r.paper.fitPoints, rmse: r.paper.rmse, final_error: r.paper.finalError, coverage90: r.paper.coverage },
      warnings: warningRecords(r.warnings),
    })),
    summary: {
      by_fraction: b.byFraction.map((f) => ({
        fraction: f.fraction,
        runs: f.runs,
        mean_rmse: f.meanRmse,
        median_rmse: f.medianRmse,
        mean_final_error: f.meanFinalError,
        coverage90: f.coverage,
      })),
      by_horizon: b.byHorizon.map((h) => ({ ahead_from: h.from, ahead_to: Number.isFinite(h.to) ? h.to : null, points: h.points, coverage90: h.coverage })),
      coverage90: b.coverage,
      paper15_mean_rmse: b.paperMeanRmse,
    },
  };
}

function comparisonRow(r: LawComparison): Json {
  return {
    law: r.law,
    formula: r.formula,
    k: r.k,
    n: r.n,
    converged: r.converged,
    ...(r.converged
      ? { ssr: r.ssr, aic: r.aic, aicc: r.aicc, bic: r.bic, delta_aic: r.deltaAic, akaike_weight: r.akaikeWeight, lfo_rmse: r.lfoRmse, lfo_points: r.lfoPoints, params: r.fit.params }
      : {}),
    ...(r.note ? { note: r.note } : {}),
  };
}

/** A law comparison on one run (`fit --law a,b --json`). */
export function comparisonRecord(c: RunComparison): Json {
  return { run: c.run, ...(c.error ? { error: c.error } : {}), laws: c.rows.map(comparisonRow) };
}
