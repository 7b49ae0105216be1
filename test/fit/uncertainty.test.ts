import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compareLaws } from '../../src/fit/compare/compare-laws.ts';
import { fSurvival } from '../../src/fit/compare/f-distribution.ts';
import { pooledVsSeparate } from '../../src/fit/compare/pooled.ts';
import { coefficientScaling, fitLogLinear, predictLogLinear } from '../../src/fit/compare/scaling.ts';
import { BUILTIN_LAWS } from '../../src/fit/laws/index.ts';
import { fitLaw } from '../../src/fit/nonlinear/fit-law.ts';
import { bootstrapLaw } from '../../src/fit/uncertainty/bootstrap.ts';
import { lawCeiling, predictionBand } from '../../src/fit/uncertainty/prediction-band.ts';
import { fitEntropyLaw } from '../../src/fit/entropy-law.ts';
import { assertClose } from '../helpers.ts';

const load = (name: string) => JSON.parse(readFileSync(new URL(`./reference/${name}`, import.meta.url), 'utf8'));
/** Values from test/fit/reference/make_reference.py (scipy.optimize.curve_fit, scipy.stats). */
const U = load('uncertainty.json');
const CASES = load('laws.json').cases as { name: string; x: number[]; y: number[] }[];
const data = (name: string) => {
  const c = CASES.find((k) => k.name === name)!;
  return { columns: [c.x], y: c.y };
};
const RTOL = { rtol: 1e-6 };

test(`delta-method band equals J·pcov·Jᵀ from scipy ${U.scipy}`, () => {
  const law = BUILTIN_LAWS['entropy-exp3'];
  const fit = fitLaw(law, data('entropy-exp3'));
  const mean = predictionBand(law, fit, [U.band.at]);
  const obs = predictionBand(law, fit, [U.band.at], { observation: true });
  U.band.at.forEach((_: number, i: number) => {
    assertClose(mean.value[i], U.band.value[i], RTOL, 'value');
    assertClose(mean.stderr[i], U.band.stderr[i], RTOL, 'stderr');
    assertClose(obs.stderr[i], U.band.stderrObservation[i], RTOL, 'observation stderr');
    assertClose(mean.upper[i] - mean.value[i], U.band.t975 * U.band.stderr[i], RTOL, 'half-width');
  });
  // The band for a new observation is wider than the band for the curve everywhere.
  for (let i = 0; i < U.band.at.length; i++) assert.ok(obs.upper[i] > mean.upper[i]);
});

test('ceiling b − a with its delta-method error equals scipy and the exact-fit route', () => {
  const law = BUILTIN_LAWS['entropy-exp'];
  const fit = fitLaw(law, data('entropy-exp'));
  const c = lawCeiling(law, fit);
  assertClose(c.value, U.ceiling.value, RTOL, 'ceiling');
  assertClose(c.stderr, U.ceiling.stderr, RTOL, 'ceiling stderr');
  const d = data('entropy-exp');
  const viaExact = lawCeiling(BUILTIN_LAWS['entropy-exp'], fitEntropyLaw(d.columns[0], d.y));
  assertClose(c.stderr, viaExact.stderr, { rtol: 1e-9 }, 'against predict/ceiling');
  assert.throws(() => lawCeiling(BUILTIN_LAWS.power, fitLaw(BUILTIN_LAWS.power, data('power')), 2), /invalid confidence: 2/);
});

test('log-linear coefficient scaling and its prediction equal scipy', () => {
  const s = U.scaling;
  const fit = fitLogLinear(s.sizes, s.values, { sigma: s.sigma });
  assertClose(fit.intercept, s.params[0], RTOL, 'intercept');
  assertClose(fit.slope, s.params[1], RTOL, 'slope');
  assertClose(fit.covariance[0][0], s.covariance[0][0], RTOL, 'var intercept');
  assertClose(fit.covariance[0][1], s.covariance[0][1], RTOL, 'cov');
  assertClose(fit.covariance[1][1], s.covariance[1][1], RTOL, 'var slope');
  const p = predictLogLinear(fit, s.predictAt);
  assertClose(p.value, s.prediction, RTOL, 'prediction');
  assertClose(p.stderr, s.predictionStderr, RTOL, 'prediction stderr');
  assertClose(p.ci[1] - p.value, s.t975 * s.predictionStderr, RTOL, 'ci half-width');
  assert.ok(p.predictionInterval[1] > p.ci[1]);
  // The same through fits: coefficient a of each run with its stderr as σ.
  const runs = s.sizes.map((size: number, i: number) => ({ size, fit: { params: { a: s.values[i] }, stderr: { a: s.sigma[i] } } }));
  assertClose(coefficientScaling(runs, ['a']).a.slope, s.params[1], RTOL, 'coefficientScaling');
  assert.throws(() => fitLogLinear([1, 1, 1], [1, 2, 3]), /two different model sizes/);
});

