import { parseCsvLine, detectDelimiter } from '../ingest/csv.ts';
import { sniffFormat } from '../ingest/detect.ts';
import { setMetric } from '../ingest/issues.ts';
import { flattenNumbers, parseJsonObjectLine } from '../ingest/json-line.ts';
import { parseNumberText } from '../ingest/numbers.ts';
import { DEFAULT_STEP_KEYS } from '../ingest/table.ts';
import type { LogFormat, RawRun } from '../ingest/types.ts';
import { parseVerlConsoleLine } from '../ingest/verl-console.ts';
import { parseVerlJsonlLine } from '../ingest/verl-jsonl.ts';
import { UsageError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';

/** The text formats a live run can be followed in, line by line. */
export const LIVE_FORMATS: readonly LogFormat[] = ['verl-console', 'verl-jsonl', 'jsonl', 'csv'];

/** Options for `LiveRun`. */
export interface LiveRunOptions {
  /** The format, when known; otherwise detected from the first lines (see `LiveRun.add`). */
  format?: LogFormat;
  /** Step column for plain JSONL and CSV. Default: the first of `DEFAULT_STEP_KEYS` present. */
  step?: string;
  /** Collects one counted warning per kind of unreadable line. */
  warnings?: Warnings;
}

/**
 * A run being assembled from a log's complete lines as they arrive: the incremental twin of the ingest
 * readers, built on their line parsers. Until the format is known, lines are kept and the format is
 * sniffed from them; a CSV is accepted only once its header names a step column, so a console log that
 * opens with a comma-separated warning is not taken for a table.
 */
export class LiveRun {
  readonly raw: RawRun;
  private format: LogFormat | undefined;
  private held: string[] = [];
  private csv: { delimiter: string; header: string[]; step: number } | undefined;

  constructor(id: string, source: string, private readonly options: LiveRunOptions = {}) {
    this.format = options.format;
    if (this.format && !LIVE_FORMATS.includes(this.format)) {
      throw new UsageError(`cannot follow ${this.format} logs line by line (expected one of ${LIVE_FORMATS.join(', ')})`);
    }
    this.raw = { id, source, format: this.format ?? 'verl-console', steps: new Map() };
  }

  /** The detected (or given) format; undefined until the first lines settle it. */
  get detected(): LogFormat | undefined {
    return this.format;
  }

  /** Forgets everything (the file was rewritten). */
  reset(): void {
    this.raw.steps.clear();
    this.held = [];
    this.csv = undefined;
    this.format = this.options.format;
  }

  /**
   * Adds complete lines, in file order. Cost: the lines (plus re-sniffing held lines while the format is
   * unknown).
   * @example live.add(['step:10 - actor/entropy:0.5 - val/test_score/gsm8k:0.4']); live.raw.steps.size // => 1
   */
  add(lines: string[]): void {
    if (!this.format) {
      this.held.push(...lines);
      const format = this.sniff();
      if (!format) return;
      this.format = format;
      this.raw.format = format;
      lines = this.held;
      this.held = [];
    }
    for (const line of lines) this.line(line);
  }

  private sniff(): LogFormat | undefined {
    const format = sniffFormat(this.held.join('\n') + '\n');
    if (format === undefined) return undefined;
    if (!LIVE_FORMATS.includes(format)) {
      throw new UsageError(`cannot follow ${format} logs line by line (expected one of ${LIVE_FORMATS.join(', ')})`);
    }
    if (format !== 'csv') return format;
    const header = this.held.find((l) => l.trim() !== '') as string;
    const delimiter = detectDelimiter(header);
    const parsed = delimiter === undefined ? undefined : parseCsvLine(header, delimiter);
    const fields = parsed?.ok ? parsed.fields.map((f) => f.trim()) : [];
    const wanted = this.options.step ? [this.options.step] : DEFAULT_STEP_KEYS;
    return fields.some((f) => wanted.includes(f)) ? 'csv' : undefined;
  }

  private bad(reason: string): void {
    this.options.warnings?.warn(`${this.raw.source}: lines that could not be read were skipped (${reason})`);
  }

  private line(line: string): void {
    const steps = this.raw.steps;
    if (this.format === 'verl-console') {
      const parsed = parseVerlConsoleLine(line);
      if (parsed.kind !== 'metrics') return;
      for (const [key, value] of parsed.values) setMetric(steps, parsed.step, key, value);
      if (parsed.bad.length) this.bad('malformed metric pairs');
    } else if (this.format === 'verl-jsonl') {
      if (line.trim() === '') return;
      const parsed = parseVerlJsonlLine(line);
      if (!parsed.ok) return this.bad(parsed.reason);
      for (const [key, value] of parsed.metrics) setMetric(steps, parsed.step, key, value);
    } else if (this.format === 'jsonl') {
      if (line.trim() === '') return;
      const parsed = parseJsonObjectLine(line);
      if (!parsed.ok) return this.bad(parsed.reason);
      const metrics = new Map<string, number>();
      flattenNumbers(parsed.value, metrics);
      const key = this.options.step ?? DEFAULT_STEP_KEYS.find((k) => metrics.has(k));
      const step = key === undefined ? undefined : metrics.get(key);
      if (step === undefined || !Number.isFinite(step)) return this.bad('no step');
      for (const [k, value] of metrics) if (k !== key && Number.isFinite(value)) setMetric(steps, step, k, value);
    } else {
      this.csvLine(line);
    }
  }

  private csvLine(line: string): void {
    if (line.trim() === '') return;
    if (!this.csv) {
      const delimiter = detectDelimiter(line) ?? ',';
      const parsed = parseCsvLine(line, delimiter);
      const header = parsed.ok ? parsed.fields.map((f) => f.trim()) : [];
      const wanted = this.options.step ? [this.options.step] : DEFAULT_STEP_KEYS;
      const step = header.findIndex((f) => wanted.includes(f));
      this.csv = { delimiter, header, step };
      return;
    }
    const parsed = parseCsvLine(line, this.csv.delimiter);
    if (!parsed.ok || this.csv.step < 0) return this.bad('unreadable CSV row');
    const step = parseNumberText(parsed.fields[this.csv.step] ?? '');
    if (step === undefined || !Number.isFinite(step)) return this.bad('no step');
    parsed.fields.forEach((text, i) => {
      const value = parseNumberText(text);
      if (i !== this.csv!.step && i < this.csv!.header.length && value !== undefined && Number.isFinite(value)) {
        setMetric(this.raw.steps, step, this.csv!.header[i], value);
      }
    });
  }
}
