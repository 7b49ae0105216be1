import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CpuPolicy, policyLoss } from '../../src/harness/index.ts';
import { paramLayout } from '../../src/harness/layout.ts';
import { backward, forward, reweight } from '../../src/harness/cpu/model.ts';
import { Rng } from '../../src/util/rng.ts';
import { LOSS_MODES as MODES, TINY, finiteDifferenceErrors, modelLoss, randomBatch, randomParams, relativeError } from './fixtures.ts';

const ln = Math.log;
const close = (a: number, b: number, what: string, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('PPO: clipped surrogate with dual clip, token-mean, and its derivative per token', () => {
  // ratio 1, A 1: −1; ratio 1.5 > 1.2, A 1: clipped at −1.2; ratio 0.5 < 0.8, A 1: the unclipped −0.5 is larger;
  // ratio 0.5, A −1: clipped at 0.8; ratio 4, A −1: 4 capped by the dual clip at 3; ratio 2, A −1: 2; one masked token.
  const d = [0, ln(1.5), ln(0.5), ln(0.5), ln(4), ln(2), 0.3];
  const oldLogp = [-1, -2, -0.5, -1.5, -3, -2, -1];
  const logp = oldLogp.map((x, i) => x + d[i]);
  const advantages = [1, 1, 1, -1, -1, -1, 5], mask = [1, 1, 1, 1, 1, 1, 0];
  const r = policyLoss({ logp, oldLogp, advantages, mask });
  close(r.pgLoss, (-1 - 1.2 - 0.5 + 0.8 + 3 + 2) / 6, 'pg loss');
  close(r.loss, r.pgLoss, 'loss without entropy bonus');
  [-1, 0, -0.5, 0, 0, 2, 0].forEach((g, i) => close(r.dlogp[i], g / 6, `dlogp[${i}]`));
  close(r.clipfrac, 2 / 6, 'clipfrac');
  close(r.clipfracLower, 1 / 6, 'clipfrac lower');
  close(r.ppoKl, -d.slice(0, 6).reduce((a, b) => a + b) / 6, 'ppo kl');
  assert.equal(r.tokens, 6);
  // Clip-higher: ratio 1.5 is clipped at 1.28 instead.
  close(policyLoss({ logp, oldLogp, advantages, mask }, { clipHigh: 0.28 }).pgLoss, (-1 - 1.28 - 0.5 + 0.8 + 3 + 2) / 6, 'clip-higher');
  // An entropy bonus subtracts c·(token-mean entropy) and gives every valid token ∂loss/∂H = −c/N.
  const entropy = [1, 2, 3, 4, 5, 6, 100];
  const b = policyLoss({ logp, oldLogp, advantages, mask, entropy }, { entropyCoef: 0.1 });
  close(b.loss, b.pgLoss - 0.1 * 3.5, 'loss with entropy bonus');
  assert.deepEqual([...b.dentropy], [...new Array(6).fill(-0.1 / 6), 0]);
});

// Four valid tokens, advantages 2 2 −2 −2 (mean 0), log-probabilities 0 −2 0 −3 (mean −1.25):
// covariances 2.5, −1.5, −2.5, 3.5.
const covCase = { advantages: [2, 2, -2, -2, 9], logp: [0, -2, 0, -3, -1], mask: [1, 1, 1, 1, 0] };

test('Clip-Cov: picks max(1, ⌊r·N⌋) tokens at random among lb < cov < ub not already clipped, and zeroes them', () => {
  const { advantages, logp, mask } = covCase;
  const oldLogp = [...logp];
  const r = policyLoss({ logp, oldLogp, advantages, mask }, { loss: 'clip-cov', clipCovRatio: 0.1 }, new Rng(1));
  // Candidates: tokens 0 (2.5) and 3 (3.5); r·N = 0.4, so one of them.
  assert.equal(r.candidates, 2);
  assert.equal(r.selected, 1);
  const [pick] = r.selectedIndices;
  assert.ok(pick === 0 || pick === 3, `picked ${pick}`);
  for (let i = 0; i < 4; i++) close(r.dlogp[i], i === pick ? 0 : -advantages[i] / 4, `dlogp[${i}]`);
  close(r.pgLoss, (-[2, 2, -2, -2].reduce((a, x, i) => a + (i === pick ? 0 : x), 0)) / 4, 'pg loss');
  // Both are picked, over seeds, about equally often.
  let zeros = 0;
  for (let s = 0; s < 200; s++) if (policyLoss({ logp, oldLogp, advantages, mask }, { loss: 'clip-cov' }, new Rng(s)).selectedIndices[0] === 0) zeros++;
  assert.ok(zeros > 70 && zeros < 130, `token 0 picked ${zeros} times of 200`);
  // r·N = 2: both; a token PPO already clipped is no candidate (token 0 at ratio 1.5 with A > 0).
  assert.deepEqual(policyLoss({ logp, oldLogp, advantages, mask }, { loss: 'clip-cov', clipCovRatio: 0.5 }, new Rng(1)).selectedIndices, [0, 3]);
  const shifted = policyLoss({ logp, oldLogp: [-ln(1.5), -2, 0, -3, -1], advantages, mask }, { loss: 'clip-cov', clipCovRatio: 0.5 }, new Rng(1));
  assert.deepEqual(shifted.selectedIndices, [3]);
  assert.equal(shifted.candidates, 1);
  // A band no token falls in selects nothing.
  assert.equal(policyLoss({ logp, oldLogp, advantages, mask }, { loss: 'clip-cov', clipCovLb: 4, clipCovUb: 5 }, new Rng(1)).selected, 0);
});

test('KL-Cov: the top max(1, ⌊k·N⌋) tokens by covariance get −A·ratio + β·|log π − log π_old|, nothing is clipped', () => {
  const { advantages, logp, mask } = covCase;
  // Off-policy by 0.1 on every token: ratio e^0.1.
  const oldLogp = logp.map((x) => x - 0.1), e = Math.exp(0.1);
  const top1 = policyLoss({ logp, oldLogp, advantages, mask }, { loss: 'kl-cov', klCovRatio: 0.1, klCoef: 2 });
  assert.deepEqual(top1.selectedIndices, [3]);
  const top2 = policyLoss({ logp, oldLogp, advantages, mask }, { loss: 'kl-cov', klCovRatio: 0.5, klCoef: 2 });
  assert.deepEqual(top2.selectedIndices, [0, 3]);
  [-2 * e + 2, -2 * e, 2 * e, 2 * e + 2].forEach((g, i) => close(top2.dlogp[i], g / 4, `dlogp[${i}]`));
  close(top2.pgLoss, (-2 * e - 2 * e + 2 * e + 2 * e + 2 * 2 * 0.1) / 4, 'pg loss');
  assert.equal(top2.clipfrac, 0);
  // A ratio PPO would clip (e^0.5 > 1.2) is not clipped here.
  const far = policyLoss({ logp, oldLogp: logp.map((x) => x - 0.5), advantages, mask }, { loss: 'kl-cov', klCovRatio: 0.1 });
  close(far.dlogp[1], (-2 * Math.exp(0.5)) / 4, 'unclipped');
  // On-policy the KL term vanishes with its derivative: the loss is the plain policy gradient.
  const on = policyLoss({ logp, oldLogp: [...logp], advantages, mask }, { loss: 'kl-cov', klCovRatio: 0.5 });
  [-2, -2, 2, 2].forEach((g, i) => close(on.dlogp[i], g / 4, `on-policy dlogp[${i}]`));
});

/** The losses at points away from their kinks: several off-policy tokens, some clipped. */
function randomLossInput(n: number, seed: number) {
  const rng = new Rng(seed);
  const oldLogp = Array.from({ length: n }, () => -0.2 - 2 * rng.next());
  const logp = oldLogp.map((x) => x + 0.6 * (rng.next() - 0.5));
  const advantages = Array.from({ length: n }, () => 3 * (rng.next() - 0.5));
  const mask = Array.from({ length: n }, () => (rng.next() < 0.8 ? 1 : 0));
  const entropy = Array.from({ length: n }, () => 2 * rng.next());
  return { logp, oldLogp, advantages, mask, entropy };
}

test('each loss\'s derivative with respect to log π and H matches central finite differences', () => {
  for (const options of MODES) {
    const x = randomLossInput(40, 5);
    const base = policyLoss(x, options, new Rng(3));
    if (options.loss === 'clip-cov') assert.ok(base.selected > 1, 'Clip-Cov selects some tokens here');
    const h = 1e-6;
    for (const key of ['logp', 'entropy'] as const) {
      for (let i = 0; i < x.mask.length; i++) {
        const at = (delta: number) => {
          const y = { ...x, [key]: x[key].map((v, j) => (j === i ? v + delta : v)) };
          return policyLoss(y, options, new Rng(3)).loss;
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        const analytic = key === 'logp' ? base.dlogp[i] : base.dentropy[i];
        assert.ok(Math.abs(fd - analytic) < 1e-7, `${JSON.stringify(options)} ∂/∂${key}[${i}]: ${fd} vs ${analytic}`);
      }
    }
  }
});

test('through the model: the gradient of each loss with respect to every parameter matches finite differences (float64), and the CPU backend\'s', async () => {
  const L = paramLayout(TINY), B = 2, T = 5, N = B * T;
  const batch = randomBatch(TINY, B, T, 21);
  const params = Float64Array.from(randomParams(L.total, 22, 0.4));
  const f64 = (n: number) => new Float64Array(n);
  const logpAt = (p: Float64Array) => forward(TINY, L, p, batch.tokens, batch.targets, new Float64Array(N), B, T, f64);
  const c0 = logpAt(params);
  const rng = new Rng(23);
  const oldLogp = Array.from(c0.logp, (x) => x - 0.3 * (rng.next() - 0.5));
  const advantages = Array.from({ length: N }, () => 3 * (rng.next() - 0.5));
  const mask = Array.from({ length: N }, (_, i) => (i % T >= 2 ? 1 : 0));
  for (const options of MODES) {
    const lossAt = (p: Float64Array) => {
      const c = logpAt(p);
      return policyLoss({ logp: c.logp, oldLogp, advantages, mask, entropy: c.entropy }, options, new Rng(3)).loss;
    };
    const c = logpAt(params);
    const l = policyLoss({ logp: c.logp, oldLogp, advantages, mask, entropy: c.entropy }, options, new Rng(3));
    reweight(TINY, c, batch.targets, Float64Array.from(l.dlogp, (g) => -g), Float64Array.from(l.dentropy, (g) => -g));
    const grads = backward(TINY, L, params, batch.tokens, c, f64);
    // Every tenth parameter of every tensor keeps the test quick and still touches each one.
    const errors = finiteDifferenceErrors(L.slots, params, lossAt, grads, 10);
    const worst = Math.max(...errors.map((e) => e.worst)), scale = Math.max(...errors.map((e) => e.scale));
    assert.ok(scale > 0 && worst <= 1e-6 * scale + 1e-9, `${JSON.stringify(options)}: max |fd − grad| ${worst} vs ${scale}`);
    // The CPU backend (float32) through the same token loss.
    const cpu = new CpuPolicy(TINY, 0);
    await cpu.setState({ params: Float32Array.from(params), m: new Float32Array(L.total), v: new Float32Array(L.total), step: 0 });
    const got = await cpu.gradients(batch, modelLoss(options, oldLogp, advantages, mask));
    assert.ok(relativeError(got.grads, grads) < 1e-4, `${JSON.stringify(options)} CPU backend: ${relativeError(got.grads, grads)}`);
  }
});
