import { binding, grid1d, linearWorkgroup, main1d, type Kernel, type KernelLimits } from '../kernel.ts';

/**
 * Per row of logits[N, V], in one pass over the same softmax: log p(target), the entropy, the row's
 * loss −w·log p and its gradient dlogits = w·(softmax − onehot(target)). Returning log-probabilities
 * and entropies from the training kernel is what lets the RL read them per token for free.
 * Bindings: logits, targets (i32), weights, logp, entropy, loss, dlogits.
 */
export function crossEntropyKernel({ N, V }: { N: number; V: number }, limits: KernelLimits): Kernel {
  const wg = linearWorkgroup(limits);
  const code = `
${binding(0, 'logits', 'read')}
${binding(1, 'targets', 'read', 'array<i32>')}
${binding(2, 'weights', 'read')}
${binding(3, 'logp', 'read_write')}
${binding(4, 'entropy', 'read_write')}
${binding(5, 'loss', 'read_write')}
${binding(6, 'dlogits', 'read_write')}
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
  let t = u32(targets[idx]);
  let lp = logits[o + t] - mx - lse;
  let w = weights[idx];
  logp[idx] = lp;
  entropy[idx] = lse - sumZ / sum;
  loss[idx] = -w * lp;
  for (var v = 0u; v < ${V}u; v++) { dlogits[o + v] = w * exp(logits[o + v] - mx) / sum; }
  dlogits[o + t] -= w;
}`;
  return {
    label: 'cross entropy',
    code,
    bindings: ['read', 'read', 'read', 'read_write', 'read_write', 'read_write', 'read_write'],
    dispatch: grid1d(N, wg, limits),
  };
}
