/**
 * Several files that are one run: a W&B chart export holds one metric per file, so entropy and accuracy
 * come in two; prime-rl's trainer and orchestrator each write their own `metrics.jsonl`. Runs are joined
 * when the user says so (`join`, or the same id given to several inputs), and W&B chart exports that sit in
 * one folder are joined by their run name without being asked.
 */
import { dirname } from 'node:path';
import type { Warnings } from '../util/warnings.ts';
import { runKeys } from './choose-keys.ts';
import type { RawRun } from './types.ts';

/** A run as `ingest` has it before the key choice: which input it came from, and whether that input was named. */
export interface LoadedRun {
  raw: RawRun;
  input: number;
  named: boolean;
}

/** Options of `joinRuns`. */
export interface JoinOptions {
  /** Every input is one run. Default: false. */
  join?: boolean;
  /** Run ids per input (`--run-id`); inputs given the same id are one run. Default: none. */
  runIds?: string[];
  /** Collects the warning about values two joined files both have. Default: none. */
  warnings?: Warnings;
}

/**
 * One run from several: steps are merged, and where two files have a value for the same step and key the
 * later file's is kept (one warning with the count). `source` is the first file; `sources` lists them all.
 *
 * @example
 * mergeRuns([entropyRun, accuracyRun], 'grpo').steps.get(10) // => Map { 'train/entropy' => 0.5, 'eval/acc' => 0.3 }
 */
export function mergeRuns(runs: RawRun[], id: string, warnings?: Warnings): RawRun {
  const steps: RawRun['steps'] = new Map();
  let overlaps = 0;
  let first: string | undefined;
  for (const run of runs) {
    for (const [step, metrics] of run.steps) {
      let into = steps.get(step);
      if (!into) steps.set(step, (into = new Map()));
      for (const [key, value] of metrics) {
        const before = into.get(key);
        if (before !== undefined && before !== value) {
          if (overlaps++ === 0) first = `${key} at step ${step}`;
        }
        into.set(key, value);
      }
    }
  }
  const sources = runs.flatMap((r) => r.sources ?? [r.source]);
  if (overlaps > 0) warnings?.warn(`run '${id}' joined from ${sources.join(', ')}: ${overlaps} values differ between the files; the later file's kept (first: ${first})`);
  const merged: RawRun = { id, source: runs[0].source, format: runs[0].format, steps, sources };
  if (runs.some((r) => r.allKeys)) merged.allKeys = new Set(runs.flatMap((r) => [...(r.allKeys ?? runKeys(r))]));
  const config = new Map<string, string>();
  for (const r of runs) for (const [k, v] of r.config ?? []) if (!config.has(k)) config.set(k, v);
  if (config.size > 0) merged.config = config;
  return merged;
}

/**
 * Joins the runs that are one: all of them with `join`; those of inputs given the same id; and W&B chart
 * exports in one folder whose runs have the same name. Order: each joined run stands where its first part
 * was. A joined run's inputs count as named if any was.
 *
 * @example
 * joinRuns(loaded, { runIds: ['grpo', 'grpo'] }).map((l) => l.raw.id) // => ['grpo']
 */
export function joinRuns(loaded: LoadedRun[], options: JoinOptions = {}): LoadedRun[] {
  const { join = false, runIds, warnings } = options;
  const groupOf = (l: LoadedRun): string | undefined => {
    if (join) return 'all';
    if (runIds !== undefined && runIds.filter((id) => id === runIds[l.input]).length > 1) return `id:${runIds[l.input]}`;
    if (l.raw.format === 'wandb-export') return `export:${dirname(l.raw.source)}\0${l.raw.id}`;
    return undefined;
  };
  const groups = new Map<string, LoadedRun[]>();
  const order: Array<LoadedRun | string> = [];
  for (const l of loaded) {
    const key = groupOf(l);
    if (key === undefined) {
      order.push(l);
      continue;
    }
    const group = groups.get(key);
    if (group) group.push(l);
    else {
      groups.set(key, [l]);
      order.push(key);
    }
  }
  return order.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const group = groups.get(entry)!;
    const id = join && runIds !== undefined ? runIds[0] : group[0].raw.id;
    if (group.length === 1) {
      group[0].raw.id = id;
      return group[0];
    }
    return { raw: mergeRuns(group.map((l) => l.raw), id, warnings), input: group[0].input, named: group.some((l) => l.named) };
  });
}
