import { MLP_RATIO, type ModelConfig } from '../config.ts';
import type { ParamLayout, TensorSlot } from '../layout.ts';
import { linear } from './matmul.ts';
import { forward } from './model.ts';
import { gelu, layerNorm } from './ops.ts';

/**
 * Autoregressive decoding with a key/value cache: the prompts go through one forward pass (which
 * keeps each layer's keys and values), then every new token is one position per sequence attending
 * to the cached ones, instead of the whole prefix again. For prompts of length L and n new tokens that
 * is L + n − 1 position-passes per sequence instead of n·L + n(n−1)/2 (8 + 3 tokens of addition: 10
 * against 27). Identical prompts are prefilled once and their cache shared (an RL rollout samples G
 * responses to each prompt: the prefill shrinks G-fold, as vLLM's prefix caching does). Same model, same
 * arithmetic per position as `forward`, in float32.
 *
 * `draw(logits, offset, b, s)` picks new token s of sequence b from logits[offset … offset + V) and
 * returns it.
 */
export function decodeWithCache(
  cfg: ModelConfig, L: ParamLayout, params: Float32Array, prompts: Int32Array, count: number, promptLen: number, maxNew: number,
  draw: (logits: Float32Array, offset: number, b: number, s: number) => number,
): void {
  const D = cfg.width, F = MLP_RATIO * D, V = cfg.vocab, H = cfg.heads, hd = D / H, T = promptLen + maxNew, D3 = 3 * D;
  const f32 = (n: number) => new Float32Array(n);
  const w = (s: TensorSlot) => params.subarray(s.offset, s.offset + s.size);
  // Prefill: the distinct prompts' forward pass gives the first new token's logits and every layer's keys/values.
  const { unique, of } = distinctRows(prompts, count, promptLen);
  const U = unique.length / promptLen;
  const pre = forward(cfg, L, params, unique, unique, new Float32Array(U * promptLen), U, promptLen, f32);
  // cache[l][b, t, 0 … D) keys, [D … 2D) values.
  const cache = L.blocks.map((_, l) => {
    const kv = f32(count * T * 2 * D), qkv = pre.blocks[l].qkv;
    for (let b = 0; b < count; b++) for (let t = 0; t < promptLen; t++) {
      const r = of[b] * promptLen + t;
      kv.set(qkv.subarray(r * D3 + D, (r + 1) * D3), (b * T + t) * 2 * D);
    }
    return kv;
  });
  const last = f32(count * V);
  for (let b = 0; b < count; b++) last.set(pre.logits.subarray(((of[b] + 1) * promptLen - 1) * V, (of[b] + 1) * promptLen * V), b * V);
  let tokens = new Int32Array(count);
  for (let b = 0; b < count; b++) tokens[b] = draw(last, b * V, b, 0);

  const x = f32(count * D), h = f32(count * D), mean = f32(count), rstd = f32(count), qkv = f32(count * D3);
  const att = f32(count * D), fpre = f32(count * F), fact = f32(count * F), scores = f32(T), logits = f32(count * V);
  const scale = 1 / Math.sqrt(hd);
  for (let s = 1; s < maxNew; s++) {
    const pos = promptLen + s - 1; // the position of the token drawn at step s − 1
    const wte = w(L.wte), wpe = w(L.wpe);
    for (let b = 0; b < count; b++) {
      const t = tokens[b] * D, p = pos * D;
      for (let i = 0; i < D; i++) x[b * D + i] = wte[t + i] + wpe[p + i];
    }
    for (const [l, blk] of L.blocks.entries()) {
      const kv = cache[l];
      layerNorm(x, w(blk.ln1g), w(blk.ln1b), h, mean, rstd, count, D);
      linear(h, w(blk.wqkv), w(blk.bqkv), qkv, count, D, D3);
      for (let b = 0; b < count; b++) kv.set(qkv.subarray(b * D3 + D, (b + 1) * D3), (b * T + pos) * 2 * D);
      for (let b = 0; b < count; b++) for (let hh = 0; hh < H; hh++) {
        const q = b * D3 + hh * hd;
        let max = -Infinity;
        for (let j = 0; j <= pos; j++) {
          const k = (b * T + j) * 2 * D + hh * hd;
          let dot = 0;
          for (let c = 0; c < hd; c++) dot += qkv[q + c] * kv[k + c];
          scores[j] = dot * scale;
          if (scores[j] > max) max = scores[j];
        }
        let sum = 0;
        for (let j = 0; j <= pos; j++) sum += (scores[j] = Math.exp(scores[j] - max));
        const o = b * D + hh * hd;
        for (let c = 0; c < hd; c++) att[o + c] = 0;
        for (let j = 0; j <= pos; j++) {
          const pj = scores[j] / sum, v = (b * T + j) * 2 * D + D + hh * hd;
          for (let c = 0; c < hd; c++) att[o + c] += pj * kv[v + c];
        }
      }
      linear(att, w(blk.wo), w(blk.bo), x, count, D, D, true);
      layerNorm(x, w(blk.ln2g), w(blk.ln2b), h, mean, rstd, count, D);
      linear(h, w(blk.w1), w(blk.b1), fpre, count, D, F);
      gelu(fpre, fact, count * F);
      linear(fact, w(blk.w2), w(blk.b2), x, count, F, D, true);
    }
    layerNorm(x, w(L.lnfg), w(L.lnfb), h, mean, rstd, count, D);
    linear(h, w(L.wout), null, logits, count, D, V);
    const next = new Int32Array(count);
    for (let b = 0; b < count; b++) next[b] = draw(logits, b * V, b, s);
    tokens = next;
  }
}

/** The distinct rows of `rows` [count, len] in order of first appearance, and each row's index among them. */
function distinctRows(rows: Int32Array, count: number, len: number): { unique: Int32Array; of: Int32Array } {
  const index = new Map<string, number>(), of = new Int32Array(count), keep: number[] = [];
  for (let b = 0; b < count; b++) {
    const key = rows.subarray(b * len, (b + 1) * len).join(',');
    let u = index.get(key);
    if (u === undefined) {
      u = keep.length;
      index.set(key, u);
      keep.push(b);
    }
    of[b] = u;
  }
  const unique = new Int32Array(keep.length * len);
  keep.forEach((b, u) => unique.set(rows.subarray(b * len, (b + 1) * len), u * len));
  return { unique, of };
}
