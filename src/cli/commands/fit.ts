import type { Command } from 'commander';
import { analyzeDataset, type RunAnalysis } from '../../predict/analyze.ts';
import { num, pm, table } from '../format.ts';
import { formatRunMeta } from '../../ingest/meta/resolve.ts';
import { fitJson } from '../json.ts';
import { numberFlag, readInputs, seedOption, withInputFlags, type InputFlags } from '../options.ts';
import type { CliContext } from '../context.ts';
import { parseStart } from '../../fit/fit-columns.ts';
import { compareLawsOnRuns, comparisonJson, comparisonTable, fitLawToRuns, lawFitJson, lawFitTable, parseLawList, type LawFlags } from './fit-laws.ts';

/** `entropy-law fit <paths...>`: fit R = −a·exp(H) + b per run and print a, b, the ceiling and fit quality. */
export function registerFit(program: Command, ctx: CliContext): void {
  withInputFlags(program.command('fit'))
    .description('fit R = −a·exp(H) + b (or another law) to each run and print the parameters and the ceiling')
    .option('--law <law>', 'entropy-exp (default, exact), entropy-linear, entropy-exp3, power, scalerl-sigmoid, an expression such as "b - a*exp(c*H)" over H, R, step, C; a comma-separated list or "all" compares laws')
    .option('--x <column>', 'column for a built-in law\'s variable (H for entropy laws; C = step for power and scalerl-sigmoid)')
    .option('--start <values>', 'starting values, e.g. a=0.1,b=0.5', parseStart)
    .option('--robust', 'Huber loss by iteratively reweighted least squares, for outlying validation points')
    .option('--bootstrap <n>', 'seeded bootstrap intervals with n resamples', numberFlag('bootstrap', (x) => Number.isInteger(x) && x >= 10, 'an integer ≥ 10'))
    .addOption(seedOption())
    .action(async (paths: string[], flags: InputFlags & LawFlags) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const laws = flags.law === undefined ? ['entropy-exp'] : parseLawList(flags.law);
      if (laws.length > 1) {
        const results = compareLawsOnRuns(dataset, laws, flags);
        ctx.out(flags.json ? JSON.stringify({ runs: comparisonJson(results), warnings: ctx.warnings.list() }, null, 2) : comparisonTable(results));
        return;
      }
      if (laws[0] !== 'entropy-exp' || flags.robust || flags.bootstrap || flags.start || flags.x) {
        const rows = fitLawToRuns(dataset, laws[0], flags);
        for (const r of rows) for (const w of r.fit?.warnings ?? []) ctx.warnings.warn(`${r.run}: ${w}`);
        ctx.out(flags.json ? JSON.stringify({ runs: rows.map(lawFitJson), warnings: ctx.warnings.list() }, null, 2) : lawFitTable(rows));
        if (!rows.some((r) => r.fit?.converged)) {
          const reasons = [...new Set(rows.map((r) => r.error ?? (r.fit && !r.fit.converged ? `not converged: ${r.fit.reason}` : '')).filter(Boolean))];
          ctx.failInput(`no run could be fit${reasons.length ? `: ${reasons.join('; ')}` : ''}`);
        }
        return;
      }
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
  return runs
    .map(({ info }) => {
      const meta = formatRunMeta(info);
      return `${info.id}: H = ${info.entropyKey}, R = ${info.metric} (${info.metricKind})${meta ? `; ${meta}` : ''}`;
    })
    .join('\n');
}
