import type { Warnings } from '../util/warnings.ts';

/**
 * Counts one kind of problem across a file and reports it as a single warning, so a log with ten thousand
 * bad lines gives one readable line (with the count and where to look first) instead of ten thousand.
 */
export class IssueCounter {
  private count = 0;
  private firstLine = 0;
  private firstDetail = '';
  private firstSource: string;

  /**
   * @param source the file the problem is in, named in the warning (see `source` for runs read from several)
   * @param what a plural noun phrase, e.g. `malformed metric lines`
   * @param where how a location reads in the warning; default `line N` (binary files say `byte offset N`)
   */
  constructor(
    public source: string,
    private readonly what: string,
    private readonly where: (at: number) => string = (line) => `line ${line}`,
  ) {
    this.firstSource = source;
  }

  /** Records one occurrence at a 1-based line (or other location), with a short detail for the first one. */
  add(line: number, detail = ''): void {
    if (this.count === 0) {
      this.firstLine = line;
      this.firstDetail = detail;
      this.firstSource = this.source;
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

  /**
   * Emits the warning (nothing when there was no problem), naming the file of the first occurrence. It can be
   * called again (a run reported while it is still being read); the counts go on.
   */
  report(warnings: Warnings | undefined, consequence: string): void {
    if (this.count === 0 || !warnings) return;
    const detail = this.firstDetail ? ` (${this.firstDetail})` : '';
    warnings.warn(`${this.firstSource}: ${this.count} ${this.what} ${consequence}; first at ${this.where(this.firstLine)}${detail}`);
  }
}

/** Splits text into lines, dropping the `\r` of CRLF endings. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
  return lines;
}
