/** Plain-text layout for the CLI's human output: tables, and the lines every command prints per run. */
import { fixed, formatRunMeta, interval, pm, type RunAnalysis, type RunWarning } from '../index.ts';

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

/**
 * The fit table: one row per run with a column per parameter of the law (`a ± se`, `b ± se` for the
 * paper's), the ceiling with its interval, R² and RMSE; a run without a fit shows why instead of numbers.
 */
export function fitTable(runs: readonly RunAnalysis[]): string {
  const params = runs.find((r) => r.fit)?.fit?.paramNames ?? runs[0]?.law.params ?? [];
  const hasCeiling = runs.some((r) => r.law.ceiling);
  const rows = runs.map(({ run, selection, fit, ceiling }) => {
    const n = String(selection.used);
    // The reason goes under the table (`runNotes`): a long one here would widen every row.
    if (!fit) return [run, n, 'no fit (below)', ...params.slice(1).map(() => ''), ...(hasCeiling ? ['', ''] : []), '', ''];
    return [
      run,
      n,
      ...params.map((p) => pm(fit.params[p], fit.stderr[p])),
      ...(hasCeiling ? [ceiling ? pm(ceiling.value, ceiling.stderr) : '—', ceiling ? interval(ceiling.ci) : '—'] : []),
      fixed(fit.r2, 3),
      fixed(fit.rmse),
    ];
  });
  const ceilingHeader = runs[0]?.law.name === 'entropy-exp' ? 'ceiling b−a ± se' : 'ceiling ± se';
  const header = ['run', 'n', ...params.map((p) => `${p} ± se`), ...(hasCeiling ? [ceilingHeader, '95% CI'] : []), 'R²', 'RMSE'];
  const law = runs[0]?.law;
  const title = law && law.name !== 'entropy-exp' ? `law ${law.name}: ${/^\s*R\s*=/.test(law.formula) ? law.formula : `R = ${law.formula}`}\n\n` : '';
  return `${title}${table(header, rows)}\n\n${runNotes(runs)}`;
}

/**
 * Per run: which keys were H and R, the points used (burn-in, steps window), what the run is, and each
 * warning on its own line.
 */
export function runNotes(runs: readonly RunAnalysis[]): string {
  return runs
    .map((r) => {
      const head = r.info ? `${r.run}: H = ${r.info.entropyKey}, R = ${r.info.metric} (${r.info.metricKind})` : r.run;
      const meta = r.info ? formatRunMeta(r.info) : '';
      const { selection: s } = r;
      const points = s.used === s.total ? '' : `; ${s.used} of ${s.total} points used${s.burnIn ? ` (${s.burnIn} burn-in)` : ''}`;
      const error = r.fit ? [] : [`  no fit: ${r.error ?? 'unknown'}`];
      return [`${head}${points}${meta ? `; ${meta}` : ''}`, ...error, ...warningLines(r.warnings)].join('\n');
    })
    .join('\n');
}

/** A run's warnings as indented `warning:` lines. */
export function warningLines(warnings: readonly RunWarning[], indent = '  '): string[] {
  return warnings.map((w) => `${indent}warning: ${w.message}`);
}
