import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { levenbergMarquardt as mlLevenbergMarquardt } from 'ml-levenberg-marquardt';
import { compileExpression } from '../../src/fit/expression/compile.ts';
import { fitLawToColumns } from '../../src/fit/fit-columns.ts';
import { NIST_STRD } from '../helpers.ts';

/**
 * NIST StRD nonlinear regression suite: 27 problems, two starts each. Each model is written here as an
 * expression (from the file headers) and fitted through `fitLawToColumns`, the path users call.
 * Nelson's model is log(y) = b1 − b2·x1·exp(−b3·x2): its response is the column log(y).
 */
const MODELS: Record<string, string> = {
  Misra1a: 'b1*(1-exp(-b2*x))',
  Chwirut2: 'exp(-b1*x)/(b2+b3*x)',
  Chwirut1: 'exp(-b1*x)/(b2+b3*x)',
  Lanczos3: 'b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)',
  Gauss1: 'b1*exp(-b2*x) + b3*exp(-(x-b4)^2/b5^2) + b6*exp(-(x-b7)^2/b8^2)',
  Gauss2: 'b1*exp(-b2*x) + b3*exp(-(x-b4)^2/b5^2) + b6*exp(-(x-b7)^2/b8^2)',
  DanWood: 'b1*x^b2',
  Misra1b: 'b1*(1-(1+b2*x/2)^(-2))',
  Kirby2: '(b1 + b2*x + b3*x^2)/(1 + b4*x + b5*x^2)',
  Hahn1: '(b1+b2*x+b3*x^2+b4*x^3)/(1+b5*x+b6*x^2+b7*x^3)',
  Nelson: 'b1 - b2*x1*exp(-b3*x2)',
  MGH17: 'b1 + b2*exp(-x*b4) + b3*exp(-x*b5)',
  Lanczos1: 'b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)',
  Lanczos2: 'b1*exp(-b2*x) + b3*exp(-b4*x) + b5*exp(-b6*x)',
  Gauss3: 'b1*exp(-b2*x) + b3*exp(-(x-b4)^2/b5^2) + b6*exp(-(x-b7)^2/b8^2)',
  Misra1c: 'b1*(1-(1+2*b2*x)^(-.5))',
  Misra1d: 'b1*b2*x*((1+b2*x)^(-1))',
  Roszman1: 'b1 - b2*x - atan(b3/(x-b4))/pi',
  ENSO: 'b1 + b2*cos(2*pi*x/12) + b3*sin(2*pi*x/12) + b5*cos(2*pi*x/b4) + b6*sin(2*pi*x/b4) + b8*cos(2*pi*x/b7) + b9*sin(2*pi*x/b7)',
  MGH09: 'b1*(x^2+x*b2)/(x^2+x*b3+b4)',
  Thurber: '(b1 + b2*x + b3*x^2 + b4*x^3)/(1 + b5*x + b6*x^2 + b7*x^3)',
  BoxBOD: 'b1*(1-exp(-b2*x))',
  Rat42: 'b1/(1+exp(b2-b3*x))',
  MGH10: 'b1*exp(b2/(x+b3))',
  Eckerle4: '(b1/b2)*exp(-0.5*((x-b3)/b2)^2)',
  Rat43: 'b1/((1+exp(b2-b3*x))^(1/b4))',
  Bennett5: 'b1*(b2+x)^(-1/b3)',
};

interface Problem {
  name: string;
  model: string;
  params: string[];
  starts: [number[], number[]];
  certified: number[];
  certifiedSd: number[];
  rss: number;
  columns: Record<string, Float64Array>;
  variables: string[];
}

