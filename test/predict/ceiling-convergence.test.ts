import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analysisOptions, analyzeRun, ceilingConvergence, cutPoints, ingest, sliceSeries, type AnalyzeOptions } from '../../src/index.ts';
import type { RunSeries } from '../../src/ingest/types.ts';
import { assertClose, REAL_LOGS } from '../helpers.ts';

/** numpy/scipy's answer for every cut of a fixed noisy run (test/predict/reference/convergence_reference.py). */
const ref = JSON.parse(readFileSync(new URL('./reference/convergence-reference.json', import.meta.url), 'utf8'));
const refRun: RunSeries = { run: 'reference', step: Float64Array.from(ref.step), entropy: Float64Array.from(ref.entropy), metric: Float64Array.from(ref.metric) };

describe('ceilingConvergence', () => {
  it('refits every cut as numpy/scipy do by hand, and finds when the estimate and its interval settled within ±0.01', () => {
    const analysis = analyzeRun(refRun, { burnIn: 'none' });
    const c = ceilingConvergence(analysis, { maxCuts: 100 });
    assert.equal(c.cuts.length, ref.cuts.length);
    c.cuts.forEach((cut, i) => {
      const r = ref.cuts[i];
      assert.equal(cut.points, r.points);
      assert.equal(cut.step, r.step);
      assert.equal(cut.used, r.points);
      assert.equal(cut.fraction, r.points / 36);
      assertClose(cut.ceiling!.value, r.ceiling, { rtol: 1e-9 }, `ceiling after ${r.points} points`);
      assertClose(cut.ceiling!.stderr, r.stderr, { rtol: 1e-7 }, `stderr after ${r.points} points`);
      assertClose(cut.ceiling!.ci[0], r.ci[0], { rtol: 1e-7 }, `lower after ${r.points} points`);
      assertClose(cut.ceiling!.ci[1], r.ci[1], { rtol: 1e-7 }, `upper after ${r.points} points`);
    });
    // The last cut is the run's own analysis.
    assert.deepEqual(c.final, analysis.ceiling);
    assert.deepEqual(c.cuts.at(-1)!.ceiling, analysis.ceiling);
    assert.equal(ref.settled_points, 15);
    assert.equal(ref.precise_points, 17);
    assert.deepEqual(c.settled, { points: 15, fraction: 15 / 36, step: 150 });
    assert.deepEqual(c.precise, { points: 17, fraction: 17 / 36, step: 170 });
    // A looser tolerance settles no later; at ±0.1 the third cut (0.431, 0.117 from the end) is still out.
    assert.equal(ceilingConvergence(analysis, { maxCuts: 100, tolerance: 0.1 }).settled!.points, 4);
  });

  it('spaces at most maxCuts cuts evenly in points, the whole run last', () => {
    assert.deepEqual(cutPoints(3, 36, 5), [3, 11, 20, 28, 36]); // 3 + 33·j/4 rounded
    assert.deepEqual(cutPoints(3, 6, 30), [3, 4, 5, 6]);
    assert.deepEqual(cutPoints(3, 2, 30), [2]);
    assert.deepEqual(cutPoints(3, 0, 30), []);
    const c = ceilingConvergence(analyzeRun(refRun, { burnIn: 'none' }), { maxCuts: 5 });
    assert.deepEqual(c.cuts.map((x) => x.points), [3, 11, 20, 28, 36]);
  });

  it('analyses each cut of a real log as a running job would be analysed, with the options read back from the analysis', async () => {
    const data = await ingest([REAL_LOGS]);
    const qwen = data.runs.findIndex((r) => r.id.includes('0.567'));
    const series = data.series[qwen];
    const cases: AnalyzeOptions[] = [{}, { burnIn: 'none' }, { burnIn: 3 }, { law: 'entropy-linear', minStep: 20, maxStep: 300 }, { law: 'entropy-exp3', confidence: 0.9 }, { robust: true }];
    for (const options of cases) {
      const analysis = analyzeRun(series, options, data.runs[qwen]);
      const back = analysisOptions(analysis);
      assert.equal(back.burnIn, options.burnIn ?? 'auto');
      assert.equal(back.minStep, options.minStep);
      assert.equal(back.maxStep, options.maxStep);
      const c = ceilingConvergence(analysis, { maxCuts: 8 });
      assert.equal(c.cuts.length, 8);
      const { from } = analysis.selection;
      for (const cut of c.cuts) {
        const direct = analyzeRun(sliceSeries(series, 0, from + cut.points), options, data.runs[qwen]);
        assert.deepEqual(cut.ceiling, direct.ceiling, `${JSON.stringify(options)}: ceiling after ${cut.points} points`);
        assert.equal(cut.used, direct.selection.used);
        assert.equal(cut.step, series.step[from + cut.points - 1]);
      }
      assert.deepEqual(c.final, analysis.ceiling);
      assert.equal(c.cuts.at(-1)!.points, analysis.selection.to - analysis.selection.from);
    }
  });

  it('with format learning, early cuts see the burn-in the rule finds in them; cuts too short to fit say why', async () => {
    const data = await ingest([REAL_LOGS]);
    const i = data.runs.findIndex((r) => r.id.includes('0.567'));
    const analysis = analyzeRun(data.series[i], {}, data.runs[i]);
    assert.equal(analysis.selection.burnIn, 2);
    const c = ceilingConvergence(analysis, { maxCuts: 100 });
    assert.equal(c.cuts[0].points, 3);
    for (const cut of c.cuts) {
      if (cut.ceiling === null) assert.match(cut.error ?? '', /at least 3 points|requires/, `cut of ${cut.points}`);
      else assert.ok(Number.isFinite(cut.ceiling.value));
    }
    // In hindsight the estimate settles before the run ends, and the whole run's interval is within ±0.01.
    assert.ok(c.settled !== null && c.settled.points < 43);
    assert.ok(c.precise !== null);
    assert.ok(c.cuts.slice(c.cuts.findIndex((x) => x.points === c.settled!.points)).every((x) => Math.abs(x.ceiling!.value - c.final!.value) <= 0.01));
  });

  it('a law without a ceiling, or a run without a fit, has no final value and never settles', () => {
    const noCeiling = ceilingConvergence(analyzeRun(refRun, { law: 'b - a*exp(H)', start: { a: 0.2, b: 0.8 }, burnIn: 'none' }), { maxCuts: 4 });
    assert.equal(noCeiling.final, null);
    assert.equal(noCeiling.settled, null);
    assert.equal(noCeiling.precise, null);
    assert.ok(noCeiling.cuts.every((x) => x.ceiling === null && /no ceiling/.test(x.error ?? '')));
    const short = ceilingConvergence(analyzeRun(sliceSeries(refRun, 0, 2)));
    assert.equal(short.final, null);
    assert.deepEqual(short.cuts.map((x) => x.points), [2]);
    assert.match(short.cuts[0].error ?? '', /at least 3 points/);
  });

  it('refuses a tolerance that is not positive and fewer than 2 cuts', () => {
    const analysis = analyzeRun(refRun);
    assert.throws(() => ceilingConvergence(analysis, { tolerance: 0 }), { name: 'UsageError', message: 'invalid tolerance: 0 (expected a positive number)' });
    assert.throws(() => ceilingConvergence(analysis, { maxCuts: 1 }), { name: 'UsageError', message: 'invalid maxCuts: 1 (expected an integer ≥ 2)' });
  });
});
