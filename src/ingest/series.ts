import type { KeyChoice, RawRun, RunSeries } from './types.ts';

/**
 * Extracts a run's (step, entropy, R) points: the steps where the entropy key and every metric key are
 * present, sorted by step. R is the mean of the metric keys (one key, or several validation data sources).
 * Cost: O(steps · log steps). `id` names the series (default: the run's id).
 *
 * @example
 * toSeries(run, { entropyKey: 'actor/entropy', metric: 'acc', metricKeys: ['acc'], metricKind: 'user' })
 * // => { run: 'r1', step: Float64Array [0, 10], entropy: Float64Array [...], metric: Float64Array [...] }
 */
export function toSeries(run: RawRun, choice: KeyChoice, id = run.id): RunSeries {
  const points: Array<[step: number, entropy: number, metric: number]> = [];
  const m = choice.metricKeys.length;
  forEachStep(run, [choice.entropyKey, ...choice.metricKeys], (step, values) => {
    if (values[0] === undefined) return;
    let sum = 0;
    for (let k = 1; k <= m; k++) {
      if (values[k] === undefined) return;
      sum += values[k]!;
    }
    points.push([step, values[0], sum / m]);
  });
  points.sort((a, b) => a[0] - b[0]);
  return {
    run: id,
    step: Float64Array.from(points, (p) => p[0]),
    entropy: Float64Array.from(points, (p) => p[1]),
    metric: Float64Array.from(points, (p) => p[2]),
  };
}

/** Calls `visit(step, values)` per step with the values of `keys` (undefined where absent), from the run's table if it has one. */
export function forEachStep(run: RawRun, keys: readonly string[], visit: (step: number, values: Array<number | undefined>) => void): void {
  if (run.table) return run.table.forEachRow(keys, visit);
  const values: Array<number | undefined> = keys.map(() => undefined);
  for (const [step, metrics] of run.steps) {
    for (let k = 0; k < keys.length; k++) values[k] = metrics.get(keys[k]);
    visit(step, values);
  }
}
