import { chooseKeys } from '../ingest/choose-keys.ts';
import { coverageOf } from '../ingest/coverage.ts';
import { follow } from '../ingest/follow.ts';
import { runIdFromPath } from '../ingest/run-id.ts';
import { toSeries } from '../ingest/series.ts';
import { KeyFilter } from '../ingest/step-writer.ts';
import type { LogFormat, RunInfo, RunSeries } from '../ingest/types.ts';
import { InputError } from '../util/errors.ts';
import { Warnings } from '../util/warnings.ts';
import { analyzeRun, type RunAnalysis } from './analyze.ts';
import { forecastRun, type ForecastOptions, type RunForecast } from './forecast.ts';

/** What `watch` reports at each new point. */
export interface WatchUpdate {
  run: string;
  /** The key (or `mean(<keys>)`) used as R. */
  metric: string;
  /** Points (steps with entropy and R) so far. */
  points: number;
  /** The run as `ingest` would describe it: source, format and the keys chosen for H and R. */
  info: RunInfo;
  series: RunSeries;
  /** The run's analysis so far: the same points, fit, ceiling and warnings `fit` would give. */
  analysis: RunAnalysis;
  /** The refreshed forecast; null while the run is too short (see `error`). */
  forecast: RunForecast | null;
  /** Why there is no forecast yet. */
  error?: string;
  /** Reader warnings so far (unreadable lines, training reward standing in for R). */
  warnings: string[];
}

/** Options for `watch`: the forecast's options plus how to read and when to call back. */
export interface WatchOptions extends ForecastOptions {
  /** Called with each new forecast, once per new validation point (awaited; calls never overlap). */
  onUpdate: (update: WatchUpdate) => void | Promise<void>;
  /**
   * Called after `onUpdate` with the same update: the hook for rewriting an HTML report on each refresh.
   * Defaults to none.
   */
  onReport?: (update: WatchUpdate) => void | Promise<void>;
  /** Called with an error that stops the watch (unreadable file, unusable format). Defaults to rethrowing from `done`. */
  onError?: (error: unknown) => void;
  /**
   * Called when the watch is waiting and why (the log does not exist yet, no validation point so far, only
   * training reward), once each time the reason changes. Defaults to none.
   */
  onWaiting?: (reason: string) => void;
  /** Milliseconds between checks of the file. Defaults to 1000. */
  pollMs?: number;
  /** Run id. Defaults to the file name without extension. */
  id?: string;
  /** Format of a text log; detected from its first lines when not given. */
  format?: LogFormat;
  /** Keys, as for `ingest` (`--step`, `--entropy`, `--metric`). */
  step?: string;
  entropy?: string;
  metric?: string;
  /**
   * Take the training reward as R while no validation metric has been logged (what `ingest` falls back to,
   * with a warning). Defaults to false: a live run logs training reward from its first step but validation
   * only every few steps, and R switching keys mid-watch would restart the forecast on another quantity.
   */
  trainReward?: boolean;
  /** Stops the watch when aborted. */
  signal?: AbortSignal;
}

/** A running watch. */
export interface Watcher {
  /** Checks the file now (what the timer does every `pollMs`); resolves after any update it caused. */
  poll(): Promise<void>;
  /** Stops watching; resolves once a check in progress has finished. */
  stop(): Promise<void>;
  /** Resolves when the watch stops; rejects with the error that stopped it if there is no `onError`. */
  done: Promise<void>;
}

/**
 * Follows a growing training log and refreshes the forecast at each new validation point. The log is read by
 * the ingest readers as it grows (`follow`): a text log read line by line (verl console or JSONL, JSONL, CSV,
 * OpenRLHF) a complete line at a time, any other (a TensorBoard run folder or event file, a TRL
 * trainer_state.json, …) again whole when it changes; so the run, its warnings and the lines skipped are
 * those `ingest` gives for the same bytes. Each time the run gains a point (a step with both entropy
 * and R), the run is analysed again (`analyzeRun`: the same ceiling and warnings `fit` gives) and
 * forecast (`forecastRun`), and `onUpdate` (then `onReport`) is called; while the run is too short to
 * forecast, the update carries `error` instead. A rewritten file (it shrank) starts the run over.
 * Returns at once; the first check runs immediately.
 * @example watch('train.log', { at: 2000, onUpdate: (u) => console.log(u.forecast?.predicted) })
 */
export function watch(path: string, options: WatchOptions): Watcher {
  const { onUpdate, onReport, onError, onWaiting, pollMs = 1000, id = runIdFromPath(path), signal, format, step, entropy, metric, trainReward = false, ...forecastOptions } =
    options;
  const { at: _at, steps: _steps, epsilon: _e, confidence: _c, replicates: _r, seed: _s, model: _m, holdout: _h, ...analyzeOptions } = forecastOptions;
  // Only the keys the key choice can use are kept, as `ingest` keeps them: a long run costs little memory.
  const source = follow(path, { id, format, step, keep: new KeyFilter([entropy, metric, step]) });
  let points = 0;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let finish!: () => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Whoever awaits `done` still sees the rejection; this only keeps an unobserved one from killing the process.
  done.catch(() => {});

  let waitingFor = '';
  const waiting = (reason: string) => {
    if (reason !== waitingFor) onWaiting?.(reason);
    waitingFor = reason;
  };
  const check = async (): Promise<void> => {
    const raw = (await source.read())?.[0];
    if (!raw) {
      // Not there yet: a log that the trainer has not created.
      if (source.waiting === 'the file to be created') return waiting(`waiting for ${path} to appear`);
      // Nothing new: whatever the watch said it waits for still holds.
      if (points === 0 && !waitingFor) waiting(`waiting for the first validation point in ${path}`);
      return;
    }
    let series: RunSeries;
    const keyWarnings = new Warnings();
    let choice;
    try {
      choice = chooseKeys(raw, { entropy, metric, warnings: keyWarnings });
      if (choice.metricKind === 'train-reward' && !trainReward) {
        return waiting(`waiting for a validation metric in ${path}: only the training reward (${choice.metric}) so far (--train-reward uses it)`);
      }
      series = toSeries(raw, choice);
    } catch (error) {
      // Keys not logged yet (no validation step so far): wait for more lines.
      if (error instanceof InputError) return waiting(`waiting for the first validation point in ${path}`);
      throw error;
    }
    if (series.step.length < points) points = 0;
    if (series.step.length === points) return;
    points = series.step.length;
    waitingFor = '';
    const info: RunInfo = { id, source: path, format: raw.format, ...choice, points, ...coverageOf(raw, choice) };
    const analysis = analyzeRun(series, analyzeOptions, info);
    const update: WatchUpdate = { run: id, metric: choice.metric, points, info, series, analysis, forecast: null, warnings: [...source.warnings, ...keyWarnings.list()] };
    try {
      update.forecast = forecastRun(analysis, forecastOptions);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      update.error = error.message;
    }
    await onUpdate(update);
    if (onReport) await onReport(update);
  };

  const stop = async (): Promise<void> => {
    if (stopped) return running;
    stopped = true;
    clearInterval(timer);
    await running.catch(() => {});
    finish();
  };
  const poll = (): Promise<void> => {
    if (stopped) return running;
    // Checks are chained, so a slow forecast never overlaps the next check.
    running = running.then(check).catch((error) => {
      void stop();
      if (onError) onError(error);
      else fail(error);
    });
    return running;
  };
  const timer = setInterval(() => void poll(), pollMs);
  signal?.addEventListener('abort', () => void stop(), { once: true });
  void poll();
  return { poll, stop, done };
}
