import type { RunAnalysis } from '../predict/analyze.ts';
import type { RunInfo } from '../ingest/types.ts';

/** The `meta` object of a run's JSON record: model family, size (parameters), algorithm, data set (null where unknown) and where each came from. */
export function metaJson(info: RunInfo): Record<string, unknown> {
  return {
    model: info.model ?? null,
    size: info.size ?? null,
    algorithm: info.algorithm ?? null,
    dataset: info.dataset ?? null,
    from: info.metaFrom ?? {},
  };
}

/** The `fit --json` record of one run (documented in README). */
export function fitJson(run: RunAnalysis): Record<string, unknown> {
  const { info, fit, ceiling } = run;
  const base = { run: info.id, source: info.source, format: info.format, n: info.points, metric: info.metric, entropy: info.entropyKey, meta: metaJson(info) };
  if (!fit || !ceiling) return { ...base, law: 'entropy-exp', error: run.error ?? 'no fit' };
  return {
    ...base,
    law: fit.law,
    params: { a: fit.params.a, b: fit.params.b },
    stderr: { a: fit.stderr.a, b: fit.stderr.b },
    covariance: fit.covariance,
    ci95: fit.confidence === 0.95 ? fit.ci : undefined,
    ceiling: { value: ceiling.value, stderr: ceiling.stderr, ci95: ceiling.ci },
    r2: fit.r2,
    rmse: fit.rmse,
    metric_kind: info.metricKind,
    metric_keys: info.metricKeys,
  };
}

/** The `predict --json` record: the fit record plus the early-fit forecast. */
export function predictJson(run: RunAnalysis): Record<string, unknown> {
  const f = run.forecast;
  const forecast = f
    ? {
        fraction: f.fraction,
        fit_points: f.fitPoints,
        points: f.points,
        params: f.fit.params,
        ceiling: f.fit.params.b - f.fit.params.a,
        rmse: f.rmse,
        final: f.final,
        held_out: f.heldOut,
      }
    : { error: run.forecastError ?? 'no forecast' };
  return { ...fitJson(run), forecast };
}