test('pooled vs separate F-test equals scipy.stats.f on the same fits', () => {
  const law = BUILTIN_LAWS['entropy-exp'];
  const runs = U.pooled.runs.map((r: { x: number[]; y: number[] }) => ({ columns: [r.x], y: r.y }));
  const shared = pooledVsSeparate(law, runs.slice(0, 2));
  assertClose(shared.ssrPooled, U.pooled.shared.ssrPooled, RTOL, 'ssr pooled');
  assertClose(shared.ssrSeparate, U.pooled.shared.ssrSeparate, RTOL, 'ssr separate');
  assertClose(shared.f, U.pooled.shared.f, RTOL, 'F');
  assertClose(shared.pValue, U.pooled.shared.pValue, RTOL, 'p');
  const all = pooledVsSeparate(law, runs);
  assertClose(all.f, U.pooled.all.f, RTOL, 'F (three runs)');
  assertClose(all.pValue, U.pooled.all.pValue, { rtol: 1e-5 }, 'p (three runs)');
  assert.ok(shared.pValue > 0.05 && all.pValue < 1e-10);
  // Partial sharing: a common, b per run (scipy fits the same stacked model).
  const onlyA = pooledVsSeparate(law, runs, { shared: ['a'] });
  assert.deepEqual(onlyA.pooled.paramNames, ['a', 'b[1]', 'b[2]', 'b[3]']);
  U.pooled.sharedA.params.forEach((v: number, j: number) => assertClose(onlyA.pooled.values[j], v, RTOL, onlyA.pooled.paramNames[j]));
  assertClose(onlyA.ssrPooled, U.pooled.sharedA.ssrPooled, RTOL, 'ssr (a shared)');
  assertClose(onlyA.f, U.pooled.sharedA.f, RTOL, 'F (a shared)');
  assertClose(onlyA.pValue, U.pooled.sharedA.pValue, { rtol: 1e-5 }, 'p (a shared)');
  assert.throws(() => pooledVsSeparate(law, runs, { shared: ['z'] }), /unknown shared parameter: z/);
  assertClose(fSurvival(3.5, 2, 20), 0.04973502207609715, { rtol: 1e-9 }, 'F survival (scipy.stats.f.sf(3.5, 2, 20))');
  assert.throws(() => pooledVsSeparate(law, runs.slice(0, 1)), /at least 2 runs/);
});

test('compareLaws puts AIC, AICc, BIC and the leave-future-out error side by side', () => {
  const c = CASES.find((k) => k.name === 'entropy-exp3')!;
  const rows = compareLaws({ columns: { H: c.x, R: c.y } }, ['entropy-exp', 'entropy-exp3'], { holdout: U.compare.holdout });
  U.compare.rows.forEach((ref: Record<string, number | string>, i: number) => {
    assert.equal(rows[i].law, ref.law);
    for (const key of ['ssr', 'aic', 'aicc', 'bic', 'lfoRmse'] as const) assertClose(rows[i][key] as number, ref[key] as number, RTOL, `${ref.law} ${key}`);
  });
  assert.equal(rows[1].deltaAic, 0);
  assertClose(rows[0].akaikeWeight + rows[1].akaikeWeight, 1, { rtol: 1e-12 });
  assert.equal(rows[0].lfoPoints, 10);
});

test('compareLaws maps a steps column onto power and sigmoid laws', () => {
  const c = CASES.find((k) => k.name === 'scalerl-sigmoid')!;
  const rows = compareLaws({ columns: { step: c.x, R: c.y } }, [{ law: 'power', x: 'step' }, { law: 'scalerl-sigmoid', x: 'step' }]);
  assert.ok(rows.every((r) => r.converged));
  assert.ok(rows[1].aic < rows[0].aic, 'the sigmoid generated the data and should win on AIC');
});

test('bootstrap is reproducible from its seed and agrees with the delta method', () => {
  const law = BUILTIN_LAWS['entropy-exp'];
  const d = data('entropy-exp');
  const one = bootstrapLaw(law, d, { samples: 400, seed: 42 });
  const again = bootstrapLaw(law, d, { samples: 400, seed: 42 });
  const other = bootstrapLaw(law, d, { samples: 400, seed: 43 });
  assert.deepEqual(one, again);
  assert.notDeepEqual(one.derived.ceiling, other.derived.ceiling);
  const delta = lawCeiling(law, fitLaw(law, d));
  const ci = one.derived.ceiling;
  assert.equal(one.failed, 0);
  assert.ok(ci.lower < ci.estimate && ci.estimate < ci.upper);
  // Residual bootstrap SE is √((n−k)/n) of the delta-method SE in expectation (here n = 40, k = 2); allow 15%.
  const expected = delta.stderr * Math.sqrt(38 / 40);
  assert.ok(Math.abs(ci.stderr - expected) < 0.15 * expected, `bootstrap ${ci.stderr} vs delta ${expected}`);
});

test('bootstrap of a nonlinear law with a derived quantity and pairs resampling', () => {
  const law = BUILTIN_LAWS['scalerl-sigmoid'];
  const r = bootstrapLaw(law, data('scalerl-sigmoid'), {
    samples: 60,
    seed: 3,
    method: 'pairs',
    derived: { gain: (p) => p.A - p.R0 },
  });
  assert.equal(r.samples, 60);
  assert.ok(r.failed <= 3, `${r.failed} refits failed`);
  assert.ok(r.derived.ceiling.lower < 0.6707 && 0.6707 < r.derived.ceiling.upper);
  assertClose(r.derived.gain.estimate, r.params.A.estimate - r.params.R0.estimate, { rtol: 1e-12 });
  assert.throws(() => bootstrapLaw(law, data('scalerl-sigmoid'), { samples: 3 }), /invalid bootstrap samples/);
});

test('robust fit down-weights the outliers it was given', () => {
  const law = BUILTIN_LAWS['entropy-exp'];
  const fit = fitLaw(law, data('entropy-exp-huber'), { robust: true });
  assert.ok(fit.robust);
  const w = fit.robust.weights;
  for (const i of [5, 17, 30]) assert.ok(w[i] < 0.5, `outlier ${i} kept weight ${w[i]}`);
  assert.ok([...w].filter((v) => v === 1).length > 30);
  // Closer to the truth (a = 0.12, b = 0.92) than ordinary least squares on the same data.
  const ols = fitLaw(law, data('entropy-exp-huber'));
  assert.ok(Math.abs(fit.params.b - fit.params.a - 0.8) < Math.abs(ols.params.b - ols.params.a - 0.8));
});
