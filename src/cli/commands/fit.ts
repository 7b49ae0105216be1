import type { Command } from 'commander';
import { analyzeDataset, type RunAnalysis } from '../../predict/analyze.ts';
import { num, pm, table } from '../format.ts';
import { fitJson } from '../json.ts';
import { readInputs, withInputFlags, type InputFlags } from '../options.ts';
import type { CliContext } from '../context.ts';

/** `entropy-law fit <paths...>`: fit R = −a·exp(H) + b per run and print a, b, the ceiling and fit quality. */
export function registerFit(program: Command, ctx: CliContext): void {
  withInputFlags(program.command('fit'))
    .description('fit R = −a·exp(H) + b to each run and print a, b and the ceiling b − a')
    .action(async (paths: string[], flags: InputFlags) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const runs = analyzeDataset(dataset);
      if (flags.json) ctx.out(JSON.stringify({ runs: runs.map(fitJson), warnings: ctx.warnings.list() }, null, 2));
      else ctx.out(fitTable(runs));
      ctx.requireSomeFit(runs);
    });
}

/** The human fit table, followed by the keys each run used. */
export function fitTable(runs: RunAnalysis[]): string {
  const rows = runs.map(({ info, fit, ceiling, error }) =>
    fit && ceiling
      ? [
          info.id,
          String(info.points),
          pm(fit.params.a, fit.stderr.a),
          pm(fit.params.b, fit.stderr.b),
          pm(ceiling.value, ceiling.stderr),
          `[${num(ceiling.ci[0])}, ${num(ceiling.ci[1])}]`,
          num(fit.r2, 3),
          num(fit.rmse),
        ]
      : [info.id, String(info.points), `no fit: ${error ?? 'unknown'}`, '', '', '', '', ''],
  );
  const header = ['run', 'n', 'a ± se', 'b ± se', 'ceiling b−a ± se', '95% CI', 'R²', 'RMSE'];
  return `${table(header, rows)}\n\n${keyLegend(runs)}`;
}

/** One line per run: which keys were H and R. */
export function keyLegend(runs: RunAnalysis[]): string {
  return runs.map(({ info }) => `${info.id}: H = ${info.entropyKey}, R = ${info.metric} (${info.metricKind})`).join('\n');
}
