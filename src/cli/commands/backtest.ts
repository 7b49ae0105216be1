import { Option, type Command } from 'commander';
import { backtest } from '../../predict/backtest.ts';
import { backtestJson } from '../../predict/backtest-json.ts';
import { formatBacktest } from '../../predict/format.ts';
import { UsageError } from '../../util/errors.ts';
import type { CliContext } from '../context.ts';
import { numberFlag, parseBurnIn, readInputs, seedOption, withInputFlags, type InputFlags } from '../options.ts';

/** `entropy-law backtest <paths...>`: cut finished runs at fractions, forecast the rest, score the forecasts. */
export function registerBacktest(program: Command, ctx: CliContext): void {
  withInputFlags(program.command('backtest'))
    .description('cut each finished run at 5%…90% of its points, forecast the rest, and score RMSE, final error and coverage')
    .option('--fractions <list>', 'comma-separated cut fractions (default 0.05,0.10,…,0.90)', parseFractions)
    .addOption(new Option('--mode <m>', 'forecast in time, or from the entropy observed later (the paper)').choices(['time', 'entropy']).default('time'))
    .option('--confidence <p>', 'level of the intervals whose coverage is scored', numberFlag('confidence', (x) => x > 0 && x < 1, 'a number in (0, 1)'), 0.9)
    .option('--burn-in <rule>', 'leading points to exclude: auto, none, or a count', parseBurnIn, 'auto')
    .addOption(seedOption())
    .action(async (paths: string[], flags: InputFlags & { fractions?: number[]; mode: 'time' | 'entropy'; confidence: number; burnIn: 'auto' | 'none' | number; seed: number }) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const result = backtest(dataset.series, {
        fractions: flags.fractions,
        mode: flags.mode,
        confidence: flags.confidence,
        burnIn: flags.burnIn,
        seed: flags.seed,
      });
      if (flags.json) ctx.out(JSON.stringify({ ...backtestJson(result), warnings: ctx.warnings.list() }, null, 2));
      else ctx.out(formatBacktest(result).join('\n'));
    });
}

function parseFractions(value: string): number[] {
  const fractions = value.split(',').map(Number);
  if (fractions.length === 0 || fractions.some((f) => !(f > 0 && f < 1))) {
    throw new UsageError(`invalid fractions: ${value} (expected comma-separated numbers in (0, 1))`);
  }
  return fractions;
}
