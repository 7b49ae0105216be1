import { Option, type Command } from 'commander';
import { acrossRuns, analyzeDataset, fixed, modelSize, parseModelSize, UsageError, type AcrossResult, type GroupBy, type LogLinearFit } from '../../index.ts';
import type { CliContext } from '../context.ts';
import { table } from '../format.ts';
import { analyzeOptions, readInputs, withFitFlags, withInputFlags, type FitFlags, type InputFlags } from '../options.ts';

interface AcrossFlags extends InputFlags, FitFlags {
  shared?: string[];
  groupBy: GroupBy;
  predictSize?: number;
}

/**
 * `entropy-law across <paths...>`: the paper's cross-run claims as tests: do runs of one model share a and b
 * across algorithms (pooled versus separate fits, F-test), and how do a and b scale with model size?
 */
export function registerAcross(program: Command, ctx: CliContext): void {
  withFitFlags(withInputFlags(program.command('across')), 'the law to pool')
    .description('cross-run tests: one curve across algorithms (F-test), and a, b against ln(model size)')
    .option('--shared <params>', 'parameters the pooled model shares (default: all)', (v: string) => v.split(',').map((s) => s.trim()))
    .addOption(new Option('--group-by <key>', 'which runs should share a curve').choices(['model', 'dataset', 'none']).default('model'))
    .option('--predict-size <size>', 'predict a, b and the ceiling for a model of this size (e.g. 72B)', parseSize)
    .action(async (paths: string[], flags: AcrossFlags) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const runs = analyzeDataset(dataset, analyzeOptions(flags));
      const result = acrossRuns(runs, { groupBy: flags.groupBy, shared: flags.shared, predictSize: flags.predictSize });
      if (flags.json) {
        const pooled = result.pooled.map(({ group, runs: ids, test, error }) =>
          test
            ? { group, runs: ids, shared: test.shared, f: test.f, p_value: test.pValue, ssr_pooled: test.ssrPooled, ssr_separate: test.ssrSeparate, dof_pooled: test.dofPooled, dof_separate: test.dofSeparate, pooled_params: test.pooled.params }
            : { group, runs: ids, error },
        );
        ctx.out(JSON.stringify({ pooled, scaling: result.scaling, predictions: result.predictions, warnings: ctx.warnings.list() }, null, 2));
        return;
      }
      ctx.out(acrossText(result));
    });
}

function acrossText({ pooled, scaling, predictions }: AcrossResult): string {
  const parts: string[] = [];
  const rows = pooled.map(({ group, runs, test, error }) =>
    test
      ? [group, String(runs.length), test.shared.join(','), fixed(test.f, 3), test.pValue < 1e-4 ? test.pValue.toExponential(1) : fixed(test.pValue, 4), test.pValue < 0.05 ? 'separate curves' : 'one curve is consistent']
      : [group, String(runs.length), `no test: ${error}`, '', '', ''],
  );
  parts.push(rows.length ? `pooled versus separate fits (F-test)\n${table(['group', 'runs', 'shared', 'F', 'p', 'verdict at 5%'], rows)}` : 'pooled versus separate fits: no group has 2 or more runs (see --group-by)');
  const line = (name: string, f: LogLinearFit) => [name, `${fixed(f.intercept)} ± ${fixed(f.stderr.intercept)}`, `${fixed(f.slope)} ± ${fixed(f.stderr.slope)}`, `[${fixed(f.ci.slope[0])}, ${fixed(f.ci.slope[1])}]`];
  for (const { model, runs, fits, error } of scaling) {
    if (!fits) {
      parts.push(`coefficient scaling, ${model}: ${error}`);
      continue;
    }
    parts.push(`coefficient scaling, ${model}: a and b against ln(size in billions), ${runs.length} runs\n${table(['coefficient', 'intercept ± se', 'slope ± se', 'slope 95% CI'], [line('a', fits.a), line('b', fits.b)])}`);
  }
  if (scaling.length === 0) parts.push('coefficient scaling: no run has a known model family and size (give --model and --size, a manifest, or names like qwen2.5-7b)');
  for (const { model, size, a, b, ceiling } of predictions) {
    parts.push(
      `predicted for ${model} ${modelSize(size)}: a = ${fixed(a.value)} (95% prediction ${fixed(a.predictionInterval[0])}–${fixed(a.predictionInterval[1])}), ` +
        `b = ${fixed(b.value)} (95% prediction ${fixed(b.predictionInterval[0])}–${fixed(b.predictionInterval[1])}), ceiling b − a ≈ ${fixed(ceiling)}`,
    );
  }
  return parts.join('\n\n');
}

/** `--predict-size`: a model size such as 72B, 500M or a number of parameters. */
export function parseSize(value: string): number {
  const size = parseModelSize(value) ?? Number(value);
  if (!(size > 0)) throw new UsageError(`invalid model size: ${value} (expected e.g. 72B, 500M or a number of parameters)`);
  return size;
}
