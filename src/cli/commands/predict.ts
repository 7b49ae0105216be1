import type { Command } from 'commander';
import { analyzeDataset, fixed, percent, predictRecord, type RunAnalysis } from '../../index.ts';
import type { CliContext } from '../context.ts';
import { runNotes, table, warningLines } from '../format.ts';
import { analyzeOptions, fractionOption, readInputs, withFitFlags, withInputFlags, type FitFlags, type InputFlags } from '../options.ts';

/** `entropy-law predict <paths...>`: fit on the first fraction of each run, forecast the rest. */
export function registerPredict(program: Command, ctx: CliContext): void {
  withFitFlags(withInputFlags(program.command('predict')))
    .description('fit on the first fraction of each run and forecast the rest from its observed entropy')
    .addOption(fractionOption(0.15))
    .action(async (paths: string[], flags: InputFlags & FitFlags & { fraction: number }) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const runs = analyzeDataset(dataset, { ...analyzeOptions(flags), fraction: flags.fraction });
      if (flags.json) ctx.out(JSON.stringify({ runs: runs.map(predictRecord), warnings: ctx.warnings.list() }, null, 2));
      else ctx.out(predictTable(runs));
      if (!runs.some((r) => r.early)) ctx.requireSomeFit([]);
    });
}

/**
 * The human forecast table: per run the ceiling of the whole run (what `fit` gives) beside the one the
 * early fit implied, the forecast's RMSE and interval coverage, and its last point.
 */
export function predictTable(runs: RunAnalysis[]): string {
  const rows = runs.map(({ run, selection, early, earlyError, ceiling }) => {
    if (!early) return [run, String(selection.used), `no forecast: ${earlyError ?? 'unknown'}`, '', '', '', '', '', '', ''];
    const { final } = early;
    return [
      run,
      String(early.points),
      `${early.fitPoints}`,
      fixed(early.ceiling?.value),
      fixed(ceiling?.value),
      fixed(early.rmse),
      percent(early.coverage),
      final ? String(final.step) : '—',
      final ? fixed(final.predicted) : '—',
      final ? fixed(final.actual) : '—',
    ];
  });
  const fraction = runs.find((r) => r.early)?.early?.fraction;
  const header = ['run', 'n', 'fit on', 'early ceiling', 'ceiling', 'forecast RMSE', '90% cover', 'final step', 'predicted', 'actual'];
  const note =
    fraction === undefined
      ? ''
      : `\n\nfit on the first ${fraction * 100}% of each run's points (at least 3); forecast from the ${runs[0].variables.includes('H') ? 'entropy' : 'steps'} observed afterwards; ` +
        "'ceiling' is the whole run's, as fit gives it";
  const early = runs.flatMap((r) => (r.early?.warnings.length ? [`${r.run} (early fit):`, ...warningLines(r.early.warnings)] : []));
  return table(header, rows) + note + `\n\n${runNotes(runs)}` + (early.length ? `\n${early.join('\n')}` : '');
}
