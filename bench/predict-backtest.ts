/**
 * Backtests of forecasts on the real verl logs and on seeded synthetic runs: RMSE, final-point error and
 * 90% interval coverage per fraction, for the forecast in time (entropy curve × law) and from observed
 * entropy (the paper's protocol), each with and without the burn-in rule; the paper's 15% number per run;
 * and, side by side, the ScaleRL sigmoid fitted to R against step on the same cuts. The synthetic sets are
 * seeded runs with format learning and runs that follow the law exactly with known noise (where 90%
 * intervals should cover about 90%).
 *
 * Run: node --import tsx bench/predict-backtest.ts [logs...] (default: the real logs in test/fixtures/real/)
 */
import { scaleRlSigmoid } from '../src/fit/laws/scalerl-sigmoid.ts';
import { fitLaw } from '../src/fit/nonlinear/fit-law.ts';
import { ingest } from '../src/ingest/load.ts';
import type { RunSeries } from '../src/ingest/types.ts';
import { backtest, type Backtest } from '../src/predict/backtest.ts';
import { earlyFitPoints } from '../src/predict/early-fit.ts';
import { syntheticRun } from '../src/predict/synthetic.ts';

const FRACTIONS = [0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 0.9];
const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? '  —  ' : x.toFixed(4));
const pct = (x: number | null | undefined): string => (x === null || x === undefined ? ' — ' : `${Math.round(100 * x)}%`);

/** Mean RMSE of the ScaleRL sigmoid in step, fitted on each cut, over the runs it converged on. */
function sigmoidRmse(series: RunSeries[], fraction: number): { rmse: number | null; runs: number } {
  const scores: number[] = [];
  for (const s of series) {
    const n = s.step.length;
    const k = earlyFitPoints(n, fraction);
    if (k >= n || k < 5) continue;
    try {
      const fit = fitLaw(scaleRlSigmoid, { columns: [s.step.subarray(0, k)], y: s.metric.subarray(0, k) });
      if (!fit.converged) continue;
      const out = new Float64Array(n - k);
      scaleRlSigmoid.evaluate(fit.values, [s.step.subarray(k)], out);
      let sse = 0;
      for (let j = 0; j < out.length; j++) sse += (out[j] - s.metric[k + j]) ** 2;
      scores.push(Math.sqrt(sse / out.length));
    } catch {
      // A cut the sigmoid cannot be fitted to is left out of its mean.
    }
  }
  return { rmse: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null, runs: scores.length };
}

/** The four variants, or (`burnInOnly`) the two with the burn-in rule, to keep large sets quick. */
function table(title: string, series: RunSeries[], burnInOnly = false): string[] {
  const variants: [string, Backtest][] = [
    ['time, burn-in auto', backtest(series, { fractions: FRACTIONS })],
    ...(burnInOnly ? [] : [['time, no burn-in', backtest(series, { fractions: FRACTIONS, burnIn: 'none' })] as [string, Backtest]]),
    ['entropy, burn-in auto', backtest(series, { fractions: FRACTIONS, mode: 'entropy' })],
    ...(burnInOnly ? [] : [['entropy, no burn-in', backtest(series, { fractions: FRACTIONS, mode: 'entropy', burnIn: 'none' })] as [string, Backtest]]),
  ];
  const out = [`## ${title} (${series.length} runs)`, '', '| fraction | ' + variants.map(([v]) => `${v}: RMSE / final / cov90`).join(' | ') + ' | ScaleRL sigmoid RMSE |'];
  out.push('|' + ' --- |'.repeat(variants.length + 2));
  FRACTIONS.forEach((f, i) => {
    const cells = variants.map(([, b]) => `${f3(b.byFraction[i].meanRmse)} / ${f3(b.byFraction[i].meanFinalError)} / ${pct(b.byFraction[i].coverage)}`);
    const sig = sigmoidRmse(series, f);
    out.push(`| ${f} | ${cells.join(' | ')} | ${f3(sig.rmse)} (${sig.runs}) |`);
  });
  out.push('| all | ' + variants.map(([, b]) => `pooled cov90 ${pct(b.coverage)}`).join(' | ') + ' | |', '');
  const paper = variants[0][1].runs;
  if (paper.length > 12) {
    // Many runs: one line (mean RMSE, mean of the per-run coverages).
    const scored = paper.filter((r) => r.paper.rmse !== null);
    const avg = (f: (r: (typeof paper)[number]) => number): number => scored.reduce((s, r) => s + f(r), 0) / scored.length;
    out.push(`Paper protocol (first 15% → rest, observed entropy, no burn-in), mean over ${scored.length} runs: RMSE ${f3(avg((r) => r.paper.rmse as number))}, cov90 ${pct(avg((r) => r.paper.coverage as number))}`);
  } else {
    out.push('Paper protocol (first 15% → rest, observed entropy, no burn-in): RMSE / final error / cov90 per run');
    for (const r of paper) out.push(`- ${r.run}: ${f3(r.paper.rmse)} / ${f3(r.paper.finalError)} / ${pct(r.paper.coverage)} (fit on ${r.paper.fitPoints} of ${r.points})`);
  }
  out.push('');
  return out;
}

const paths = process.argv.slice(2);
const t0 = performance.now();
const real = (await ingest(paths.length ? paths : [new URL('../test/fixtures/real/', import.meta.url).pathname])).series;
const synthetic = Array.from({ length: 12 }, (_, i) =>
  syntheticRun({ run: `synthetic-${i}`, seed: 1000 + i, tau: 50 + 10 * i, formatPoints: i % 3 === 0 ? 2 : 0 }),
);
// Runs that follow the law exactly with known noise, from entropy-driven wiggles of R (noiseH) to pure
// reading noise (noiseR), 4 seeds each: here 90% intervals should cover about 90%, not more. Coverage is
// shared by all held-out points of a cut, so a handful of runs is not enough to judge it.
const exact = Array.from({ length: 36 }, (_, i) => {
  const noiseH = [0, 0.01, 0.02][i % 3];
  const noiseR = [0.005, 0.01, 0.02][Math.floor(i / 3) % 3];
  return syntheticRun({ run: `exact-${i}`, seed: 2000 + i, tau: 40 + 5 * i, noiseH, noiseR, points: 30 + 10 * (i % 4) });
});
console.log(
  [
    ...table('Real verl logs', real),
    ...table('Synthetic runs (seeded; every third with format learning)', synthetic),
    ...table('Synthetic runs that follow the law exactly (noiseH 0, 0.01, 0.02 × noiseR 0.005, 0.01, 0.02)', exact, true),
  ].join('\n'),
);
console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
