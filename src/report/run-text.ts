/**
 * What the page says about a run in words: its key numbers (ceiling, when it settled, how the early fit
 * forecast the rest, where a forecast in time puts it) and its diagnostics, with every warning the
 * analysis, the early fit and the forecast raised. Plain text; the page escapes it.
 */
import { fixed, interval, percent, sig } from '../util/format.ts';
import type { RunWarning } from '../predict/warnings.ts';
import type { ReportRun } from './types.ts';

/**
 * The run's key numbers as sentences, most important first. `live` words the convergence for a run still
 * training (its last estimate is not final).
 *
 * @example
 * runKeyNumbers(run)[0]; // => 'ceiling b − a = 0.5698, 95% CI [0.5632, 0.5764]'
 */
export function runKeyNumbers(run: ReportRun, live = false): string[] {
  const out: string[] = [];
  if (!run.fit) out.push(`no fit: ${run.error ?? 'no fit'}`);
  else if (run.ceiling) {
    const c = run.ceiling;
    out.push(`ceiling ${run.law.name === 'entropy-exp' ? 'b − a ' : ''}= ${fixed(c.value)}, ${Math.round(c.confidence * 100)}% CI ${interval(c.ci)} (${run.fit.n} points, R² ${fixed(run.fit.r2, 3)})`);
  } else out.push(`law ${run.law.name} has no ceiling (${run.fit.n} points, R² ${fixed(run.fit.r2, 3)})`);
  const conv = run.convergence;
  if (conv?.final) {
    const tol = sig(conv.tolerance);
    const what = live ? 'the current estimate' : 'the final value';
    const s = conv.settled;
    const p = conv.precise;
    if (s) {
      const last = s.points === conv.cuts.at(-1)?.points;
      const since = live
        ? last
          ? `the estimate moved by more than ±${tol} at the last point (step ${s.step})`
          : `the estimate has stayed within ±${tol} of ${what} since step ${s.step} (${percent(s.fraction)} of the points so far)`
        : last
          ? `the estimate came within ±${tol} of ${what} only at the last point (step ${s.step})`
          : `the estimate was within ±${tol} of ${what} from step ${s.step} on, ${percent(s.fraction)} of the points`;
      out.push(`${since}; ${p ? `its 95% CI within ±${tol} from step ${p.step} (${percent(p.fraction)})` : `its 95% CI is still wider than ±${tol}`}`);
    }
  }
  const e = run.early;
  if (e && e.rmse !== null) {
    out.push(
      `fit on the first ${Math.round(e.fraction * 100)}% (${e.fitPoints} points): the rest forecast with RMSE ${fixed(e.rmse)}` +
        (e.coverage !== null ? `, ${percent(e.coverage)} of them inside their ${Math.round(e.confidence * 100)}% intervals` : ''),
    );
  } else if (run.earlyError) out.push(`no early-fit forecast: ${run.earlyError}`);
  const f = run.forecast;
  if (f) {
    out.push(`forecast at step ${f.at}: R = ${fixed(f.predicted)}, ${Math.round(f.confidence * 100)}% interval ${interval(f.interval)}`);
    if (f.ceiling) {
      const head = `headroom ${fixed(f.headroom)} above the last R (${fixed(f.last.metric)} at step ${f.last.step})`;
      out.push(
        f.ceilingStep === null
          ? `${head}; not forecast to come within ${sig(f.epsilon)} of the ceiling`
          : f.stepsToCeiling === 0
            ? `${head}; already within ${sig(f.epsilon)} of the ceiling`
            : `${head}; within ${sig(f.epsilon)} of the ceiling at step ${f.ceilingStep}, ${f.stepsToCeiling} steps on`,
      );
    }
  } else if (run.forecastError) out.push(`no forecast in time yet: ${run.forecastError}`);
  return out;
}

/**
 * Every warning about a run, once each: its analysis's, then its early fit's and its forecast's.
 *
 * @example
 * runDiagnostics(run).map((w) => w.code); // => ['format-learning', 'late-regime-change']
 */
export function runDiagnostics(run: ReportRun): RunWarning[] {
  const seen = new Set<string>();
  const out: RunWarning[] = [];
  for (const w of [...run.warnings, ...(run.early?.warnings ?? []), ...(run.forecast?.warnings ?? [])]) {
    const key = `${w.code}\u0000${w.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(w);
  }
  return out;
}
