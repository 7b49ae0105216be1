import { Option, type Command } from 'commander';
import { formatForecast } from '../../predict/format.ts';
import { forecastJson, forecastRun, type ForecastOptions } from '../../predict/forecast.ts';
import { InputError } from '../../util/errors.ts';
import type { CliContext } from '../context.ts';
import { numberFlag, parseBurnIn, readInputs, seedOption, withInputFlags, type InputFlags } from '../options.ts';

export interface ForecastFlags extends InputFlags {
  at?: number;
  steps?: number;
  epsilon: number;
  confidence: number;
  burnIn: 'auto' | 'none' | number;
  entropyModel: 'auto' | 'exponential' | 'power';
  seed: number;
}

/** The forecast flags shared by `forecast` and `watch`. */
export function withForecastFlags(command: Command): Command {
  return command
    .option('--at <step>', 'the step to forecast R at (default: twice the run so far)', numberFlag('at'))
    .option('--steps <n>', 'forecast this many steps past the last point instead', numberFlag('steps', (x) => x >= 0, 'a number ≥ 0'))
    .option('--epsilon <e>', 'how close to the ceiling counts as reaching it', numberFlag('epsilon', (x) => x > 0, 'a positive number'), 0.01)
    .option('--confidence <p>', 'level of the forecast interval', numberFlag('confidence', (x) => x > 0 && x < 1, 'a number in (0, 1)'), 0.9)
    .option('--burn-in <rule>', 'leading points to exclude: auto, none, or a count', parseBurnIn, 'auto')
    .addOption(new Option('--entropy-model <m>', 'entropy-vs-step curve').choices(['auto', 'exponential', 'power']).default('auto'))
    .addOption(seedOption());
}

/** The library options a set of forecast flags stands for. */
export function forecastOptions(flags: ForecastFlags): ForecastOptions {
  return {
    at: flags.at,
    steps: flags.steps,
    epsilon: flags.epsilon,
    confidence: flags.confidence,
    burnIn: flags.burnIn,
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
      const results = dataset.series.map((series) => {
        try {
          return forecastRun(series, options);
        } catch (error) {
          if (error instanceof InputError) return { run: series.run, error: error.message };
          throw error;
        }
      });
      const ok = results.filter((r) => !('error' in r));
      if (flags.json) {
        const runs = results.map((r) => ('error' in r ? r : forecastJson(r)));
        ctx.out(JSON.stringify({ runs, warnings: ctx.warnings.list() }, null, 2));
      } else {
        ctx.out(results.map((r) => ('error' in r ? `${r.run}: no forecast: ${r.error}` : formatForecast(r).join('\n'))).join('\n\n'));
      }
      if (ok.length === 0) throw new InputError('no run could be forecast');
    });
}
