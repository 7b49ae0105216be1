import type { Warnings } from '../util/warnings.ts';

/**
 * Counts one kind of problem across a file and reports it as a single warning, so a log with ten thousand
 * bad lines gives one readable line (with the count and where to look first) instead of ten thousand.
 */
export class IssueCounter {
  private count = 0;
  private firstLine = 0;
  private firstDetail = '';

  /**
   * @param source the file the problem is in, named in the warning
   * @param what a plural noun phrase, e.g. `malformed metric lines`
   */
  constructor(
    private readonly source: string,
    private readonly what: string,
  ) {}

  /** Records one occurrence at a 1-based line, with a short detail for the first one. */
  add(line: number, detail = ''): void {
    if (this.count === 0) {
      this.firstLine = line;
      this.firstDetail = detail;
    }
    this.count++;
  }

  /** Records `count` occurrences at once, the first at `line`. */
  addMany(count: number, line: number, detail = ''): void {
    if (count <= 0) return;
    this.add(line, detail);
    this.count += count - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Emits the warning (nothing when there was no problem). */
  report(warnings: Warnings | undefined, consequence: string): void {
    if (this.count === 0 || !warnings) return;
    const detail = this.firstDetail ? ` (${this.firstDetail})` : '';
    warnings.warn(
      `${this.source}: ${this.count} ${this.what} ${consequence}; first at line ${this.firstLine}${detail}`,
    );
  }
}

/** Sets `key` at `step`, creating the step's map on first use; a later value replaces an earlier one. */
export function setMetric(steps: Map<number, Map<string, number>>, step: number, key: string, value: number): void {
  let m = steps.get(step);
  if (!m) {
    m = new Map();
    steps.set(step, m);
  }
  m.set(key, value);
}

/** Splits text into lines, dropping the `\r` of CRLF endings. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
  return lines;
}
