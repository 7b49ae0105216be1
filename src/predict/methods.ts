/**
 * Training methods side by side: runs grouped by model size and method, seeds pooled, with what the paper
 * compares them by — where entropy starts and ends, the end relative to a baseline (GRPO), R at the end, and
 * how closely the step covariance Cov(log π, A) tracks the entropy change −ΔH.
 */
import { mean, sampleCorrelation, sampleStandardDeviation } from 'simple-statistics';
import { readKeySeries, type KeySeries } from '../ingest/key-series.ts';
import type { Dataset, RunInfo } from '../ingest/types.ts';
import type { Warnings } from '../util/warnings.ts';
import { usageError } from '../util/errors.ts';

/** The harness's step covariance (the paper's: per prompt group, length-normalised log π against A). */
export const COVARIANCE_KEY = 'actor/cov/group_mean';
/** The harness's entropy change of a step: the rollout's entropy after the step's updates minus before. */
export const ENTROPY_DELTA_KEY = 'actor/entropy_delta';

/** One run as `compareMethods` reads it. */
export interface MethodRun {
  info: Pick<RunInfo, 'id' | 'model' | 'size' | 'algorithm' | 'trainer'>;
  /** The rollout entropy at every step that logged it. */
  entropy: KeySeries;
  /** R at its steps. */
  metric: KeySeries;
  /** The step covariance, where logged. */
  covariance?: KeySeries;
  /** The entropy change of each step, where logged; without it, the change to the next step's rollout entropy. */
  entropyDelta?: KeySeries;
}

/** A mean over runs, with the sample standard deviation where there are two or more. */
export interface Spread {
  mean: number;
  sd?: number;
  n: number;
}

/** One method on one model size. */
export interface MethodSummary {
  model?: string;
  size?: number;
  method: string;
  runs: string[];
  /** The first logged rollout entropy. */
  entropyStart: Spread;
  /** The mean rollout entropy over the last `endFraction` of the run. */
  entropyEnd: Spread;
  /** `entropyEnd.mean` over the baseline's on the same model and size; absent without a baseline there. */
  entropyEndRatio?: number;
  /** The mean R over the last `endFraction` of the run. */
  metricEnd: Spread;
  /** Per run, the correlation over steps of the step covariance with −ΔH; absent where no run logs the covariance. */
  covarianceCorrelation?: Spread;
}

/** Options of `compareMethods`. */
export interface MethodsOptions {
  /** The method other methods' final entropy is measured against. Default: `grpo`. */
  baseline?: string;
  /** The fraction of the run, by steps, that "the end" averages over. Default: 0.1. */
  endFraction?: number;
}

/**
 * A run's method: its algorithm (a special policy loss, else the advantage estimator) with the setting that
 * defines it — Clip-Cov's r, KL-Cov's k and β — and `+clip-higher(ε_high)` when PPO's upper clip exceeds the
 * lower, `+entropy-bonus(c)` when the loss has an entropy coefficient. Runs of one method differ only in seed.
 *
 * @example
 * methodOf({ algorithm: 'grpo', trainer: { clipRatioLow: 0.2, clipRatioHigh: 0.28 } }) // => 'grpo+clip-higher(0.28)'
 * methodOf({ algorithm: 'kl-cov', trainer: { klCovRatio: 0.1, klCovCoef: 1 } }) // => 'kl-cov(k=0.1,β=1)'
 */
export function methodOf(run: Pick<RunInfo, 'algorithm' | 'trainer'>): string {
  const t = run.trainer ?? {};
  const settings = (pairs: Array<[string, number | undefined]>) => {
    const known = pairs.filter((p): p is [string, number] => p[1] !== undefined);
    return known.length ? `(${known.map(([k, v]) => `${k}${String(v)}`).join(',')})` : '';
  };
  let base = run.algorithm ?? 'unknown';
  if (base === 'clip-cov') base += settings([['r=', t.clipCovRatio]]);
  if (base === 'kl-cov') base += settings([['k=', t.klCovRatio], ['β=', t.klCovCoef]]);
  const parts = [base];
  if (t.clipRatioLow !== undefined && t.clipRatioHigh !== undefined && t.clipRatioHigh > t.clipRatioLow) parts.push(`clip-higher(${t.clipRatioHigh})`);
  if (t.entropyCoeff !== undefined && t.entropyCoeff > 0) parts.push(`entropy-bonus(${t.entropyCoeff})`);
  return parts.join('+');
}

/** The mean of the values at steps in the last `fraction` of the series' step span. */
export function endMean(series: KeySeries, fraction: number): number {
  const n = series.step.length;
  const first = series.step[0], last = series.step[n - 1];
  const from = last - fraction * (last - first);
  const tail: number[] = [];
  for (let i = 0; i < n; i++) if (series.step[i] >= from) tail.push(series.value[i]);
  return mean(tail);
}

/**
 * The correlation over steps of the step covariance with −ΔH: with `delta` logged, pairs at the same step;
 * else ΔH at step t is the next logged rollout entropy minus step t's. `undefined` with fewer than three
 * pairs or a constant side.
 */
