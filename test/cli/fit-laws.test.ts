import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linearRegression } from 'simple-statistics';
import { cli } from './run-cli.ts';
import { ingest, parseLawList } from '../../src/index.ts';
import { assertClose, REAL_LOGS } from '../helpers.ts';

const GEMMA = `${REAL_LOGS}gemma-2-2b-it-ppo-bsz512_4-prompt1024-resp-512-0.640.log`;


describe('entropy-law fit --law', () => {
  it('entropy-linear equals an ordinary regression of R on H (simple-statistics)', async () => {
    const { code, stdout } = await cli('fit', GEMMA, '--law', 'entropy-linear', '--json');
    assert.equal(code, 0);
    const [run] = JSON.parse(stdout).runs;
    const { series } = await ingest([GEMMA]);
    const { m, b } = linearRegression(Array.from(series[0].entropy, (h, i) => [h, series[0].metric[i]]));
    assert.equal(run.converged, true);
    assertClose(run.params.a, -m, { rtol: 1e-9 }, 'a');
    assertClose(run.params.b, b, { rtol: 1e-9 }, 'b');
    assertClose(run.ceiling.value, b, { rtol: 1e-9 }, 'ceiling (R at H = 0 is b)');
  });

  it('an expression law equal to entropy-exp gives the exact fit', async () => {
    const exact = JSON.parse((await cli('fit', GEMMA, '--json')).stdout).runs[0];
    const expr = JSON.parse((await cli('fit', GEMMA, '--law', 'b - a*exp(H)', '--json')).stdout).runs[0];
    assertClose(expr.params.a, exact.params.a, { rtol: 1e-8 }, 'a');
    assertClose(expr.params.b, exact.params.b, { rtol: 1e-8 }, 'b');
    assertClose(expr.stderr.a, exact.stderr.a, { rtol: 1e-6 }, 'stderr a');
  });

  it('--law all compares every built-in law with information criteria', async () => {
    const { code, stdout } = await cli('fit', GEMMA, '--law', 'all', '--json');
    assert.equal(code, 0);
    const [run] = JSON.parse(stdout).runs;
    assert.deepEqual(run.laws.map((l: any) => l.law), ['entropy-exp', 'entropy-linear', 'entropy-exp3', 'power', 'scalerl-sigmoid']);
    const converged = run.laws.filter((l: any) => l.converged);
    assert.equal(Math.min(...converged.map((l: any) => l.delta_aic)), 0);
    const weights = converged.reduce((s: number, l: any) => s + l.akaike_weight, 0);
    assertClose(weights, 1, { rtol: 1e-9 }, 'Akaike weights sum');
    for (const l of converged) assertClose(l.aicc - l.aic, (2 * l.k * (l.k + 1)) / (l.n - l.k - 1), { rtol: 1e-9 }, 'AICc correction');
  });

  it('splits a law list only at top-level commas', () => {
    assert.deepEqual(parseLawList('entropy-exp, b - a*pow(H, c)'), ['entropy-exp', 'b - a*pow(H, c)']);
    assert.equal(parseLawList('all').length, 5);
  });

  it('a malformed expression is a usage error, with no stack trace', async () => {
    const { code, stderr } = await cli('fit', GEMMA, '--law', 'b - a*exp(c*H');
    assert.equal(code, 2);
    assert.match(stderr, /invalid expression/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });

  it('bootstrap intervals are seeded: the same seed gives the same interval', async () => {
    const one = JSON.parse((await cli('fit', GEMMA, '--law', 'entropy-linear', '--bootstrap', '50', '--seed', '3', '--json')).stdout).runs[0];
    const two = JSON.parse((await cli('fit', GEMMA, '--law', 'entropy-linear', '--bootstrap', '50', '--seed', '3', '--json')).stdout).runs[0];
    assert.deepEqual(one.bootstrap, two.bootstrap);
    assert.ok(one.bootstrap.derived.ceiling.lower < one.ceiling.value && one.ceiling.value < one.bootstrap.derived.ceiling.upper);
  });
});
