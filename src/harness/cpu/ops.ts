import type { Vec } from './matmul.ts';

/** Layer-norm epsilon, the same in WGSL. */
export const LN_EPS = 1e-5;
/**
 * Beyond this |argument| GELU's tanh is ±1 to float32 precision; the WGSL clamps there because some GPUs
 * return NaN for huge arguments, and both sides treat the derivative of the clamp as 0.
 */
const GELU_CLAMP = 15;
const GELU_C = Math.sqrt(2 / Math.PI);

/** y = g·(x − mean)/√(var + ε) + b per row of x[N, D]; keeps mean and 1/σ for the backward pass. */
export function layerNorm(x: Vec, g: Vec, b: Vec, y: Vec, mean: Vec, rstd: Vec, N: number, D: number): void {
  for (let r = 0; r < N; r++) {
    const o = r * D;
    let m = 0;
    for (let i = 0; i < D; i++) m += x[o + i];
    m /= D;
    let v = 0;
    for (let i = 0; i < D; i++) v += (x[o + i] - m) ** 2;
    const s = 1 / Math.sqrt(v / D + LN_EPS);
    mean[r] = m;
    rstd[r] = s;
    for (let i = 0; i < D; i++) y[o + i] = (x[o + i] - m) * s * g[i] + b[i];
  }
}

/**
 * Backward of `layerNorm`: dx += σ⁻¹·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·g (added, because the
 * input is the residual stream whose gradient already holds the skip path); dg, db are written.
 */
export function layerNormBackward(
  x: Vec, g: Vec, mean: Vec, rstd: Vec, dy: Vec, dx: Vec, dg: Vec, db: Vec, N: number, D: number,
): void {
  dg.fill(0);
  db.fill(0);
  for (let r = 0; r < N; r++) {
    const o = r * D, m = mean[r], s = rstd[r];
    let sg = 0, sgx = 0;
    for (let i = 0; i < D; i++) {
      const xh = (x[o + i] - m) * s, gh = dy[o + i] * g[i];
      sg += gh;
      sgx += gh * xh;
      dg[i] += dy[o + i] * xh;
      db[i] += dy[o + i];
    }
    sg /= D;
    sgx /= D;
    for (let i = 0; i < D; i++) {
      const xh = (x[o + i] - m) * s;
      dx[o + i] += s * (dy[o + i] * g[i] - sg - xh * sgx);
    }
  }
}

/**
 * tanh through exp, 1 − 2/(1 + e^{2u}): exact to 4e-16 and 1.5× faster than Math.tanh in V8, which
 * matters because GELU is the largest cost after the matrix products. Saturates to ±1 without overflow.
 */
function tanh(u: number): number {
  return 1 - 2 / (1 + Math.exp(2 * u));
}

/** GELU, tanh form (GPT-2): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: Vec, y: Vec, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    y[i] = 0.5 * v * (1 + tanh(GELU_C * (v + 0.044715 * v * v * v)));
  }
}

/** dx = dy·GELU′(x). */
export function geluBackward(x: Vec, dy: Vec, dx: Vec, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const u = GELU_C * (v + 0.044715 * v * v * v);
    const t = tanh(u);
    const du = Math.abs(u) < GELU_CLAMP ? GELU_C * (1 + 3 * 0.044715 * v * v) : 0;
    dx[i] = dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
  }
}

/** Sizes of one attention call: batch, sequence, heads, width. */
export interface AttnShape { B: number; T: number; H: number; D: number }

/**
 * Causal multi-head attention. qkv[B·T, 3D] holds q | k | v, head h in columns h·hd … (h+1)·hd of each;
 * writes o[B·T, D] and the probabilities P[B, H, T, T] (zero above the diagonal) for the backward pass.
 */
