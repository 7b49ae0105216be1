import type { Warnings } from '../util/warnings.ts';
import { IssueCounter, setMetric, splitLines } from './issues.ts';
import { parsePythonScalar } from './numbers.ts';
import type { RawRun } from './types.ts';

/** ANSI escape sequences (CSI: colours, cursor moves), which Ray adds around its prefixes. */
// eslint-disable-next-line no-control-regex -- matching the ESC control character is the point
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
/** A Ray log prefix such as `(main_task pid=54569)` or `(TaskRunner pid=1, ip=10.0.0.2)`. */
const RAY_PREFIX = /^\([^()]*\)\s*/;
/** The start of a metric line once prefixes are gone: `step:<N>` then a space or the end. */
const STEP_HEAD = /^step:(\d+)(?=\s|$)/;
/** A full metric line: the step and at least one `key:value` pair. Used by format detection. */
const METRIC_LINE = /^step:\d+ - [^\s:][^:]*:\S/;

/** One console line, parsed. */
export type VerlConsoleLine =
  /** Not a metric line (warnings, sample text, Python dicts): ignored. */
  | { kind: 'other' }
  /** A metric line: the good pairs, and a reason for each pair (or the line) that could not be read. */
  | {
      kind: 'metrics';
      step: number;
      values: Array<[key: string, value: number]>;
      /** Pairs whose value was `nan`/`inf` (kept out of `values`). */
      nonFinite: string[];
      bad: string[];
    };

/**
 * Removes what Ray and terminals put before verl's own text: ANSI colour codes and `(name pid=N)` prefixes.
 *
 * @example
 * stripConsolePrefixes('\x1b[36m(main_task pid=1)\x1b[0m step:0 - a:1') // => 'step:0 - a:1'
 */
export function stripConsolePrefixes(line: string): string {
  let s = line.replace(ANSI, '').trimStart();
  // Nested actors print several prefixes; strip them one at a time.
  for (let m = RAY_PREFIX.exec(s); m; m = RAY_PREFIX.exec(s)) s = s.slice(m[0].length);
  return s;
}

/** True if the line, after prefixes, is a verl metric line with at least one `key:value` pair. */
export function isVerlConsoleMetricLine(line: string): boolean {
  return METRIC_LINE.test(stripConsolePrefixes(line));
}

/**
 * Parses one console line: `step:<N> - <key>:<value> - ...`, possibly behind ANSI codes and Ray prefixes.
 * Values may be printed with 3 decimals (verl < 0.5) or as Python reprs (`3`, `0.5213`, `nan`,
 * `np.float64(0.52)`). Keys may contain `(`, `)`, `/`, `@`; a pair is split at its first `:` because keys
 * never contain one but reprs can (`tensor(0.5, device='cuda:0')`). Pairs are separated by ` - ` with
 * spaces, which a negative value (`critic/kl:-0.000`) never has.
 *
 * @example
 * parseVerlConsoleLine('step:3 - actor/entropy:np.float64(0.52) - x:oops')
 * // => { kind: 'metrics', step: 3, values: [['actor/entropy', 0.52]], nonFinite: [], bad: ["bad value in 'x:oops'"] }
 */
export function parseVerlConsoleLine(line: string): VerlConsoleLine {
  const s = stripConsolePrefixes(line);
  const head = STEP_HEAD.exec(s);
  if (!head) return { kind: 'other' };
  const result: VerlConsoleLine = { kind: 'metrics', step: Number(head[1]), values: [], nonFinite: [], bad: [] };
  const rest = s.slice(head[0].length).trimEnd();
  if (rest === '') {
    result.bad.push('no metrics after the step');
    return result;
  }
  if (!rest.startsWith(' - ')) {
    result.bad.push(`expected ' - ' after step:${head[1]}`);
    return result;
  }
  for (const raw of rest.slice(3).split(' - ')) {
    const pair = raw.trim();
    const colon = pair.indexOf(':');
    if (colon <= 0) {
      result.bad.push(pair === '' ? 'empty pair' : `no value in '${pair}'`);
      continue;
    }
    const key = pair.slice(0, colon).trim();
    const value = parsePythonScalar(pair.slice(colon + 1));
    if (value === undefined) result.bad.push(`bad value in '${pair}'`);
    else if (!Number.isFinite(value)) result.nonFinite.push(key);
    else result.values.push([key, value]);
  }
  return result;
}

/** Options of `parseVerlConsole`. */
export interface VerlConsoleOptions {
  /** Run id. Default: `source`. */
  id?: string;
  /** The path the text came from, named in warnings. Default: `'<text>'`. */
  source?: string;
  /** Collects one warning per kind of problem (malformed lines, dropped non-finite values). Default: none. */
  warnings?: Warnings;
}

/**
 * Reads a verl console log (what `trainer.logger=['console']` prints) into a run: every metric per step.
 * A step printed on several lines (validation, then training) is merged, a later value of a key winning.
 * Lines that are not metric lines are ignored; malformed metric lines keep their good pairs and are
 * counted in one warning naming the first bad line; non-finite values are dropped and counted.
 * Cost: one pass over the lines.
 *
 * @example
 * parseVerlConsole('(main_task pid=1) step:1 - actor/entropy:0.5 - critic/score/mean:0.25').steps.get(1)
 * // => Map { 'actor/entropy' => 0.5, 'critic/score/mean' => 0.25 }
 */
export function parseVerlConsole(text: string, options: VerlConsoleOptions = {}): RawRun {
  const { source = '<text>', id = source, warnings } = options;
  const steps: RawRun['steps'] = new Map();
  const malformed = new IssueCounter(source, 'malformed metric lines');
  const nonFinite = new IssueCounter(source, 'non-finite values (nan/inf)');
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    // A progress bar may share the line through carriage returns; each segment is a line of its own.
    for (const segment of lines[i].split('\r')) {
      const parsed = parseVerlConsoleLine(segment);
      if (parsed.kind === 'other') continue;
      for (const [key, value] of parsed.values) setMetric(steps, parsed.step, key, value);
      for (const key of parsed.nonFinite) nonFinite.add(i + 1, key);
      if (parsed.bad.length > 0) malformed.add(i + 1, parsed.bad[0]);
    }
  }
  malformed.report(warnings, 'read in part or skipped');
  nonFinite.report(warnings, 'dropped');
  return { id, source, format: 'verl-console', steps };
}
