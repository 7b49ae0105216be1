import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli } from './run-cli.ts';
import { SYNTHETIC } from '../helpers.ts';


// SYNTHETIC holds runs made from known coefficients (test/fixtures/synthetic/generate.ts): two 7B runs that
// share a = 0.30, b = 0.95 under different algorithms, and Qwen sizes 0.5B, 1.5B, 7B whose coefficients
// grow with ln(size).
describe('entropy-law across', () => {
  it('finds one curve for two algorithms on the same model', async () => {
    const { code, stdout } = await cli('across', SYNTHETIC, '--json');
    assert.equal(code, 0);
    const { pooled } = JSON.parse(stdout);
    const group = pooled.find((g: any) => g.group === 'qwen2.5 7B');
    assert.deepEqual(group.runs.sort(), ['synthetic-qwen2.5-7b-grpo', 'synthetic-qwen2.5-7b-rloo']);
    assert.ok(group.p_value > 0.05, `p = ${group.p_value}`);
    assert.ok(Math.abs(group.pooled_params.a - 0.3) < 0.01 && Math.abs(group.pooled_params.b - 0.95) < 0.01);
  });

  it('tells separate curves apart when the runs differ', async () => {
    const { stdout } = await cli('across', SYNTHETIC, '--group-by', 'none', '--json');
    const [group] = JSON.parse(stdout).pooled;
    assert.equal(group.runs.length, 5);
    assert.ok(group.p_value < 1e-6, `p = ${group.p_value}`);
  });

  it('fits a and b against ln(model size) and predicts a larger model', async () => {
    const { stdout } = await cli('across', SYNTHETIC, '--predict-size', '32B', '--json');
    const { scaling, predictions } = JSON.parse(stdout);
    const qwen = scaling.find((s: any) => s.model === 'qwen2.5');
    assert.deepEqual(qwen.runs.map((r: any) => r.size).sort((p: number, q: number) => p - q), [0.5, 1.5, 7, 7]);
    assert.ok(qwen.fits.a.slope > 0 && qwen.fits.b.slope > 0);
    const [p] = predictions;
    assert.equal(p.size, 32e9);
    assert.ok(p.a.predictionInterval[0] < p.a.value && p.a.value < p.a.predictionInterval[1]);
    assert.equal(scaling.find((s: any) => s.model === 'llama-3.2').error, 'needs fitted runs of at least 3 model sizes (has 1)');
  });

  it('refuses a size it cannot read', async () => {
    assert.equal((await cli('across', SYNTHETIC, '--predict-size', 'huge')).code, 2);
  });
});
