/** Plain-text forecasts and backtests for a terminal. */
import { fixed as num, percent as pct, sig as fmt, type Backtest, type RunForecast } from '../index.ts';

/**
 * A forecast as plain text for a terminal: the prediction with its interval, the ceiling, the headroom,
 * when the ceiling is reached, then one `warning:` line each.
 * @example formatForecast(forecastRun(series, { at: 1000 }))[0] // => 'qwen: R at step 1000 = 0.5560 (90% 0.5332–0.5788)'
 */
export function formatForecast(f: RunForecast): string[] {
  const level = Math.round(100 * f.confidence);
  const lines = [`${f.run}: R at step ${fmt(f.at)} = ${num(f.predicted)} (${level}% ${num(f.interval[0])}–${num(f.interval[1])})`];
  if (f.ceiling) {
    lines.push(
      `  ceiling ${f.law.name === 'entropy-exp' ? 'b − a ' : ''}= ${num(f.ceiling.value)} (95% ${num(f.ceiling.ci[0])}–${num(f.ceiling.ci[1])}); headroom ${num(f.headroom)} over R = ${num(f.last.metric)} at step ${fmt(f.last.step)}`,
      f.ceilingStep === null
        ? `  not predicted to come within ${fmt(f.epsilon)} of the ceiling`
        : `  within ${fmt(f.epsilon)} of the ceiling at step ${fmt(f.ceilingStep)} (${fmt(f.stepsToCeiling as number)} steps from now)`,
    );
  } else lines.push(`  law ${f.law.name} has no ceiling; last R = ${num(f.last.metric)} at step ${fmt(f.last.step)}`);
  const burnIn = f.burnIn ? `${f.burnIn} burn-in point(s) excluded` : '';
  if (f.entropyModel && f.entropyAt !== null) {
    lines.push(`  entropy: ${f.entropyModel.model} curve to H = ${num(f.entropyModel.floor)}; H at step ${fmt(f.at)} ≈ ${num(f.entropyAt)}` + (burnIn ? `; ${burnIn}` : ''));
  } else if (burnIn) lines.push(`  ${burnIn}`);
  for (const w of f.warnings) lines.push(`  warning: ${w.message}`);
  return lines;
}

/**
 * A backtest as a plain-text table: one line per run and fraction (RMSE, final error, coverage), the
 * paper-protocol line per run, then the summary per fraction and the pooled coverage.
 * @example formatBacktest(backtest(runs)).at(-1) // => 'pooled coverage of 90% intervals: 92%'
 */
export function formatBacktest(b: Backtest): string[] {
  const level = Math.round(100 * b.confidence);
  const lines = [`backtest (${b.mode === 'time' ? 'forecast in time' : 'from observed entropy'}); columns: fraction, fit points, RMSE, final error, coverage of ${level}% intervals`];
  for (const r of b.runs) {
    lines.push(`${r.run} (${r.points} points)`);
    for (const x of r.rows) {
      lines.push(`  ${x.fraction.toFixed(2)}  ${String(x.fitPoints).padStart(4)}  ${num(x.rmse)}  ${num(x.finalError)}  ${pct(x.coverage).padStart(4)}${x.error ? `  (${x.error})` : ''}`);
    }
    lines.push(`  paper protocol (first 15% → rest): RMSE ${num(r.paper.rmse)}, final error ${num(r.paper.finalError)}, coverage ${pct(r.paper.coverage)}`);
    for (const w of r.warnings) lines.push(`  warning: ${w.message}`);
  }
  lines.push('summary over runs: fraction, runs, mean RMSE, median RMSE, mean final error, pooled coverage');
  for (const f of b.byFraction) {
    lines.push(`  ${f.fraction.toFixed(2)}  ${f.runs}  ${num(f.meanRmse)}  ${num(f.medianRmse)}  ${num(f.meanFinalError)}  ${pct(f.coverage)}`);
  }
  const horizons = b.byHorizon.filter((h) => h.points > 0).map((h) => `${Number.isFinite(h.to) ? `${h.from}–${h.to}` : `≥ ${h.from}`} of the run ahead: ${pct(h.coverage)} of ${h.points}`);
  if (horizons.length) lines.push(`coverage by horizon: ${horizons.join('; ')}`);
  lines.push(`paper protocol mean RMSE: ${num(b.paperMeanRmse)}`, `pooled coverage of ${level}% intervals: ${pct(b.coverage)}`);
  return lines;
}
