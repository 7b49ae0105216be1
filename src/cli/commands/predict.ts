import type { Command } from 'commander';
import { analyzeDataset, type RunAnalysis } from '../../predict/analyze.ts';
import { num, table } from '../format.ts';
import { predictJson } from '../json.ts';
import { fractionOption, readInputs, withInputFlags, type InputFlags } from '../options.ts';
import type { CliContext } from '../context.ts';

/** `entropy-law predict <paths...>`: fit on the first fraction of each run, forecast the rest. */
export function registerPredict(program: Command, ctx: CliContext): void {
  withInputFlags(program.command('predict'))
    .description('fit on the first fraction of each run and forecast the rest from its observed entropy')
    .addOption(fractionOption(0.15))
    .action(async (paths: string[], flags: InputFlags & { fraction: number }) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const runs = analyzeDataset(dataset, { fraction: flags.fraction });
      if (flags.json) ctx.out(JSON.stringify({ runs: runs.map(predictJson), warnings: ctx.warnings.list() }, null, 2));
      else ctx.out(predictTable(runs));
      if (!runs.some((r) => r.forecast)) ctx.requireSomeFit([]);
    });
}

/** The human forecast table. */
export function predictTable(runs: RunAnalysis[]): string {
  const rows = runs.map(({ info, forecast, forecastError }) => {
    if (!forecast) return [info.id, String(info.points), `no forecast: ${forecastError ?? 'unknown'}`, '', '', '', '', ''];
    const { fit, final } = forecast;
    return [
      info.id,
      String(forecast.points),
      `${forecast.fitPoints}`,
      num(fit.params.b - fit.params.a),
      num(forecast.rmse),
      final ? String(final.step) : '—',
      final ? num(final.predicted) : '—',
      final ? num(final.actual) : '—',
    ];
  });
  const fraction = runs.find((r) => r.forecast)?.forecast?.fraction;
  const header = ['run', 'n', 'fit on', 'ceiling', 'forecast RMSE', 'final step', 'predicted', 'actual'];
  const note = fraction === undefined ? '' : `\n\nfit on the first ${fraction * 100}% of each run's points (at least 3); forecast from the entropy observed afterwards`;
  return table(header, rows) + note;
}
