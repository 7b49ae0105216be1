/**
 * Per-step values of chosen keys of one run, beyond the entropy and R the tidy table holds: what an analysis
 * of the training mechanism needs (the harness's `actor/cov/group_mean`, `actor/entropy_delta`, the rollout
 * entropy at every step rather than only at validation steps).
 */
import { loadLog } from './load.ts';
import { forEachStep } from './series.ts';
import { KeyFilter } from './step-writer.ts';
import type { RunInfo } from './types.ts';
import { Warnings } from '../util/warnings.ts';

/** One key's values, sorted by step; only the steps that logged it. */
export interface KeySeries {
  step: Float64Array;
  value: Float64Array;
}

/**
 * Reads `keys` of the run `run` (from `run.source`, again) and returns each key the log has, by name; a key
 * the log never wrote is absent from the map. A source that holds several runs gives the one whose id is
 * `run.id`'s (before `ingest` made it unique), else its first.
 *
 * @example
 * const keys = await readKeySeries(dataset.runs[0], ['actor/cov/group_mean']);
 * keys.get('actor/cov/group_mean')?.value.length // => 200
 */
export async function readKeySeries(run: Pick<RunInfo, 'id' | 'source'>, keys: readonly string[], warnings?: Warnings): Promise<Map<string, KeySeries>> {
  const raws = await loadLog(run.source, { keep: new KeyFilter(keys), warnings: warnings ?? new Warnings() });
  const raw = raws.find((r) => r.id === run.id) ?? raws[0];
  const out = new Map<string, KeySeries>();
  if (!raw) return out;
  for (const key of keys) {
    const points: Array<[number, number]> = [];
    forEachStep(raw, [key], (step, [value]) => {
      if (value !== undefined) points.push([step, value]);
    });
    if (points.length === 0) continue;
    points.sort((p, q) => p[0] - q[0]);
    out.set(key, { step: Float64Array.from(points, (p) => p[0]), value: Float64Array.from(points, (p) => p[1]) });
  }
  return out;
}
