import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { bootstrapLawToColumns, fitLawToColumns, parseStart } from '../../src/fit/fit-columns.ts';
import { BUILTIN_LAWS, maybeLaw } from '../../src/fit/laws/index.ts';
import { fitLaw } from '../../src/fit/nonlinear/fit-law.ts';
import { assertClose } from '../helpers.ts';

interface RefCase {
  name: string;
  law: string;
  x: number[];
  y: number[];
  sigma?: number[];
  start: number[];
  method: string;
  params: number[];
  covariance?: number[][];
  covarianceAbsolute?: number[][];
  f_scale?: number;
}
const REF = JSON.parse(readFileSync(new URL('./reference/laws.json', import.meta.url), 'utf8')) as { scipy: string; cases: RefCase[] };

/** The same law written as an expression, to check the user-defined path against the same references. */
const AS_EXPRESSION: Record<string, string> = {
  'entropy-exp': 'b - a*exp(H)',
  'entropy-linear': 'b - a*H',
  'entropy-exp3': 'b - a*exp(c*H)',
  power: 'b - a*C^(-c)',
  'scalerl-sigmoid': 'R0 + (A - R0)/(1 + (Cmid/C)^B)',
};

const RTOL = { rtol: 1e-6 };

for (const c of REF.cases) {
  const law = BUILTIN_LAWS[c.law];
  const robust = c.f_scale !== undefined ? { scale: c.f_scale } : undefined;
  test(`${c.name}: parameters${c.covariance ? ' and covariance' : ''} equal ${c.method} (scipy ${REF.scipy})`, () => {
    const fit = fitLaw(law, { columns: [c.x], y: c.y }, { sigma: c.sigma, robust });
    assert.ok(fit.converged, fit.reason);
    c.params.forEach((p, j) => assertClose(fit.values[j], p, RTOL, `${c.name} ${law.params[j]}`));
    c.covariance?.forEach((row, i) => row.forEach((v, j) => assertClose(fit.covariance[i][j], v, RTOL, `${c.name} cov[${i}][${j}]`)));
    c.covariance?.forEach((row, j) => assertClose(fit.stderr[law.params[j]], Math.sqrt(row[j]), RTOL, `${c.name} stderr`));
    if (c.covarianceAbsolute) {
      const abs = fitLaw(law, { columns: [c.x], y: c.y }, { sigma: c.sigma, absoluteSigma: true });
      c.covarianceAbsolute.forEach((row, i) => row.forEach((v, j) => assertClose(abs.covariance[i][j], v, RTOL, `abs cov[${i}][${j}]`)));
    }
  });
  test(`${c.name}: the expression ${AS_EXPRESSION[c.law]} gives the same answer from scipy's start`, () => {
    const variable = law.variables[0];
    const start = Object.fromEntries(law.params.map((p, j) => [p, c.start[j]]));
    const fit = fitLawToColumns(AS_EXPRESSION[c.law], { [variable]: c.x, R: c.y }, { start, sigma: c.sigma, robust });
    assert.ok(fit.converged, fit.reason);
    c.params.forEach((p, j) => assertClose(fit.params[law.params[j]], p, RTOL, `${c.name} ${law.params[j]}`));
    c.covariance?.forEach((row, i) =>
      row.forEach((v, j) => {
        const fi = fit.paramNames.indexOf(law.params[i]);
        const fj = fit.paramNames.indexOf(law.params[j]);
        assertClose(fit.covariance[fi][fj], v, RTOL, `${c.name} cov[${i}][${j}]`);
      }),
    );
  });
}

test('entropy-exp through the nonlinear path agrees with the exact fit', () => {
  const c = REF.cases.find((k) => k.name === 'entropy-exp')!;
  const exact = fitLaw(BUILTIN_LAWS['entropy-exp'], { columns: [c.x], y: c.y });
  assert.equal(exact.reason, 'exact linear least squares');
  const iterated = fitLaw(BUILTIN_LAWS['entropy-exp'], { columns: [c.x], y: c.y }, { start: { a: 1, b: 0 } });
  assert.notEqual(iterated.reason, 'exact linear least squares');
  exact.values.forEach((v, j) => assertClose(iterated.values[j], v, { rtol: 1e-10 }));
});

