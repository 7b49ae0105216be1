import type { Command } from 'commander';
import { analyzeDataset, compareLawsOnRun, comparisonRecord, fixed, parseLawList, runRecord, type RunAnalysis, type RunComparison } from '../../index.ts';
import type { CliContext } from '../context.ts';
import { fitTable, table } from '../format.ts';
import { analyzeOptions, numberFlag, readInputs, seedOption, withFitFlags, withInputFlags, type FitFlags, type InputFlags } from '../options.ts';

interface Flags extends InputFlags, FitFlags {
  bootstrap?: number;
  seed: number;
}

/** `entropy-law fit <paths...>`: fit the law per run and print its parameters, the ceiling and fit quality; or compare laws. */
export function registerFit(program: Command, ctx: CliContext): void {
  withFitFlags(withInputFlags(program.command('fit')), 'the law to fit; a comma-separated list or "all" compares laws')
    .description('fit R = −a·exp(H) + b (or another law) to each run and print the parameters and the ceiling')
    .option('--bootstrap <n>', 'seeded bootstrap intervals with n resamples', numberFlag('bootstrap', (x) => Number.isInteger(x) && x >= 10, 'an integer ≥ 10'))
    .addOption(seedOption())
    .action(async (paths: string[], flags: Flags) => {
      const laws = flags.law === undefined ? ['entropy-exp'] : parseLawList(flags.law);
      const dataset = await readInputs(paths, flags, ctx.warnings);
      if (laws.length > 1) {
        // The points are the same for every law: the first law's analysis chooses them.
        const runs = analyzeDataset(dataset, { ...analyzeOptions(flags, laws[0]), start: undefined });
        const results = runs.map((r) => compareLawsOnRun(r, laws, { x: flags.x }));
        ctx.out(flags.json ? JSON.stringify({ runs: results.map(comparisonRecord), warnings: ctx.warnings.list() }, null, 2) : comparisonTable(results));
        return;
      }
      const runs = analyzeDataset(dataset, { ...analyzeOptions(flags, laws[0]), bootstrap: flags.bootstrap, seed: flags.seed });
      ctx.out(flags.json ? JSON.stringify({ runs: runs.map(runRecord), warnings: ctx.warnings.list() }, null, 2) : fitText(runs));
      ctx.requireSomeFit(runs);
    });
}

/** The fit table, with the bootstrap intervals of the ceiling when they were asked for. */
function fitText(runs: RunAnalysis[]): string {
  const boot = runs.filter((r) => r.bootstrap?.derived.ceiling);
  const lines = boot.map((r) => {
    const c = r.bootstrap!.derived.ceiling;
    return `${r.run}: bootstrap ${Math.round(100 * r.bootstrap!.confidence)}% interval of the ceiling ${fixed(c.lower)}–${fixed(c.upper)} (${r.bootstrap!.samples} resamples, seed ${r.bootstrap!.seed}${r.bootstrap!.failed ? `, ${r.bootstrap!.failed} failed` : ''})`;
  });
  return [fitTable(runs), ...(lines.length ? ['', ...lines] : [])].join('\n');
}

/** The human table of a law comparison, one block per run. */
function comparisonTable(results: RunComparison[]): string {
  return results
    .map(({ run, rows, error }) => {
      if (error) return `${run}: no comparison: ${error}`;
      const body = rows.map((r) =>
        r.converged
          ? [r.law, String(r.k), fixed(r.ssr, 6), fixed(r.aic, 2), fixed(r.aicc, 2), fixed(r.bic, 2), fixed(r.deltaAic, 2), fixed(r.akaikeWeight, 3), fixed(r.lfoRmse)]
          : [r.law, String(r.k), `not converged${r.note ? `: ${r.note}` : ''}`, '', '', '', '', '', ''],
      );
      return `${run}\n${table(['law', 'k', 'SSR', 'AIC', 'AICc', 'BIC', 'ΔAIC', 'weight', 'LFO RMSE'], body)}`;
    })
    .join('\n\n');
}