export function covarianceCorrelation(covariance: KeySeries, entropy: KeySeries, delta?: KeySeries): number | undefined {
  const drop = new Map<number, number>();
  if (delta) for (let i = 0; i < delta.step.length; i++) drop.set(delta.step[i], -delta.value[i]);
  else for (let i = 0; i + 1 < entropy.step.length; i++) drop.set(entropy.step[i], entropy.value[i] - entropy.value[i + 1]);
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < covariance.step.length; i++) {
    const y = drop.get(covariance.step[i]);
    if (y === undefined) continue;
    xs.push(covariance.value[i]);
    ys.push(y);
  }
  if (xs.length < 3) return undefined;
  const r = sampleCorrelation(xs, ys);
  return Number.isFinite(r) ? r : undefined;
}

function spread(values: number[]): Spread {
  return values.length >= 2 ? { mean: mean(values), sd: sampleStandardDeviation(values), n: values.length } : { mean: values[0], n: values.length };
}

/**
 * Groups `runs` by model, size and method (`methodOf`) and summarises each group. Groups come by size, the
 * baseline first within a size, then in the order their first run came. Runs with an empty entropy or R
 * series are left out (the caller reads them with `ingest`, which keeps only runs with points).
 *
 * @throws UsageError for an `endFraction` outside (0, 1].
 */
export function compareMethods(runs: readonly MethodRun[], options: MethodsOptions = {}): MethodSummary[] {
  const { baseline = 'grpo', endFraction = 0.1 } = options;
  if (!(endFraction > 0 && endFraction <= 1)) usageError(`invalid endFraction: ${endFraction} (expected a fraction in (0, 1])`);
  const groups = new Map<string, MethodRun[]>();
  for (const run of runs) {
    if (run.entropy.step.length === 0 || run.metric.step.length === 0) continue;
    const key = JSON.stringify([run.info.model ?? null, run.info.size ?? null, methodOf(run.info)]);
    const group = groups.get(key);
    if (group) group.push(run);
    else groups.set(key, [run]);
  }
  const summaries = [...groups.values()].map((group): MethodSummary => {
    const { model, size } = group[0].info;
    const correlations = group.flatMap((r) => {
      const c = r.covariance && covarianceCorrelation(r.covariance, r.entropy, r.entropyDelta);
      return c === undefined ? [] : [c];
    });
    return {
      ...(model !== undefined ? { model } : {}),
      ...(size !== undefined ? { size } : {}),
      method: methodOf(group[0].info),
      runs: group.map((r) => r.info.id),
      entropyStart: spread(group.map((r) => r.entropy.value[0])),
      entropyEnd: spread(group.map((r) => endMean(r.entropy, endFraction))),
      metricEnd: spread(group.map((r) => endMean(r.metric, endFraction))),
      ...(correlations.length > 0 ? { covarianceCorrelation: spread(correlations) } : {}),
    };
  });
  const sameModel = (s: MethodSummary, t: MethodSummary) => s.model === t.model && s.size === t.size;
  for (const s of summaries) {
    const base = summaries.find((t) => t.method === baseline && sameModel(s, t));
    if (base && base.entropyEnd.mean > 0) s.entropyEndRatio = s.entropyEnd.mean / base.entropyEnd.mean;
  }
  const order = new Map(summaries.map((s, i) => [s, i]));
  return summaries.sort((s, t) => (s.size ?? Infinity) - (t.size ?? Infinity) || Number(t.method === baseline) - Number(s.method === baseline) || order.get(s)! - order.get(t)!);
}

/** Options of `readMethodRuns`: the keys of the mechanism's series. */
export interface MethodKeys {
  /** Default: `COVARIANCE_KEY`. */
  covariance?: string;
  /** Default: `ENTROPY_DELTA_KEY`. */
  entropyDelta?: string;
}

/**
 * The runs of `dataset` as `compareMethods` reads them: each log is read again for its rollout entropy at
 * every step and, where logged, the step covariance and the entropy change; R comes from the dataset.
 *
 * @example
 * compareMethods(await readMethodRuns(await ingest(['data/'])))
 */
export async function readMethodRuns(dataset: Dataset, keys: MethodKeys = {}, warnings?: Warnings): Promise<MethodRun[]> {
  const { covariance = COVARIANCE_KEY, entropyDelta = ENTROPY_DELTA_KEY } = keys;
  const out: MethodRun[] = [];
  for (let i = 0; i < dataset.runs.length; i++) {
    const info = dataset.runs[i], points = dataset.series[i];
    const read = await readKeySeries({ id: info.id, source: info.source }, [info.entropyKey, covariance, entropyDelta], warnings);
    const entropy = read.get(info.entropyKey) ?? { step: points.step, value: points.entropy };
    const cov = read.get(covariance), delta = read.get(entropyDelta);
    out.push({ info, entropy, metric: { step: points.step, value: points.metric }, ...(cov ? { covariance: cov } : {}), ...(delta ? { entropyDelta: delta } : {}) });
  }
  return out;
}
