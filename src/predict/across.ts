/**
 * The paper's claims across runs, as tests on analysed runs: do runs of one model share the law's
 * parameters across algorithms (pooled versus separate fits, F-test), and how do a and b scale with model
 * size (log-linear per family, with a prediction for a larger model)? Both use each run's analysis (the
 * same points and law as every other command), never a fit of their own.
 */
import { median } from 'simple-statistics';
import { modelSize } from '../util/format.ts';
import { pooledVsSeparate, type PooledTest } from '../fit/compare/pooled.ts';
import { coefficientScaling, predictLogLinear, type LogLinearFit, type LogLinearPrediction } from '../fit/compare/scaling.ts';
import { InputError } from '../util/errors.ts';
import type { RunAnalysis } from './analyze.ts';
import { runColumns } from './run-fit.ts';

/** Which runs should share a curve. */
export type GroupBy = 'model' | 'dataset' | 'none';

/** One group's pooled-versus-separate test, or why there is none. */
export interface GroupTest {
  group: string;
  runs: string[];
  test?: PooledTest;
  error?: string;
}

/** One model family's coefficient scaling, or why it could not be fitted. */
export interface FamilyScaling {
  model: string;
  runs: { run: string; size: number }[];
  fits?: Record<string, LogLinearFit>;
  /**
   * Median standard error of each coefficient over the family's runs: the fits weight runs by 1/se², so a
   * new model's prediction interval needs the se its own fit would have; the median is the typical one.
   */
  typicalStderr?: Record<string, number>;
  error?: string;
}

/** a, b and the ceiling predicted for one family at a new size. */
export interface SizePrediction {
  model: string;
  /** Parameters. */
  size: number;
  a: LogLinearPrediction;
  b: LogLinearPrediction;
  /** b − a at that size. */
  ceiling: number;
}

/** Everything `acrossRuns` finds. */
export interface AcrossResult {
  groupBy: GroupBy;
  pooled: GroupTest[];
  scaling: FamilyScaling[];
  predictions: SizePrediction[];
}

/** Options for `acrossRuns`. */
export interface AcrossOptions {
  /** Which runs should share a curve. Defaults to 'model' (family and size: the paper's a and b depend on the model). */
  groupBy?: GroupBy;
  /** Parameters the pooled model shares (default: all of the law's). */
  shared?: readonly string[];
  /** Predict a, b and the ceiling for a model of this many parameters, per family. */
  predictSize?: number;
}

const UNKNOWN = 'unknown';

/** The group a run belongs to, or null when what it would be grouped by is unknown. */
function groupKey(run: RunAnalysis, by: GroupBy): string | null {
  if (by === 'none') return 'all runs';
  const info = run.info;
  if (by === 'dataset') return info?.dataset ?? null;
  if (!info?.model || !info.size) return null;
  return `${info.model} ${modelSize(info.size)}`;
}

/**
 * Runs grouped by what should make them share a curve: model family and size (default) or data set, or
 * all together. Runs whose model (or size, or data set) is unknown are never pooled with each other:
 * they go under `unknown`, which `poolingTests` reports without a test.
 * @example groupRuns(analyses, 'model') // => Map { 'qwen2.5 7B' => [0, 2], … }
 */
export function groupRuns(runs: readonly RunAnalysis[], by: GroupBy): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  runs.forEach((r, i) => {
    const key = groupKey(r, by) ?? UNKNOWN;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return groups;
}

/**
 * Pooled versus separate fits per group of two or more fitted runs, with the F-test (are the parameters
 * shared across algorithms?), on each run's used points with its law. A group of runs whose model is
 * unknown gets no test, with the reason.
 */
export function poolingTests(runs: readonly RunAnalysis[], by: GroupBy = 'model', shared?: readonly string[]): GroupTest[] {
  const tests: GroupTest[] = [];
  for (const [group, members] of groupRuns(runs, by)) {
    const fitted = members.map((i) => runs[i]).filter((r) => r.fit);
    const ids = fitted.map((r) => r.run);
    if (group === UNKNOWN) {
      if (members.length >= 2) {
        const what = by === 'dataset' ? 'data set' : 'model and size';
        tests.push({ group, runs: members.map((i) => runs[i].run), error: `${what} unknown: such runs are not pooled with each other (give --model and --size, a manifest, or names like qwen2.5-7b-grpo)` });
      }
      continue;
    }
    if (fitted.length < 2) continue;
    const law = fitted[0].law;
    if (fitted.some((r) => r.law.name !== law.name)) {
      tests.push({ group, runs: ids, error: 'the runs were fitted with different laws' });
      continue;
    }
    try {
      const data = fitted.map((r) => ({ columns: runColumns(r.used, r.variables), y: r.used.metric }));
      tests.push({ group, runs: ids, test: pooledVsSeparate(law, data, { shared, ...fitted[0].fitOptions }) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      tests.push({ group, runs: ids, error: error.message });
    }
  }
  return tests;
}

/**
 * a and b against ln(model size in billions), per model family (the paper fits one family's sizes), over
 * the fitted runs of the paper's law whose family and size are known. A family needs runs of at least 3 sizes.
 */
export function scalingFits(runs: readonly RunAnalysis[]): FamilyScaling[] {
  const families = new Map<string, { run: string; size: number; fit: NonNullable<RunAnalysis['fit']> }[]>();
  for (const r of runs) {
    const { info, fit } = r;
    if (!fit || !info?.size || !info.model || !('a' in fit.params && 'b' in fit.params)) continue;
    families.set(info.model, [...(families.get(info.model) ?? []), { run: r.run, size: info.size / 1e9, fit }]);
  }
  return [...families].map(([model, sized]) => {
    const members = sized.map(({ run, size }) => ({ run, size }));
    const sizes = new Set(sized.map((s) => s.size)).size;
    if (sizes < 3) return { model, runs: members, error: `needs fitted runs of at least 3 model sizes (has ${sizes})` };
    const typicalStderr = { a: median(sized.map((s) => s.fit.stderr.a)), b: median(sized.map((s) => s.fit.stderr.b)) };
    try {
      return { model, runs: members, fits: coefficientScaling(sized), typicalStderr };
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return { model, runs: members, error: error.message };
    }
  });
}

/**
 * The cross-run tests of the paper on analysed runs: pooling per group and scaling per family, with a
 * prediction at `predictSize` for every family whose scaling could be fitted.
 * @example acrossRuns(analyzeDataset(data), { predictSize: 72e9 }).predictions[0].ceiling // => 0.9…
 */
export function acrossRuns(runs: readonly RunAnalysis[], options: AcrossOptions = {}): AcrossResult {
  const { groupBy = 'model', shared, predictSize } = options;
  const pooled = poolingTests(runs, groupBy, shared);
  const scaling = scalingFits(runs);
  const predictions: SizePrediction[] = [];
  if (predictSize) {
    for (const { model, fits, typicalStderr: se } of scaling) {
      if (!fits || !se) continue;
      const a = predictLogLinear(fits.a, predictSize / 1e9, se.a);
      const b = predictLogLinear(fits.b, predictSize / 1e9, se.b);
      predictions.push({ model, size: predictSize, a, b, ceiling: b.value - a.value });
    }
  }
  return { groupBy, pooled, scaling, predictions };
}
