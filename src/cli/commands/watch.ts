import type { Command } from 'commander';
import { ceilingConvergence, forecastPath, forecastRecord, InputError, runRecord, watch, writeReport, type ForecastOptions, type ReportInput, type ReportRun, type WatchUpdate } from '../../index.ts';
import type { CliContext } from '../context.ts';
import { numberFlag, type InputFlags } from '../options.ts';
import { formatForecast } from '../text.ts';
import { forecastOptions, withForecastFlags, type ForecastFlags } from './forecast.ts';

interface WatchFlags extends ForecastFlags, Omit<InputFlags, 'runId'> {
  pollMs: number;
  trainReward?: boolean;
  report?: string;
}

/**
 * `entropy-law watch <path>`: follows a growing log (verl console or JSONL, CSV/JSONL, a TensorBoard
 * folder) and prints a refreshed forecast at each new validation point, until interrupted (Ctrl-C).
 * With `--report FILE.html` it also rewrites a report that the browser reloads.
 */
export function registerWatch(program: Command, ctx: CliContext, signal?: AbortSignal): void {
  withForecastFlags(program.command('watch'))
    .description('follow a growing log and refresh the forecast at each new validation point (Ctrl-C stops)')
    .argument('<path>', 'the log file or TensorBoard run folder to follow')
    .option('--metric <key>', 'key to use as R (default: validation accuracy, see README)')
    .option('--entropy <key>', 'key to use as H')
    .option('--step <key>', 'step column of a plain CSV/JSONL file')
    .option('--train-reward', 'use the training reward as R while no validation metric is logged')
    .option('--poll-ms <ms>', 'milliseconds between checks of the file', numberFlag('poll-ms', (x) => x >= 10, 'a number ≥ 10'), 1000)
    .option('--report <file>', 'rewrite this HTML report at each refresh (it reloads itself in the browser)')
    .option('--json', 'print each update as one JSON line')
    .action(async (path: string, flags: WatchFlags) => {
      const stop = new AbortController();
      const onSigint = () => stop.abort();
      process.once('SIGINT', onSigint);
      signal?.addEventListener('abort', onSigint);
      let failure: unknown;
      const watcher = watch(path, {
        ...forecastOptions(flags),
        step: flags.step,
        entropy: flags.entropy,
        metric: flags.metric,
        trainReward: flags.trainReward,
        pollMs: flags.pollMs,
        signal: stop.signal,
        onUpdate: (u) => ctx.out(flags.json ? JSON.stringify(updateJson(u)) : updateText(u)),
        onReport: flags.report ? (u) => writeReport(watchReport(u, forecastOptions(flags)), flags.report as string) : undefined,
        onWaiting: (reason) => ctx.err(reason),
        onError: (error) => {
          failure = error;
          stop.abort();
        },
      });
      try {
        await watcher.done;
      } finally {
        process.off('SIGINT', onSigint);
      }
      if (failure) throw failure instanceof Error ? failure : new InputError(String(failure));
    });
}

/** One JSON line per update: the run's record (points, fit, ceiling, warnings) and the forecast. */
function updateJson(u: WatchUpdate): Record<string, unknown> {
  return { run: u.run, metric: u.metric, points: u.points, fit: runRecord(u.analysis), forecast: u.forecast ? forecastRecord(u.forecast) : null, error: u.error, warnings: u.warnings };
}

function updateText(u: WatchUpdate): string {
  const head = `[${new Date().toISOString().slice(11, 19)}] ${u.run}: ${u.points} points (R = ${u.metric})`;
  return u.forecast ? `${head}\n${formatForecast(u.forecast).join('\n')}` : `${head}: no forecast yet: ${u.error ?? 'waiting for points'}`;
}

/**
 * The report input for a watched run: its analysis so far, how its ceiling estimate moved as it grew, and
 * the forecast with its path ahead (to the forecast's step, or on to where it comes within ε of the
 * ceiling when that is within four times the run so far); the page reloads itself every few seconds.
 */
export function watchReport(u: WatchUpdate, options: ForecastOptions = {}): ReportInput {
  const run: ReportRun = { ...u.analysis, info: u.info, convergence: ceilingConvergence(u.analysis), forecast: u.forecast, ...(u.error ? { forecastError: u.error } : {}) };
  const f = u.forecast;
  if (f) {
    const { at: _at, steps: _steps, epsilon: _epsilon, ...pathOptions } = options;
    // On to the step where R comes within ε of the ceiling, unless that is beyond four times the run so far.
    const first = u.series.step[0];
    const reach = f.ceilingStep !== null && f.ceilingStep - first <= 4 * (f.last.step - first) ? f.ceilingStep : f.at;
    run.forecastPath = forecastPath(u.analysis, { ...pathOptions, until: Math.max(f.at, reach) });
  }
  return { title: `watching ${u.run}`, runs: [run], warnings: u.warnings, refreshSeconds: 5, updated: new Date().toISOString().replace('T', ' ').slice(0, 19) + ' UTC' };
}
