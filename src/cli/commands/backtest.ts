import { Option, type Command } from 'commander';
import { backtestRecord, compareBacktests, fixed, parseLawList, percent, UsageError, type Backtest } from '../../index.ts';
import type { CliContext } from '../context.ts';
import { table } from '../format.ts';
import { analyzeOptions, numberFlag, readInputs, seedOption, withFitFlags, withInputFlags, type FitFlags, type InputFlags } from '../options.ts';
import { formatBacktest } from '../text.ts';

interface Flags extends InputFlags, FitFlags {
  fractions?: number[];
  mode: 'time' | 'entropy';
  confidence: number;
  seed: number;
}

/** `entropy-law backtest <paths...>`: cut finished runs at fractions, forecast the rest, score the forecasts. */
export function registerBacktest(program: Command, ctx: CliContext): void {
  withFitFlags(withInputFlags(program.command('backtest')), 'the law to forecast with; a comma-separated list compares laws on the same cuts')
    .description('cut each finished run at 5%…90% of its points, forecast the rest, and score RMSE, final error and coverage')
    .option('--fractions <list>', 'comma-separated cut fractions (default 0.05,0.10,…,0.90)', parseFractions)
    .addOption(new Option('--mode <m>', 'forecast in time, or from the entropy observed later (the paper)').choices(['time', 'entropy']).default('time'))
    .option('--confidence <p>', 'level of the intervals whose coverage is scored', numberFlag('confidence', (x) => x > 0 && x < 1, 'a number in (0, 1)'), 0.9)
    .addOption(seedOption())
    .action(async (paths: string[], flags: Flags) => {
      const laws = flags.law === undefined ? ['entropy-exp'] : parseLawList(flags.law);
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const results = compareBacktests(dataset.series, laws, {
        ...analyzeOptions(flags, undefined),
        fractions: flags.fractions,
        mode: flags.mode,
        confidence: flags.confidence,
        seed: flags.seed,
      });
      if (flags.json) {
        const body = results.length === 1 ? backtestRecord(results[0]) : { laws: results.map(backtestRecord) };
        ctx.out(JSON.stringify({ ...body, warnings: ctx.warnings.list() }, null, 2));
      } else ctx.out([...results.map((b) => (results.length > 1 ? `law ${b.law}\n` : '') + formatBacktest(b).join('\n')), ...(results.length > 1 ? [lawSummary(results)] : [])].join('\n\n'));
    });
}

/** Laws side by side on the same cuts: median RMSE per fraction and pooled coverage. */
function lawSummary(results: Backtest[]): string {
  const fractions = results[0].byFraction.map((f) => f.fraction);
  const rows = results.map((b) => [b.law, ...b.byFraction.map((f) => fixed(f.medianRmse)), percent(b.coverage), fixed(b.paperMeanRmse)]);
  return `laws compared on the same cuts: median RMSE per fraction, pooled coverage, paper-protocol mean RMSE\n${table(['law', ...fractions.map((f) => f.toFixed(2)), 'coverage', 'paper15'], rows)}`;
}

function parseFractions(value: string): number[] {
  const fractions = value.split(',').map(Number);
  if (fractions.length === 0 || fractions.some((f) => !(f > 0 && f < 1))) {
    throw new UsageError(`invalid fractions: ${value} (expected comma-separated numbers in (0, 1))`);
  }
  return fractions;
}
