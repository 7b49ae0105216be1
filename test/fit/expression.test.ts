import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fc } from '../property.ts';
import { compileExpression } from '../../src/fit/expression/compile.ts';
import { parseExpression } from '../../src/fit/expression/parse.ts';
import { assertClose } from '../helpers.ts';

/** Evaluates an expression without variables at parameters p (in order of first use). */
function value(source: string, p: number[] = []): number {
  const out = new Float64Array(1);
  compileExpression(source, []).evaluate(p, [], out);
  return out[0];
}

test('precedence and associativity follow the usual rules', () => {
  assert.equal(value('2 + 3*4'), 14);
  assert.equal(value('(2 + 3)*4'), 20);
  assert.equal(value('-2^2'), -4);
  assert.equal(value('2^3^2'), 512);
  assert.equal(value('2**-1'), 0.5);
  assert.equal(value('8/4/2'), 1);
  assert.equal(value('10 - 4 - 3'), 3);
  assert.equal(value('--3'), 3);
  assert.equal(value('+3'), 3);
  assert.equal(value('1e-3*1000'), 1);
  assert.equal(value('.5 + 2.5E+1'), 25.5);
  assert.equal(value('pow(2, 10)'), 1024);
  assert.equal(value('pi'), Math.PI);
});

test('functions match Math', () => {
  const x = 0.37;
  const fns: [string, (v: number) => number][] = [
    ['exp', Math.exp],
    ['log', Math.log],
    ['sqrt', Math.sqrt],
    ['sin', Math.sin],
    ['cos', Math.cos],
    ['tan', Math.tan],
    ['atan', Math.atan],
    ['abs', Math.abs],
  ];
  for (const [name, f] of fns) {
    assert.equal(value(`${name}(k)`, [x]), f(x), name);
    assert.equal(value(`${name}(-k)`, [x]), f(-x) , `${name}(-x)`);
  }
});

test('variables read columns and parameters are ordered by first use', () => {
  const e = compileExpression('b - a*exp(c*H)', ['H', 'step']);
  assert.deepEqual(e.variables, ['H', 'step']);
  assert.deepEqual(e.parameters, ['b', 'a', 'c']);
  const out = new Float64Array(2);
  e.evaluate([1, 0.5, 2], [[0, 1], [7, 8]], out);
  assert.deepEqual(Array.from(out), [0.5, 1 - 0.5 * Math.exp(2)]);
  assert.deepEqual(compileExpression('b - a*H', ['H'], ['a', 'b']).parameters, ['a', 'b']);
  assert.throws(() => compileExpression('b - a*H', ['H'], ['a']), /uses b, which is neither a column nor a parameter/);
});

const SOURCES = [
  'b1*(1-exp(-b2*x))',
  '(b1+b2*x+b3*x^2)/(1+b4*x+b5*x^2)',
  'b1*(b2+x)^(-1/b3)',
  'b1 - b2*x - atan(b3/(x-b4))/pi',
  'sqrt(b1*b1 + x) * log(b2 + x^2) + abs(b3 - x) + sin(b1*x)*cos(b2) + tan(b3/10)',
  'pow(b1, b2) * x / (b3 + x)',
];

test('reverse-mode Jacobian equals central finite differences', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...SOURCES),
      fc.array(fc.double({ min: 0.6, max: 2, noNaN: true }), { minLength: 5, maxLength: 5 }),
      fc.double({ min: 0.1, max: 3, noNaN: true }),
      (source, p, x) => {
        const e = compileExpression(source, ['x']);
        const k = e.parameters.length;
        const params = p.slice(0, k);
        const jac = new Float64Array(k);
        const val = new Float64Array(1);
        e.jacobian(params, [[x]], jac, val);
        const f = (q: number[]) => {
          const out = new Float64Array(1);
          e.evaluate(q, [[x]], out);
          return out[0];
        };
        assert.equal(val[0], f(params));
        for (let j = 0; j < k; j++) {
          const h = 1e-6 * Math.max(1, Math.abs(params[j]));
          const up = params.slice();
          const down = params.slice();
          up[j] += h;
          down[j] -= h;
          const fd = (f(up) - f(down)) / (2 * h);
          assertClose(jac[j], fd, { rtol: 1e-6, atol: 1e-7 }, `${source} ∂/∂${e.parameters[j]}`);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('constant exponents work with negative bases (no log of the base)', () => {
  const e = compileExpression('a*x^3', ['x']);
  const jac = new Float64Array(1);
  e.jacobian([2], [[-1.5]], jac);
  assert.equal(jac[0], -3.375);
});

test('parse errors name the problem and the column, and nothing is evaluated as code', () => {
  assert.throws(() => parseExpression('b - a*'), /unexpected end at the end/);
  assert.throws(() => parseExpression('(1 + a'), /expected '\)' at the end/);
  assert.throws(() => parseExpression('1 + a)'), /unexpected '\)' at column 6/);
  assert.throws(() => parseExpression('foo(1)'), /unknown function 'foo'/);
  assert.throws(() => parseExpression('exp(1, 2)'), /exp takes 1 argument, got 2/);
  assert.throws(() => parseExpression('pow(2)'), /pow takes 2 arguments, got 1/);
  assert.throws(() => parseExpression('a $ b'), /unexpected character '\$' at column 3/);
  assert.throws(() => parseExpression('process.exit(1)'), /unexpected character '\.'/);
  assert.throws(() => parseExpression('a b'), /unexpected 'b' at column 3/);
  assert.throws(() => parseExpression(''), /unexpected end/);
});
