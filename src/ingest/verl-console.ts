import type { Warnings } from '../util/warnings.ts';
import { IssueCounter } from './issues.ts';
import { parseLines, type LineParser } from './line-stream.ts';
import { parsePythonScalar } from './numbers.ts';
import { StepWriter } from './step-writer.ts';
import type { RawRun } from './types.ts';
import type { TextParserOptions } from './reader.ts';

/** ANSI escape sequences (CSI: colours, cursor moves), which Ray adds around its prefixes. */
// eslint-disable-next-line no-control-regex -- matching the ESC control character is the point
export const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
/** A Ray log prefix such as `(main_task pid=54569)` or `(TaskRunner pid=1, ip=10.0.0.2)`. */
const RAY_PREFIX = /^\([^()]*\)\s*/;
/** The start of a metric line once prefixes are gone: `step:<N>` then a space or the end. */
const STEP_HEAD = /^step:(\d+)(?=\s|$)/;
/** A full metric line: the step and at least one `key:value` pair. Used by format detection. */
const METRIC_LINE = /^step:\d+ - [^\s:][^:]*:\S/;

/** Why a bare `step:N` line is malformed. */
const NO_METRICS = 'no metrics after the step';

/** Whitespace around a pair: ASCII whitespace, no-break space and BOM (what `trim` removes in practice). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0xfeff;
}

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
      /** Good values left out because `keep` does not have their key. */
      dropped?: number;
    };

/**
 * Removes what Ray and terminals put before verl's own text: ANSI colour codes and `(name pid=N)` prefixes.
 *
 * @example
 * stripConsolePrefixes('\x1b[36m(main_task pid=1)\x1b[0m step:0 - a:1') // => 'step:0 - a:1'
 */
export function stripConsolePrefixes(line: string): string {
  // Most lines have no escape code; not running the replace on them is a good part of the reading time.
  let s = (line.includes('\x1b') ? line.replace(ANSI, '') : line).trimStart();
  // Nested actors print several prefixes; strip them one at a time.
  for (let m = RAY_PREFIX.exec(s); m; m = RAY_PREFIX.exec(s)) s = s.slice(m[0].length);
  return s;
}

/** True if the line, after prefixes, is a verl metric line with at least one `key:value` pair. */
export function isVerlConsoleMetricLine(line: string): boolean {
  return METRIC_LINE.test(stripConsolePrefixes(line));
}

/**
 * True if a file head is a verl console log: any of its lines (after ANSI codes and Ray prefixes) is
 * `step:<N> - <key>:<value>`. The head may end mid-line; that line still counts, the pattern needs only its start.
 *
 * @example
 * sniffVerlConsole(['INFO booting', '(main_task pid=1) step:0 - a:1']) // => true
 */
export function sniffVerlConsole(lines: readonly string[]): boolean {
  return lines.some(isVerlConsoleMetricLine);
}

/**
 * Parses one console line: `step:<N> - <key>:<value> - ...`, possibly behind ANSI codes and Ray prefixes.
 * Values may be printed with 3 decimals (verl < 0.5) or as Python reprs (`3`, `0.5213`, `nan`,
 * `np.float64(0.52)`). Keys may contain `(`, `)`, `/`, `@`; a pair is split at its first `:` because keys
 * never contain one but reprs can (`tensor(0.5, device='cuda:0')`). Pairs are separated by ` - ` with
 * spaces, which a negative value (`critic/kl:-0.000`) never has. With `keep`, only the values of its keys
 * are returned; every value is still checked, so the warnings are the same with or without it.
 *
 * @example
 * parseVerlConsoleLine('step:3 - actor/entropy:np.float64(0.52) - x:oops')
 * // => { kind: 'metrics', step: 3, values: [['actor/entropy', 0.52]], nonFinite: [], bad: ["bad value in 'x:oops'"] }
 */
export function parseVerlConsoleLine(line: string, keep?: { has(key: string): boolean }): VerlConsoleLine {
  const s = stripConsolePrefixes(line);
  const head = STEP_HEAD.exec(s);
  if (!head) return { kind: 'other' };
  const result: VerlConsoleLine = { kind: 'metrics', step: Number(head[1]), values: [], nonFinite: [], bad: [] };
  const rest = s.slice(head[0].length).trimEnd();
  if (rest === '') {
    result.bad.push(NO_METRICS);
    return result;
  }
  if (!rest.startsWith(' - ')) {
    result.bad.push(`expected ' - ' after step:${head[1]}`);
    return result;
  }
  // Pairs are walked by index rather than split into strings: a line has about a hundred pairs.
  for (let start = 3; start <= rest.length; ) {
    let end = rest.indexOf(' - ', start);
    if (end < 0) end = rest.length;
    let a = start;
    let b = end;
    while (a < b && isSpace(rest.charCodeAt(a))) a++;
    while (b > a && isSpace(rest.charCodeAt(b - 1))) b--;
    start = end + 3;
    const colon = rest.indexOf(':', a);
    if (colon <= a || colon >= b) {
      const pair = rest.slice(a, b);
      result.bad.push(pair === '' ? 'empty pair' : `no value in '${pair}'`);
      continue;
    }
    const key = rest.slice(a, colon).trim();
    const value = parsePythonScalar(rest.slice(colon + 1, b));
    if (value === undefined) result.bad.push(`bad value in '${rest.slice(a, b)}'`);
    else if (!Number.isFinite(value)) result.nonFinite.push(key);
    else if (!keep || keep.has(key)) result.values.push([key, value]);
    else result.dropped = (result.dropped ?? 0) + 1;
  }
  return result;
}