test('maybeLaw resolves names and expressions in one place', () => {
  assert.equal(maybeLaw('power').name, 'power');
  assert.deepEqual(maybeLaw('b - a*exp(c*H)', ['H']).params, ['b', 'a', 'c']);
  assert.deepEqual(maybeLaw('b - a*exp(c*H)', ['H']).variables, ['H']);
  assert.throws(() => maybeLaw('sigmoid'), /unknown law: sigmoid/);
  assert.throws(() => maybeLaw('b - a*'), /invalid expression/);
});

test('bounds keep a parameter inside and report it when it ends on one', () => {
  const c = REF.cases.find((k) => k.name === 'entropy-exp3')!;
  const free = fitLaw(BUILTIN_LAWS['entropy-exp3'], { columns: [c.x], y: c.y });
  const capped = fitLaw(BUILTIN_LAWS['entropy-exp3'], { columns: [c.x], y: c.y }, { upper: { c: 1.2 }, start: { c: 1 } });
  assert.ok(free.params.c > 1.2);
  assert.ok(capped.converged);
  assert.ok(capped.params.c <= 1.2 && capped.params.c > 1.2 - 1e-6, `c = ${capped.params.c}`);
  assert.ok(capped.ssr > free.ssr);
  assert.deepEqual(capped.atBound, ['c']);
  assert.match(capped.warnings.join('\n'), /c ended on a bound/);
});

test('fitLaw refuses bad input with named errors', () => {
  const law = BUILTIN_LAWS['entropy-exp3'];
  assert.throws(() => fitLaw(law, { columns: [[0.1, 0.2, 0.3]], y: [0.1, 0.2, 0.3] }), /requires more points than parameters/);
  assert.throws(() => fitLaw(law, { columns: [[0.1, 0.2, NaN, 0.4]], y: [1, 2, 3, 4] }), /requires finite values \(point 3\)/);
  assert.throws(() => fitLaw(law, { columns: [[1, 2, 3, 4]], y: [1, 2, 3, 4] }, { confidence: 1.5 }), /invalid confidence/);
  assert.throws(() => fitLaw(law, { columns: [[1, 2, 3, 4]], y: [1, 2, 3, 4] }, { start: { z: 1 } }), /unknown parameter: z/);
  assert.throws(() => fitLawToColumns('power', { H: [1, 2, 3, 4], R: [1, 2, 3, 4] }), /no column C/);
});

test('parseStart reads the --start flag and refuses malformed entries', () => {
  assert.deepEqual(parseStart('a=0.1, b=5e-1,c=-2'), { a: 0.1, b: 0.5, c: -2 });
  assert.throws(() => parseStart('a=0.1,b'), /invalid start: b/);
  assert.throws(() => parseStart('a=abc'), /invalid start: a=abc/);
});

test('fitLawToColumns maps --x and --y onto built-in laws and reads a sigma column', () => {
  const c = REF.cases.find((k) => k.name === 'power-weighted')!;
  const fit = fitLawToColumns('power', { step: c.x, acc: c.y, err: c.sigma! }, { x: 'step', y: 'acc', sigmaColumn: 'err' });
  c.params.forEach((p, j) => assertClose(fit.values[j], p, RTOL, `power ${j}`));
  assert.throws(() => fitLawToColumns('power', { step: c.x, acc: c.y }, { x: 'steps', y: 'acc' }), /no column steps for variable C of power/);
});

test('bootstrapLawToColumns is seeded and brackets the fitted ceiling', () => {
  const c = REF.cases.find((k) => k.name === 'entropy-exp3')!;
  const opts = { x: 'entropy', samples: 50, seed: 5 };
  const one = bootstrapLawToColumns('entropy-exp3', { entropy: c.x, R: c.y }, opts);
  assert.deepEqual(one, bootstrapLawToColumns('entropy-exp3', { entropy: c.x, R: c.y }, opts));
  const ceiling = one.derived.ceiling;
  assertClose(ceiling.estimate, c.params[1] - c.params[0], RTOL, 'ceiling estimate');
  assert.ok(ceiling.lower < ceiling.estimate && ceiling.estimate < ceiling.upper);
});
