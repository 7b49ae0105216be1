import { Option, type Command } from 'commander';
import { pooledVsSeparate, type PooledTest } from '../../fit/compare/pooled.ts';
import { coefficientScaling, predictLogLinear, type LogLinearFit, type LogLinearPrediction } from '../../fit/compare/scaling.ts';
import { fitEntropyLaw } from '../../fit/entropy-law.ts';
import { maybeLaw } from '../../fit/laws/index.ts';
import { parseModelSize } from '../../ingest/meta/resolve.ts';
import type { Dataset, RunInfo } from '../../ingest/types.ts';
import { InputError, UsageError } from '../../util/errors.ts';
import type { CliContext } from '../context.ts';
import { num, table } from '../format.ts';
import { readInputs, withInputFlags, type InputFlags } from '../options.ts';

type GroupBy = 'model' | 'dataset' | 'none';

interface AcrossFlags extends InputFlags {
  law: string;
  shared?: string[];
  groupBy: GroupBy;
  predictSize?: number;
}

/** One group's pooled-versus-separate test (or why it could not be made). */
interface GroupTest {
  group: string;
  runs: string[];
  test?: PooledTest;
  error?: string;
}

/** Groups runs that should share a curve: the same model and size (the paper: a, b depend on the model). */
export function groupRuns(runs: RunInfo[], by: GroupBy): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  runs.forEach((r, i) => {
    const key = by === 'none' ? 'all runs' : by === 'dataset' ? (r.dataset ?? 'unknown dataset') : `${r.model ?? 'unknown model'}${r.size ? ` ${r.size / 1e9}B` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return groups;
}

/** Pooled versus separate fits per group, with the F-test (are a and b shared across algorithms?). */
export function poolingTests(dataset: Dataset, law: string, by: GroupBy, shared?: string[]): GroupTest[] {
  const resolved = maybeLaw(law, ['H']);
  const tests: GroupTest[] = [];
  for (const [group, members] of groupRuns(dataset.runs, by)) {
    const runs = members.map((i) => dataset.runs[i].id);
    if (members.length < 2) continue;
    try {
      const data = members.map((i) => ({ columns: [dataset.series[i].entropy], y: dataset.series[i].metric }));
      tests.push({ group, runs, test: pooledVsSeparate(resolved, data, { shared }) });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      tests.push({ group, runs, error: error.message });
    }
  }
  return tests;
}

/** One model family's coefficient scaling (or why it could not be fitted). */
interface FamilyScaling {
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

/**
 * a and b against ln(model size in billions), per model family (the paper fits one family's sizes), over
 * the runs whose size is known. A family needs fitted runs of at least 3 sizes.
 */
export function scalingFits(dataset: Dataset): FamilyScaling[] {
  const families = new Map<string, { run: string; size: number; fit: ReturnType<typeof fitEntropyLaw> }[]>();
  dataset.runs.forEach((info, i) => {
    if (!info.size) return;
    try {
      const fit = fitEntropyLaw(dataset.series[i].entropy, dataset.series[i].metric);
      const model = info.model ?? 'unknown model';
      families.set(model, [...(families.get(model) ?? []), { run: info.id, size: info.size / 1e9, fit }]);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
    }
  });
  return [...families].map(([model, sized]) => {
    const runs = sized.map(({ run, size }) => ({ run, size }));
    const sizes = new Set(sized.map((s) => s.size)).size;
    if (sizes < 3) return { model, runs, error: `needs fitted runs of at least 3 model sizes (has ${sizes})` };
    const median = (xs: number[]) => xs.sort((p, q) => p - q)[Math.floor((xs.length - 1) / 2)];
    const typicalStderr = { a: median(sized.map((s) => s.fit.stderr.a)), b: median(sized.map((s) => s.fit.stderr.b)) };
    return { model, runs, fits: coefficientScaling(sized), typicalStderr };
  });
}

/**
 * `entropy-law across <paths...>`: the paper's cross-run claims as tests: do runs of one model share a and b
 * across algorithms (pooled versus separate fits, F-test), and how do a and b scale with model size?
 */
export function registerAcross(program: Command, ctx: CliContext): void {
  withInputFlags(program.command('across'))
    .description('cross-run tests: one curve across algorithms (F-test), and a, b against ln(model size)')
    .option('--law <law>', 'the law to pool', 'entropy-exp')
    .option('--shared <params>', 'parameters the pooled model shares (default: all)', (v: string) => v.split(',').map((s) => s.trim()))
    .addOption(new Option('--group-by <key>', 'which runs should share a curve').choices(['model', 'dataset', 'none']).default('model'))
    .option('--predict-size <size>', 'predict a, b and the ceiling for a model of this size (e.g. 72B)', parseSize)
    .action(async (paths: string[], flags: AcrossFlags) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const pooling = poolingTests(dataset, flags.law, flags.groupBy, flags.shared);
      const scaling = scalingFits(dataset);
      const size = flags.predictSize;
      const predictions = size
        ? scaling.flatMap(({ model, fits, typicalStderr: se }) =>
            fits && se ? [{ model, size, a: predictLogLinear(fits.a, size / 1e9, se.a), b: predictLogLinear(fits.b, size / 1e9, se.b) }] : [],
          )
        : [];
      if (flags.json) {
        const pooled = pooling.map(({ group, runs, test, error }) =>
          test ? { group, runs, shared: test.shared, f: test.f, p_value: test.pValue, ssr_pooled: test.ssrPooled, ssr_separate: test.ssrSeparate, dof_pooled: test.dofPooled, dof_separate: test.dofSeparate, pooled_params: test.pooled.params } : { group, runs, error },
        );
        ctx.out(JSON.stringify({ pooled, scaling, predictions, warnings: ctx.warnings.list() }, null, 2));
        return;
      }
      ctx.out(acrossText(pooling, scaling, predictions));
    });
}

type Prediction = { model: string; size: number; a: LogLinearPrediction; b: LogLinearPrediction };

function acrossText(pooling: GroupTest[], scaling: FamilyScaling[], predictions: Prediction[]): string {
  const parts: string[] = [];
  const rows = pooling.map(({ group, runs, test, error }) =>
    test
      ? [group, String(runs.length), test.shared.join(','), num(test.f, 3), test.pValue < 1e-4 ? test.pValue.toExponential(1) : num(test.pValue, 4), test.pValue < 0.05 ? 'separate curves' : 'one curve is consistent']
      : [group, String(runs.length), `no test: ${error}`, '', '', ''],
  );
  parts.push(rows.length ? `pooled versus separate fits (F-test)\n${table(['group', 'runs', 'shared', 'F', 'p', 'verdict at 5%'], rows)}` : 'pooled versus separate fits: no group has 2 or more runs (see --group-by)');
  const line = (name: string, f: LogLinearFit) => [name, `${num(f.intercept)} ± ${num(f.stderr.intercept)}`, `${num(f.slope)} ± ${num(f.stderr.slope)}`, `[${num(f.ci.slope[0])}, ${num(f.ci.slope[1])}]`];
  for (const { model, runs, fits, error } of scaling) {
    if (!fits) {
      parts.push(`coefficient scaling, ${model}: ${error}`);
      continue;
    }
    parts.push(`coefficient scaling, ${model}: a and b against ln(size in billions), ${runs.length} runs\n${table(['coefficient', 'intercept ± se', 'slope ± se', 'slope 95% CI'], [line('a', fits.a), line('b', fits.b)])}`);
  }
  if (scaling.length === 0) parts.push('coefficient scaling: no run has a known model size (give --size, a manifest, or names like qwen2.5-7b)');
  for (const { model, size, a, b } of predictions) {
    parts.push(
      `predicted for ${model} ${size / 1e9}B: a = ${num(a.value)} (95% prediction ${num(a.predictionInterval[0])}–${num(a.predictionInterval[1])}), ` +
        `b = ${num(b.value)} (95% prediction ${num(b.predictionInterval[0])}–${num(b.predictionInterval[1])}), ceiling b − a ≈ ${num(b.value - a.value)}`,
    );
  }
  return parts.join('\n\n');
}

function parseSize(value: string): number {
  const size = parseModelSize(value) ?? Number(value);
  if (!(size > 0)) throw new UsageError(`invalid model size: ${value} (expected e.g. 72B, 500M or a number of parameters)`);
  return size;
}
