/** Plain-text formatting for the CLI's human output. */

/** A number with `digits` significant decimals, or "—" when absent. */
export function num(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const fixed = x.toFixed(digits);
  // Keep −0.0000 from showing up for values that round to zero.
  return /^-0\.?0*$/.test(fixed) ? fixed.slice(1) : fixed;
}

/** `value ± stderr`. */
export function pm(value: number, stderr: number, digits = 4): string {
  return `${num(value, digits)} ± ${num(stderr, digits)}`;
}

/** Lays out rows as a left-aligned text table with a header and a rule. Numbers are right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => /^[-+\d.—±\s[\],]*$/.test(r[j] ?? '')));
  const line = (cells: string[]) =>
    cells
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