export function attention(qkv: Vec, P: Vec, o: Vec, { B, T, H, D }: AttnShape): void {
  const hd = D / H, scale = 1 / Math.sqrt(hd), D3 = 3 * D;
  P.fill(0);
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let i = 0; i < T; i++) {
    const q = (b * T + i) * D3 + h * hd, p = ((b * H + h) * T + i) * T;
    let max = -Infinity;
    for (let j = 0; j <= i; j++) {
      const k = (b * T + j) * D3 + D + h * hd;
      let s = 0;
      for (let c = 0; c < hd; c++) s += qkv[q + c] * qkv[k + c];
      P[p + j] = s * scale;
      if (P[p + j] > max) max = P[p + j];
    }
    let sum = 0;
    for (let j = 0; j <= i; j++) sum += (P[p + j] = Math.exp(P[p + j] - max));
    const out = (b * T + i) * D + h * hd;
    for (let c = 0; c < hd; c++) o[out + c] = 0;
    for (let j = 0; j <= i; j++) {
      const w = (P[p + j] /= sum), v = (b * T + j) * D3 + 2 * D + h * hd;
      for (let c = 0; c < hd; c++) o[out + c] += w * qkv[v + c];
    }
  }
}

/**
 * Backward of `attention`: with dP = dO·Vᵀ and dS = P ∘ (dP − rowsum(P ∘ dP)),
 * dQ = scale·dS·K, dK = scale·dSᵀ·Q, dV = Pᵀ·dO, all written into dqkv[B·T, 3D].
 */
export function attentionBackward(qkv: Vec, P: Vec, dO: Vec, dqkv: Vec, shape: AttnShape, make: (n: number) => Vec): void {
  const { B, T, H, D } = shape;
  const hd = D / H, scale = 1 / Math.sqrt(hd), D3 = 3 * D;
  const dS = make(T);
  dqkv.fill(0);
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let i = 0; i < T; i++) {
    const q = (b * T + i) * D3 + h * hd, p = ((b * H + h) * T + i) * T, go = (b * T + i) * D + h * hd;
    let dot = 0;
    for (let j = 0; j <= i; j++) {
      const v = (b * T + j) * D3 + 2 * D + h * hd;
      let s = 0;
      for (let c = 0; c < hd; c++) s += dO[go + c] * qkv[v + c];
      dS[j] = s;
      dot += s * P[p + j];
    }
    for (let j = 0; j <= i; j++) {
      const ds = P[p + j] * (dS[j] - dot) * scale, pj = P[p + j];
      const k = (b * T + j) * D3 + D + h * hd, v = k + D;
      for (let c = 0; c < hd; c++) {
        dqkv[q + c] += ds * qkv[k + c];
        dqkv[k + c] += ds * qkv[q + c];
        dqkv[v + c] += pj * dO[go + c];
      }
    }
  }
}

/**
 * Per row of logits[N, V]: log p(target), the entropy H = −Σ p·log p, and the gradient of
 * loss = −Σ_r (w_r·log p_r + e_r·H_r), which is w_r·(softmax − onehot(target)) + e_r·p·(log p + H)
 * (∂H/∂logits = −p·(log p + H)). Returns the loss. `e` (entropy weights) is an entropy bonus when
 * positive: a policy loss's `−c·H` term, or a confidence penalty on a supervised loss. Rows with
 * w_r = e_r = 0 still get log p and entropy (the RL reads them) and a zero gradient.
 */
export function crossEntropy(
  logits: Vec, targets: Int32Array, weights: ArrayLike<number>, logp: Vec, entropy: Vec, dlogits: Vec | null, N: number, V: number,
  entropyWeights: ArrayLike<number> | null = null,
): number {
  let loss = 0;
  for (let r = 0; r < N; r++) {
    const o = r * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (logits[o + v] > max) max = logits[o + v];
    let sum = 0, sumZ = 0;
    for (let v = 0; v < V; v++) {
      const e = Math.exp(logits[o + v] - max);
      sum += e;
      sumZ += e * (logits[o + v] - max);
    }
    const lse = Math.log(sum), H = lse - sumZ / sum;
    logp[r] = logits[o + targets[r]] - max - lse;
    entropy[r] = H;
    const w = weights[r], e = entropyWeights ? entropyWeights[r] : 0;
    loss -= w * logp[r] + e * H;
    if (dlogits) {
      for (let v = 0; v < V; v++) {
        const z = logits[o + v] - max, p = Math.exp(z) / sum;
        // log p + H = z − lse + H
        dlogits[o + v] = w * p + (e === 0 ? 0 : e * p * (z - lse + H));
      }
      dlogits[o + targets[r]] -= w;
    }
  }
  return loss;
}