/** Reads a StRD file: `bK = start1 start2 certified sd` lines, the certified RSS, then `y x…` data lines. */
function readProblem(name: string): Problem {
  const lines = readFileSync(`${NIST_STRD}${name}.dat`, 'utf8').split(/\r?\n/);
  const rows: number[][] = [];
  const table: number[][] = [];
  let rss = NaN;
  let header: string[] = [];
  for (const line of lines) {
    const p = /^\s*b\d+\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)/.exec(line);
    if (p && header.length === 0) table.push(p.slice(1).map(Number));
    const r = /Residual Sum of Squares:\s+(\S+)/.exec(line);
    if (r) rss = Number(r[1]);
    if (/^Data:\s+y\s/.test(line)) header = line.replace('Data:', '').trim().split(/\s+/);
    else if (header.length && line.trim()) rows.push(line.trim().split(/\s+/).map(Number));
  }
  const columns: Record<string, Float64Array> = {};
  header.forEach((h, k) => (columns[h] = Float64Array.from(rows, (row) => row[k])));
  if (name === 'Nelson') columns.y = columns.y.map(Math.log);
  return {
    name,
    model: MODELS[name],
    params: table.map((_, k) => `b${k + 1}`),
    starts: [table.map((t) => t[0]), table.map((t) => t[1])],
    certified: table.map((t) => t[2]),
    certifiedSd: table.map((t) => t[3]),
    rss,
    columns,
    variables: header.slice(1),
  };
}

/** Significant digits shared by a value and its certified counterpart (log relative error, capped at 15). */
function digits(actual: number, certified: number): number {
  if (!Number.isFinite(actual)) return 0;
  if (actual === certified) return 15;
  return Math.min(15, -Math.log10(Math.abs(actual - certified) / Math.abs(certified)));
}

const PROBLEMS = Object.keys(MODELS).map(readProblem);

test('NIST StRD nonlinear suite through the expression-law path', () => {
  let good = 0;
  let paramsGood = 0;
  let total = 0;
  const wrong: string[] = [];
  const missed: string[] = [];
  const lines: string[] = [];
  for (const p of PROBLEMS) {
    for (const s of [0, 1] as const) {
      total++;
      const start = Object.fromEntries(p.params.map((b, j) => [b, p.starts[s][j]]));
      const fit = fitLawToColumns(p.model, p.columns, { y: 'y', start });
      const paramDigits = Math.min(...p.params.map((b, j) => digits(fit.params[b], p.certified[j])));
      const rssDigits = digits(fit.ssr, p.rss);
      const sdDigits = Math.min(...p.params.map((b, j) => digits(fit.stderr[b], p.certifiedSd[j])));
      const ok = fit.converged && paramDigits >= 6 && rssDigits >= 6;
      if (ok) good++;
      else missed.push(`${p.name} start ${s + 1}`);
      if (fit.converged && paramDigits >= 6) paramsGood++;
      // Failing to converge is acceptable; reporting convergence at a point that is not the optimum is not.
      if (fit.converged && paramDigits < 6) wrong.push(`${p.name} start ${s + 1}`);
      lines.push(
        `${ok ? 'ok  ' : 'MISS'} ${p.name.padEnd(9)} start ${s + 1}: params ${paramDigits.toFixed(1)} digits, RSS ${rssDigits.toFixed(1)}, ` +
          `std.dev. ${sdDigits.toFixed(1)}; ${fit.converged ? 'converged' : 'NOT converged'} (${fit.reason}, ${fit.iterations} iterations)`,
      );
    }
  }
  console.log(lines.join('\n'));
  console.log(`NIST StRD: ${good}/${total} starts to ≥ 6 digits in every parameter and the RSS`);
  console.log(`NIST StRD: ${paramsGood}/${total} starts to ≥ 6 digits in every parameter (the measure used for ml-levenberg-marquardt below)`);
  assert.deepEqual(wrong, [], `converged with wrong parameters: ${wrong.join(', ')}`);
  assert.equal(paramsGood, total);
  // Only Lanczos1's RSS may miss: see the next test for why no double-precision reader can reach it.
  assert.deepEqual(missed.filter((m) => !m.startsWith('Lanczos1 ')), [], `missed: ${missed.join(', ')}`);
});

