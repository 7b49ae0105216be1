/**
 * Synthetic report input for the report tests: runs that follow R = −a·exp(H) + b with a small
 * deterministic wobble, fitted here by ordinary least squares in X = exp(H) (the report only draws fits).
 */
import type { RunInfo, RunSeries } from '../../src/ingest/types.ts';
import { entropyExp } from '../../src/fit/laws/entropy-exp.ts';
import type { Estimate, LawFit } from '../../src/fit/types.ts';
import type { ReportRun } from '../../src/report/index.ts';
import { ceilingConvergence } from '../../src/predict/ceiling-convergence.ts';

/** OLS of R on exp(H) with the usual standard errors; 95% intervals with a normal quantile (display only). */
export function olsFit(entropy: ArrayLike<number>, metric: ArrayLike<number>): { fit: LawFit; ceiling: Estimate } {
  const n = entropy.length;
  const x = Array.from(entropy, Math.exp);
  const y = Array.from(metric);
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const slope = sxy / sxx;
  const a = -slope;
  const b = my - slope * mx;
  let ssr = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    ssr += (y[i] - (b - a * x[i])) ** 2;
    sst += (y[i] - my) ** 2;
  }
  const dof = n - 2;
  const sigma = Math.sqrt(ssr / dof);
  const varA = sigma ** 2 / sxx;
  const varB = sigma ** 2 * (1 / n + mx ** 2 / sxx);
  const cov = (sigma ** 2 * mx) / sxx; // cov(a, b) = −cov(slope, b) = σ²·mean(x)/Sxx
  const z = 1.96;
  const se = { a: Math.sqrt(varA), b: Math.sqrt(varB) };
  const fit: LawFit = {
    law: 'entropy-exp',
    formula: entropyExp.formula,
    paramNames: ['a', 'b'],
    values: [a, b],
    params: { a, b },
    stderr: se,
    covariance: [
      [varA, cov],
      [cov, varB],
    ],
    ci: { a: [a - z * se.a, a + z * se.a], b: [b - z * se.b, b + z * se.b] },
    confidence: 0.95,
    n,
    dof,
    ssr,
    chiSquareReduced: sigma ** 2,
    r2: 1 - ssr / sst,
    rmse: Math.sqrt(ssr / n),
    sigma,
    converged: true,
    reason: 'exact linear least squares',
    iterations: 0,
    evaluations: 1,
    startsTried: 1,
    atBound: [],
    warnings: [],
  };
  const cse = Math.sqrt(varA + varB - 2 * cov);
  const value = b - a;
  return { fit, ceiling: { value, stderr: cse, ci: [value - z * cse, value + z * cse], confidence: 0.95 } };
}

/** Options of `syntheticRun`. */
export interface SyntheticOptions {
  /** Law parameters. Defaults a = 0.15, b = 0.75 (ceiling 0.6). */
  a?: number;
  b?: number;
  /** Number of points. Default 40. */
  n?: number;
  /** Entropy at step 0, decaying towards 0.05. Default 1.0. */
  h0?: number;
  /** Leave the run unfitted with this error message. */
  error?: string;
  /** Add an early-fit forecast on the first 30% of the points. */
  forecast?: boolean;
  source?: string;
  metric?: string;
  /** Leading points the fit left out as burn-in (their R is lowered by 0.2, as format learning does). */
  burnIn?: number;
  /** What the run is (model family, size, algorithm). */
  meta?: Pick<RunInfo, 'model' | 'size' | 'algorithm' | 'dataset'>;
  /** Also its ceiling convergence (`ceilingConvergence`, the library's, on these points). */
  convergence?: boolean;
}

/** A run whose points follow the law, fitted by `olsFit`. */
export function syntheticRun(id: string, options: SyntheticOptions = {}): ReportRun {
  const { a = 0.15, b = 0.75, n = 40, h0 = 1.0, error, forecast = false, source = `/logs/${id}.jsonl`, metric = 'val/acc', burnIn = 0, meta = {}, convergence = false } = options;
  const step = new Float64Array(n);
  const entropy = new Float64Array(n);
  const metricValues = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    step[i] = 4 * i;
    entropy[i] = 0.05 + (h0 - 0.05) * Math.exp(-i / (n / 4));
    metricValues[i] = -a * Math.exp(entropy[i]) + b + 0.01 * Math.sin(1.7 * i + id.length) - (i < burnIn ? 0.2 : 0);
  }
  const info: RunInfo = {
    id,
    source,
    format: 'jsonl',
    entropyKey: 'actor/entropy',
    metric,
    metricKeys: [metric],
    metricKind: 'validation',
    points: n,
    ...meta,
  };
  const series: RunSeries = { run: id, step, entropy, metric: metricValues };
  const used: RunSeries = { run: id, step: step.subarray(burnIn), entropy: entropy.subarray(burnIn), metric: metricValues.subarray(burnIn) };
  const base = {
    run: id,
    info,
    series,
    used,
    selection: burnIn > 0 ? { total: n, from: 0, to: n, burnIn, used: n - burnIn, rule: 'count' as const } : { total: n, from: 0, to: n, burnIn: 0, used: n, rule: 'none' as const },
    law: entropyExp,
    variables: ['H' as const],
    fitOptions: {},
    warnings: [],
  };
  if (error) return { ...base, fit: null, ceiling: null, error };
  const { fit, ceiling } = olsFit(used.entropy, used.metric);
  const run: ReportRun = { ...base, fit, ceiling };
  if (convergence) run.convergence = ceilingConvergence(run);
  if (forecast) {
    const k = Math.max(3, Math.round(0.3 * n));
    const early = olsFit(entropy.subarray(burnIn, k), metricValues.subarray(burnIn, k)).fit;
    const heldOut = [];
    for (let i = k; i < n; i++) {
      const predicted = -early.params.a * Math.exp(entropy[i]) + early.params.b;
      heldOut.push({ step: step[i], entropy: entropy[i], predicted, interval: [predicted - 0.02, predicted + 0.02] as [number, number], actual: metricValues[i] });
    }
    const rmse = Math.sqrt(heldOut.reduce((s, p) => s + (p.predicted - p.actual) ** 2, 0) / heldOut.length);
    const last = heldOut[heldOut.length - 1];
    run.early = {
      fraction: 0.3,
      fitPoints: k,
      burnIn,
      points: n,
      fit: early,
      ceiling: null,
      confidence: 0.9,
      heldOut,
      rmse,
      coverage: null,
      final: { step: last.step, predicted: last.predicted, actual: last.actual },
      warnings: [],
    };
  }
  return run;
}

/** Names that would run script if they reached markup or script source unescaped. */
export const HOSTILE_IDS = ['<img src=x onerror=alert(1)>', '</script><script>alert(1)</script>'];
