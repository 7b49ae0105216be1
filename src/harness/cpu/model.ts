import { MLP_RATIO, type ModelConfig } from '../config.ts';
import type { ParamLayout, TensorSlot } from '../layout.ts';
import { linear, linearBackward, type Vec } from './matmul.ts';
import { attention, attentionBackward, crossEntropy, gelu, geluBackward, layerNorm, layerNormBackward } from './ops.ts';

/** Activations of one block kept for the backward pass. */
interface BlockCache {
  x: Vec; h1: Vec; mean1: Vec; rstd1: Vec; qkv: Vec; P: Vec; att: Vec;
  xm: Vec; h2: Vec; mean2: Vec; rstd2: Vec; fpre: Vec; fact: Vec;
}

/** Everything the forward pass computed. */
export interface ForwardCache {
  B: number; T: number; blocks: BlockCache[]; xf: Vec; hf: Vec; meanf: Vec; rstdf: Vec; logits: Vec;
  logp: Vec; entropy: Vec; dlogits: Vec; loss: number;
}

/**
 * The reference forward pass (and the CPU backend's): embeddings, pre-LN blocks, final norm, logits,
 * then per-token log p, entropy and the loss gradient at the logits (see `crossEntropy` for the weights).
 * `make` picks the element type: Float32Array to train, Float64Array for finite differences.
 */
export function forward(
  cfg: ModelConfig, L: ParamLayout, params: Vec, tokens: Int32Array, targets: Int32Array, weights: ArrayLike<number>,
  B: number, T: number, make: (n: number) => Vec, entropyWeights: ArrayLike<number> | null = null,
): ForwardCache {
  const D = cfg.width, F = MLP_RATIO * D, V = cfg.vocab, N = B * T, shape = { B, T, H: cfg.heads, D };
  const w = (s: TensorSlot) => params.subarray(s.offset, s.offset + s.size);
  let x = make(N * D);
  const wte = w(L.wte), wpe = w(L.wpe);
  for (let r = 0; r < N; r++) {
    const t = tokens[r] * D, p = (r % T) * D;
    for (let i = 0; i < D; i++) x[r * D + i] = wte[t + i] + wpe[p + i];
  }
  const blocks: BlockCache[] = [];
  for (const s of L.blocks) {
    const c: BlockCache = {
      x, h1: make(N * D), mean1: make(N), rstd1: make(N), qkv: make(N * 3 * D), P: make(B * cfg.heads * T * T),
      att: make(N * D), xm: make(N * D), h2: make(N * D), mean2: make(N), rstd2: make(N), fpre: make(N * F), fact: make(N * F),
    };
    layerNorm(x, w(s.ln1g), w(s.ln1b), c.h1, c.mean1, c.rstd1, N, D);
    linear(c.h1, w(s.wqkv), w(s.bqkv), c.qkv, N, D, 3 * D);
    attention(c.qkv, c.P, c.att, shape);
    c.xm.set(x);
    linear(c.att, w(s.wo), w(s.bo), c.xm, N, D, D, true);
    layerNorm(c.xm, w(s.ln2g), w(s.ln2b), c.h2, c.mean2, c.rstd2, N, D);
    linear(c.h2, w(s.w1), w(s.b1), c.fpre, N, D, F);
    gelu(c.fpre, c.fact, N * F);
    x = make(N * D);
    x.set(c.xm);
    linear(c.fact, w(s.w2), w(s.b2), x, N, F, D, true);
    blocks.push(c);
  }
  const hf = make(N * D), meanf = make(N), rstdf = make(N), logits = make(N * V);
  layerNorm(x, w(L.lnfg), w(L.lnfb), hf, meanf, rstdf, N, D);
  linear(hf, w(L.wout), null, logits, N, D, V);
  const logp = make(N), entropy = make(N), dlogits = make(N * V);
  const loss = crossEntropy(logits, targets, weights, logp, entropy, dlogits, N, V, entropyWeights);
  return { B, T, blocks, xf: x, hf, meanf, rstdf, logits, logp, entropy, dlogits, loss };
}

/**
 * Recomputes the loss and its gradient at the logits of a finished forward pass for new per-token
 * weights, in place: how a policy loss, whose weights depend on the log-probabilities the pass
 * produced, reaches `backward` without a second forward pass.
 */
export function reweight(cfg: ModelConfig, c: ForwardCache, targets: Int32Array, weights: ArrayLike<number>, entropyWeights: ArrayLike<number> | null): void {
  c.loss = crossEntropy(c.logits, targets, weights, c.logp, c.entropy, c.dlogits, c.B * c.T, cfg.vocab, entropyWeights);
}

/** The reference backward pass: the gradient of the loss of `forward` for every parameter, flat layout. */
export function backward(
  cfg: ModelConfig, L: ParamLayout, params: Vec, tokens: Int32Array, c: ForwardCache, make: (n: number) => Vec,
): Vec {
  const D = cfg.width, F = MLP_RATIO * D, V = cfg.vocab, { B, T } = c, N = B * T;
  const shape = { B, T, H: cfg.heads, D };
  const grads = make(L.total);
  const w = (s: TensorSlot) => params.subarray(s.offset, s.offset + s.size);
  const g = (s: TensorSlot) => grads.subarray(s.offset, s.offset + s.size);
  const dhf = make(N * D), dx = make(N * D);
  linearBackward(c.hf, w(L.wout), c.dlogits, dhf, g(L.wout), null, N, D, V, make);
  layerNormBackward(c.xf, w(L.lnfg), c.meanf, c.rstdf, dhf, dx, g(L.lnfg), g(L.lnfb), N, D);
  const dfact = make(N * F), dfpre = make(N * F), dh = make(N * D), datt = make(N * D), dqkv = make(N * 3 * D);
  for (let l = cfg.layers - 1; l >= 0; l--) {
    const s = L.blocks[l], k = c.blocks[l];
    linearBackward(k.fact, w(s.w2), dx, dfact, g(s.w2), g(s.b2), N, F, D, make);
    geluBackward(k.fpre, dfact, dfpre, N * F);
    linearBackward(k.h2, w(s.w1), dfpre, dh, g(s.w1), g(s.b1), N, D, F, make);
    layerNormBackward(k.xm, w(s.ln2g), k.mean2, k.rstd2, dh, dx, g(s.ln2g), g(s.ln2b), N, D);
    linearBackward(k.att, w(s.wo), dx, datt, g(s.wo), g(s.bo), N, D, D, make);
    attentionBackward(k.qkv, k.P, datt, dqkv, shape, make);
    linearBackward(k.h1, w(s.wqkv), dqkv, dh, g(s.wqkv), g(s.bqkv), N, D, 3 * D, make);
    layerNormBackward(k.x, w(s.ln1g), k.mean1, k.rstd1, dh, dx, g(s.ln1g), g(s.ln1b), N, D);
  }
  const dwte = g(L.wte), dwpe = g(L.wpe);
  for (let r = 0; r < N; r++) {
    const t = tokens[r] * D, p = (r % T) * D;
    for (let i = 0; i < D; i++) {
      dwte[t + i] += dx[r * D + i];
      dwpe[p + i] += dx[r * D + i];
    }
  }
  return grads;
}
