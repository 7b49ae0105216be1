import type { KeyChoice, RawRun, RunSeries } from './types.ts';

/**
 * Extracts a run's (step, entropy, R) points: the steps where the entropy key and every metric key are
 * present, sorted by step. R is the mean of the metric keys (one key, or several validation data sources).
 * Cost: O(steps · log steps).
 *
 * @example
 * toSeries(run, { entropyKey: 'actor/entropy', metric: 'acc', metricKeys: ['acc'], metricKind: 'user' })
 * // => { run: 'r1', step: Float64Array [0, 10], entropy: Float64Array [...], metric: Float64Array [...] }
 */
export function toSeries(run: RawRun, choice: KeyChoice, id = run.id): RunSeries {
  const points: Array<[step: number, entropy: number, metric: number]> = [];
  if (run.table) {
    const m = choice.metricKeys.length;
    run.table.forEachRow([choice.entropyKey, ...choice.metricKeys], (step, values) => {
      if (values[0] === undefined) return;
      let sum = 0;
      for (let k = 1; k <= m; k++) {
        if (values[k] === undefined) return;
        sum += values[k]!;
      }
      points.push([step, values[0], sum / m]);
    });
  } else for (const [step, metrics] of run.steps) {
    const entropy = metrics.get(choice.entropyKey);
    if (entropy === undefined) continue;
    let sum = 0;
    let complete = true;
    for (const key of choice.metricKeys) {
      const value = metrics.get(key);
      if (value === undefined) {
        complete = false;
        break;
      }
      sum += value;
    }
    if (complete) points.push([step, entropy, sum / choice.metricKeys.length]);
  }
  points.sort((a, b) => a[0] - b[0]);
  return {
    run: id,
    step: Float64Array.from(points, (p) => p[0]),
    entropy: Float64Array.from(points, (p) => p[1]),
    metric: Float64Array.from(points, (p) => p[2]),
  };
}
