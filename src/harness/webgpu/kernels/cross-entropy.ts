import { binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';

/**
 * Per row of logits[N, V], in one pass over the same softmax: log p(target), the entropy H, the row's
 * loss −w·log p − e·H and its gradient dlogits = w·(softmax − onehot(target)) + e·p·(log p + H), as
 * `crossEntropy` in `cpu/ops.ts`. Returning log-probabilities and entropies from the training kernel is
 * what lets the RL read them per token for free.
 * Bindings: logits, targets (i32), weights, entropy weights, logp, entropy, loss, dlogits.
 */
export function crossEntropyKernel({ N, V }: { N: number; V: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
${binding(0, 'logits', 'read')}
${binding(1, 'targets', 'read', 'array<i32>')}
${binding(2, 'weights', 'read')}
${binding(3, 'entropyWeights', 'read')}
${binding(4, 'logp', 'read_write')}
${binding(5, 'entropy', 'read_write')}
${binding(6, 'loss', 'read_write')}
${binding(7, 'dlogits', 'read_write')}
${main1d(wg)}
  if (idx >= ${N}u) { return; }
  let o = idx * ${V}u;
  var mx = -3.0e38;
  for (var v = 0u; v < ${V}u; v++) { mx = max(mx, logits[o + v]); }
  var sum = 0.0;
  var sumZ = 0.0;
  for (var v = 0u; v < ${V}u; v++) {
    let z = logits[o + v] - mx;
    let e = exp(z);
    sum += e;
    sumZ += e * z;
  }
  let lse = log(sum);
  let h = lse - sumZ / sum;
  let t = u32(targets[idx]);
  let lp = logits[o + t] - mx - lse;
  let w = weights[idx];
  let e = entropyWeights[idx];
  logp[idx] = lp;
  entropy[idx] = h;
  loss[idx] = -w * lp - e * h;
  for (var v = 0u; v < ${V}u; v++) {
    let z = logits[o + v] - mx;
    let p = exp(z) / sum;
    dlogits[o + v] = w * p + e * p * (z - lse + h);
  }
  dlogits[o + t] -= w;
}`;
  return {
    label: 'cross entropy',
    code,
    bindings: ['read', 'read', 'read', 'read', 'read_write', 'read_write', 'read_write', 'read_write'],
    dispatch: grid1d(N, wg, limits),
  };
}