test('Lanczos1: the certified RSS needs the data as printed, not as doubles (Python decimal reference)', () => {
  const ref = JSON.parse(readFileSync(new URL('./reference/lanczos1-rss.json', import.meta.url), 'utf8'));
  const p = PROBLEMS.find((q) => q.name === 'Lanczos1')!;
  const start = Object.fromEntries(p.params.map((b, j) => [b, p.starts[0][j]]));
  const fit = fitLawToColumns(p.model, p.columns, { y: 'y', start });
  // Our parameters are the ones the reference evaluated…
  ref.parameters.forEach((v: number, j: number) => assert.ok(digits(fit.values[j], v) >= 9, `b${j + 1}`));
  // …and with the data exactly as printed they give the certified RSS to ≥ 6 digits, while the same
  // parameters on the data rounded to doubles cannot get past the third digit.
  assert.ok(digits(ref.rssExactData, p.rss) >= 6, `exact-data RSS ${ref.rssExactData}`);
  assert.ok(digits(ref.rssDoubleData, p.rss) < 4, `double-data RSS ${ref.rssDoubleData}`);
  console.log(
    `Lanczos1 RSS at our parameters: ${ref.rssExactData.toExponential(8)} with exact data (certified ${p.rss.toExponential(8)}, ` +
      `${digits(ref.rssExactData, p.rss).toFixed(1)} digits); ${fit.ssr.toExponential(8)} as computed from doubles`,
  );
});

test('a start that runs out of evaluations comes back flagged, not as a result', () => {
  const p = PROBLEMS.find((q) => q.name === 'MGH10')!;
  const start = Object.fromEntries(p.params.map((b, j) => [b, p.starts[0][j]]));
  const fit = fitLawToColumns(p.model, p.columns, { y: 'y', start, solver: { maxEvaluations: 40 } });
  assert.equal(fit.converged, false);
  assert.equal(fit.reason, 'evaluation limit reached');
  assert.ok(Math.abs(fit.params.b1 - p.certified[0]) > 1e-3 * Math.abs(p.certified[0]));
  // Several starts: the failing one is skipped and the second (NIST start 2) gives the answer.
  const second = Object.fromEntries(p.params.map((b, j) => [b, p.starts[1][j]]));
  const multi = fitLawToColumns(p.model, p.columns, { y: 'y', start, starts: [second], solver: { maxEvaluations: 200 } });
  assert.ok(multi.converged, multi.reason);
  assert.equal(multi.startsTried, 2);
  p.params.forEach((b, j) => assert.ok(digits(multi.params[b], p.certified[j]) >= 6, b));
});

test('ml-levenberg-marquardt on the same 54 starts, for comparison', () => {
  let good = 0;
  let total = 0;
  for (const p of PROBLEMS) {
    const model = compileExpression(p.model, p.variables, p.params);
    const cols = p.variables.map((v) => p.columns[v]);
    const n = p.columns.y.length;
    const index = Float64Array.from({ length: n }, (_, i) => i);
    const one = new Float64Array(1);
    const jac = new Float64Array(p.params.length);
    // The library fits y(x) with one scalar x: pass the point index and read the columns inside.
    const at = (i: number) => cols.map((c) => c.subarray(i, i + 1));
    for (const s of [0, 1]) {
      total++;
      let result;
      try {
        result = mlLevenbergMarquardt({ x: index, y: p.columns.y }, (b) => (i) => (model.evaluate(b, at(i), one), one[0]), {
          initialValues: p.starts[s],
          maxIterations: 300,
          errorTolerance: 0,
          jacobianFunction: (b) => (i) => (model.jacobian(b, at(i), jac), Array.from(jac)),
        });
      } catch {
        continue;
      }
      const values = result.parameterValues;
      if (Math.min(...values.map((v, j) => digits(v, p.certified[j]))) >= 6) good++;
    }
  }
  console.log(`ml-levenberg-marquardt 5.1 (analytic Jacobian, 300 iterations): ${good}/${total} starts to ≥ 6 digits in every parameter`);
  assert.ok(total === 54);
});
