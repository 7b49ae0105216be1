import { Option, type Command } from 'commander';
import { analyzeDataset, forecastRecord, forecastRun, InputError, type ForecastOptions } from '../../index.ts';
import type { CliContext } from '../context.ts';
import { analyzeOptions, numberFlag, readInputs, seedOption, withFitFlags, withInputFlags, type FitFlags, type InputFlags } from '../options.ts';
import { formatForecast } from '../text.ts';

export interface ForecastFlags extends InputFlags, FitFlags {
  at?: number;
  steps?: number;
  epsilon: number;
  confidence: number;
  entropyModel: 'auto' | 'exponential' | 'power';
  seed: number;
}

/** The forecast flags shared by `forecast` and `watch`, with the fit flags. */
export function withForecastFlags(command: Command): Command {
  return withFitFlags(command)
    .option('--at <step>', 'the step to forecast R at (default: twice the run so far)', numberFlag('at'))
    .option('--steps <n>', 'forecast this many steps past the last point instead', numberFlag('steps', (x) => x >= 0, 'a number ≥ 0'))
    .option('--epsilon <e>', 'how close to the ceiling counts as reaching it', numberFlag('epsilon', (x) => x > 0, 'a positive number'), 0.01)
    .option('--confidence <p>', 'level of the forecast interval', numberFlag('confidence', (x) => x > 0 && x < 1, 'a number in (0, 1)'), 0.9)
    .addOption(new Option('--entropy-model <m>', 'entropy-vs-step curve').choices(['auto', 'exponential', 'power']).default('auto'))
    .addOption(seedOption());
}

/** The library options a set of forecast flags stands for. */
export function forecastOptions(flags: ForecastFlags): ForecastOptions {
  return {
    ...analyzeOptions(flags),
    at: flags.at,
    steps: flags.steps,
    epsilon: flags.epsilon,
    confidence: flags.confidence,
    model: flags.entropyModel,
    seed: flags.seed,
  };
}

/** `entropy-law forecast <paths...>`: R at a future step with its interval, the ceiling, and when it is reached. */
export function registerForecast(program: Command, ctx: CliContext): void {
  withForecastFlags(withInputFlags(program.command('forecast')))
    .description('forecast R at a future step (entropy curve × law), the ceiling, headroom and steps to the ceiling')
    .action(async (paths: string[], flags: ForecastFlags) => {
      const dataset = await readInputs(paths, flags, ctx.warnings);
      const options = forecastOptions(flags);
      const results = analyzeDataset(dataset, analyzeOptions(flags)).map((analysis) => {
        try {
          return forecastRun(analysis, options);
        } catch (error) {
          if (error instanceof InputError) return { run: analysis.run, error: analysis.error ?? error.message };
          throw error;
        }
      });
      if (flags.json) {
        const runs = results.map((r) => ('error' in r ? r : forecastRecord(r)));
        ctx.out(JSON.stringify({ runs, warnings: ctx.warnings.list() }, null, 2));
      } else {
        ctx.out(results.map((r) => ('error' in r ? `${r.run}: no forecast: ${r.error}` : formatForecast(r).join('\n'))).join('\n\n'));
      }
      if (!results.some((r) => !('error' in r))) throw new InputError('no run could be forecast');
    });
}