/** Options of `parseVerlConsole` and `verlConsoleParser`. */
export type VerlConsoleOptions = TextParserOptions;

/**
 * The line parser behind `parseVerlConsole`, for streams (`readLineFile`): feed it lines, then `finish()`.
 *
 * @example
 * await readLineFile('train.log', verlConsoleParser({ source: 'train.log' })) // => { format: 'verl-console', … }
 */
export function verlConsoleParser(options: VerlConsoleOptions = {}): LineParser<RawRun> {
  const { source = '<text>', id = source, keep, warnings } = options;
  const writer = new StepWriter(source, keep);
  const malformed = new IssueCounter(source, 'malformed metric lines');
  const nonFinite = new IssueCounter(source, 'non-finite values (nan/inf)');
  let cut: string | undefined;
  const segment = (text: string, n: number, last = false) => {
    // Most lines of a console log are not metric lines; the cheap test keeps the regexes off them.
    if (!text.includes('step:')) return;
    let parsed = parseVerlConsoleLine(text, keep);
    if (parsed.kind === 'other') return;
    if (last) {
      // The line may end mid-number (`acc/mean@1:0.` read as 0): its last pair is not trusted, good or bad.
      const at = text.trimEnd().lastIndexOf(' - ');
      const shorter = at < 0 ? undefined : parseVerlConsoleLine(text.slice(0, at), keep);
      if (shorter?.kind === 'metrics') {
        // With its only pair gone the line is a bare `step:N`, which is not malformed: it just has no values.
        if (shorter.values.length === 0 && shorter.bad.length === 1 && shorter.bad[0] === NO_METRICS) shorter.bad = [];
        cut = `${source}:${n}: the last line ends without a newline and may be cut short: its last pair '${text.slice(at + 3).trim().slice(0, 80)}' dropped`;
        parsed = shorter;
      }
    }
    // A step exists once it has a value: a bare `step:4` (a line cut short) adds none. Values left out by the
    // key filter count, so the steps (and the step order checks) are the same with or without it.
    if (parsed.values.length + (parsed.dropped ?? 0) > 0) writer.record(parsed.step, n);
    for (const [key, value] of parsed.values) writer.set(key, value);
    for (const key of parsed.nonFinite) nonFinite.add(n, key);
    if (parsed.bad.length > 0) malformed.add(n, parsed.bad[0]);
  };
  /** Reports the warnings so far to `into` and gives the run (a copy while lines may still come). */
  const result = (into: Warnings | undefined, copy: boolean) => {
    malformed.report(into, 'read in part or skipped');
    nonFinite.report(into, 'dropped');
    writer.report(into);
    if (cut !== undefined) into?.warn(cut);
    return copy ? writer.snapshot(id, source, 'verl-console') : writer.run(id, source, 'verl-console');
  };
  const line = (text: string, n: number, last = false) => {
    // A progress bar may share the line through carriage returns; each segment is a line of its own.
    if (!text.includes('\r')) return segment(text, n, last);
    const parts = text.split('\r');
    parts.forEach((part, i) => segment(part, n, last && i === parts.length - 1));
  };
  return {
    // Lines without `step:` are not metric lines: a stream may skip them undecoded (sample output is most of a log).
    needle: 'step:',
    line: (text, n) => line(text, n),
    cutLine: (text, n) => line(text, n, true),
    peek: (into) => result(into, true),
    finish: () => result(warnings, false),
  };
}

/**
 * Reads a verl console log (what `trainer.logger=['console']` prints) into a run: every metric per step.
 * A step printed on several lines (validation, then training) is merged; a key written again at a step (a
 * resumed run) keeps the later value, and steps that go back are counted, each in one warning.
 * Lines that are not metric lines are ignored; malformed metric lines keep their good pairs and are
 * counted in one warning naming the first bad line; non-finite values are dropped and counted.
 * Cost: one pass over the lines. For files, `readLineFile(path, verlConsoleParser(...))` streams instead.
 *
 * @example
 * parseVerlConsole('(main_task pid=1) step:1 - actor/entropy:0.5 - critic/score/mean:0.25').steps.get(1)
 * // => Map { 'actor/entropy' => 0.5, 'critic/score/mean' => 0.25 }
 */
export function parseVerlConsole(text: string, options: VerlConsoleOptions = {}): RawRun {
  return parseLines(text, verlConsoleParser(options));
}
