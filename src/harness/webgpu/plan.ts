import { MLP_RATIO, type ModelConfig } from '../config.ts';
import type { ParamLayout, TensorSlot } from '../layout.ts';
import type { KernelLimits } from './kernel.ts';
import { attentionKernel } from './kernels/attention.ts';
import { attentionBackwardKVKernel } from './kernels/attention-backward-kv.ts';
import { attentionBackwardQKernel } from './kernels/attention-backward-q.ts';
import { colsumKernel } from './kernels/colsum.ts';
import { crossEntropyKernel } from './kernels/cross-entropy.ts';
import { embeddingKernel } from './kernels/embedding.ts';
import { embeddingBackwardKernel } from './kernels/embedding-backward.ts';
import { geluKernel } from './kernels/gelu.ts';
import { geluBackwardKernel } from './kernels/gelu-backward.ts';
import { layerNormKernel } from './kernels/layernorm.ts';
import { layerNormBackwardKernel } from './kernels/layernorm-backward.ts';
import { layerNormParamsBackwardKernel } from './kernels/layernorm-params-backward.ts';
import { matmulKernel } from './kernels/matmul.ts';
import type { PipelineCache } from './pipeline-cache.ts';
import { compile, storageBuffer, whole, type BufferRange, type Step } from './runner.ts';

/** The shared parameter-sized buffers of a policy. */
export interface ParamBuffers { params: GPUBuffer; grads: GPUBuffer }

/** Activation buffers and recorded steps for one batch shape [B, T]. */
export interface Plan {
  B: number; T: number;
  tokens: GPUBuffer; targets: GPUBuffer; weights: GPUBuffer; entropyWeights: GPUBuffer;
  logits: GPUBuffer; logp: GPUBuffer; entropy: GPUBuffer; loss: GPUBuffer;
  /** Embeddings through logits. */
  forward: Step[];
  /** Log-probabilities, entropies, loss and its gradient at the logits. */
  crossEntropy: Step[];
  /** Every parameter gradient into `grads`. */
  backward: Step[];
  buffers: GPUBuffer[];
}

/**
 * Allocates the activations of a [B, T] batch and records the forward and backward passes over them,
 * mirroring `cpu/model.ts` step for step.
 */
export async function buildPlan(
  device: GPUDevice, cache: PipelineCache, limits: KernelLimits, cfg: ModelConfig, L: ParamLayout, pb: ParamBuffers, B: number, T: number,
): Promise<Plan> {
  const D = cfg.width, F = MLP_RATIO * D, V = cfg.vocab, H = cfg.heads, N = B * T, attn = { B, T, H, D };
  const buffers: GPUBuffer[] = [];
  const buf = (floats: number, label: string) => {
    const b = storageBuffer(device, floats * 4, label);
    buffers.push(b);
    return b;
  };
  const p = (s: TensorSlot): BufferRange => ({ buffer: pb.params, offset: s.offset * 4, size: s.size * 4 });
  const g = (s: TensorSlot): BufferRange => ({ buffer: pb.grads, offset: s.offset * 4, size: s.size * 4 });
  const w = whole;
  const step = (k: Parameters<typeof compile>[2], ranges: BufferRange[]) => compile(device, cache, k, ranges);
  const mm = (spec: Parameters<typeof matmulKernel>[0], ranges: BufferRange[]) => step(matmulKernel(spec, limits), ranges);

  const tokens = buf(N, 'tokens'), targets = buf(N, 'targets'), weights = buf(N, 'weights'), entropyWeights = buf(N, 'entropy weights');
  const xs = [buf(N * D, 'x0')];
  const forward: Step[] = [await step(embeddingKernel({ N, T, D }, limits), [w(tokens), p(L.wte), p(L.wpe), w(xs[0])])];
  const acts = L.blocks.map((_, l) => ({
    h1: buf(N * D, `h1.${l}`), mean1: buf(N, 'mean1'), rstd1: buf(N, 'rstd1'), qkv: buf(N * 3 * D, 'qkv'), P: buf(B * H * T * T, 'P'),
    att: buf(N * D, 'att'), xm: buf(N * D, 'xm'), h2: buf(N * D, 'h2'), mean2: buf(N, 'mean2'), rstd2: buf(N, 'rstd2'),
    fpre: buf(N * F, 'fpre'), fact: buf(N * F, 'fact'),
  }));
  for (const [l, s] of L.blocks.entries()) {
    const a = acts[l], x = xs[l], next = buf(N * D, `x${l + 1}`);
    xs.push(next);
    forward.push(
      await step(layerNormKernel({ N, D }, limits), [w(x), p(s.ln1g), p(s.ln1b), w(a.h1), w(a.mean1), w(a.rstd1)]),
      await mm({ M: N, K: D, N: 3 * D, transB: true, bias: true }, [w(a.h1), p(s.wqkv), w(a.qkv), p(s.bqkv)]),
      await step(attentionKernel(attn, limits), [w(a.qkv), w(a.P), w(a.att)]),
      { kind: 'copy', from: w(x), to: w(a.xm) },
      await mm({ M: N, K: D, N: D, transB: true, bias: true, accumulate: true }, [w(a.att), p(s.wo), w(a.xm), p(s.bo)]),
      await step(layerNormKernel({ N, D }, limits), [w(a.xm), p(s.ln2g), p(s.ln2b), w(a.h2), w(a.mean2), w(a.rstd2)]),
      await mm({ M: N, K: D, N: F, transB: true, bias: true }, [w(a.h2), p(s.w1), w(a.fpre), p(s.b1)]),
      await step(geluKernel({ n: N * F }, limits), [w(a.fpre), w(a.fact)]),
      { kind: 'copy', from: w(a.xm), to: w(next) },
      await mm({ M: N, K: F, N: D, transB: true, bias: true, accumulate: true }, [w(a.fact), p(s.w2), w(next), p(s.b2)]),
    );
  }
  const xf = xs[cfg.layers];
  const hf = buf(N * D, 'hf'), meanf = buf(N, 'meanf'), rstdf = buf(N, 'rstdf'), logits = buf(N * V, 'logits');
  forward.push(
    await step(layerNormKernel({ N, D }, limits), [w(xf), p(L.lnfg), p(L.lnfb), w(hf), w(meanf), w(rstdf)]),
    await mm({ M: N, K: D, N: V, transB: true }, [w(hf), p(L.wout), w(logits)]),
  );
  const logp = buf(N, 'logp'), entropy = buf(N, 'entropy'), loss = buf(N, 'loss'), dlogits = buf(N * V, 'dlogits');
  const crossEntropy = [await step(crossEntropyKernel({ N, V }, limits), [w(logits), w(targets), w(weights), w(entropyWeights), w(logp), w(entropy), w(loss), w(dlogits)])];

  const dx = buf(N * D, 'dx'), dh = buf(N * D, 'dh'), dfact = buf(N * F, 'dfact'), dfpre = buf(N * F, 'dfpre');
  const datt = buf(N * D, 'datt'), dqkv = buf(N * 3 * D, 'dqkv'), dS = buf(B * H * T * T, 'dS');
  const lnBack = async (x: GPUBuffer, gain: TensorSlot, bias: TensorSlot, mean: GPUBuffer, rstd: GPUBuffer, dy: GPUBuffer) => [
    await step(layerNormBackwardKernel({ N, D }, limits), [w(x), p(gain), w(mean), w(rstd), w(dy), w(dx)]),
    await step(layerNormParamsBackwardKernel({ N, D }, limits), [w(x), w(mean), w(rstd), w(dy), g(gain), g(bias)]),
  ];
  const backward: Step[] = [
    await mm({ M: N, K: V, N: D }, [w(dlogits), p(L.wout), w(dh)]),
    await mm({ M: V, K: N, N: D, transA: true }, [w(dlogits), w(hf), g(L.wout)]),
    { kind: 'clear', target: w(dx) },
    ...(await lnBack(xf, L.lnfg, L.lnfb, meanf, rstdf, dh)),
  ];
  for (let l = cfg.layers - 1; l >= 0; l--) {
    const s = L.blocks[l], a = acts[l];
    backward.push(
      await mm({ M: N, K: D, N: F }, [w(dx), p(s.w2), w(dfact)]),
      await mm({ M: D, K: N, N: F, transA: true }, [w(dx), w(a.fact), g(s.w2)]),
      await step(colsumKernel({ R: N, C: D }, limits), [w(dx), g(s.b2)]),
      await step(geluBackwardKernel({ n: N * F }, limits), [w(a.fpre), w(dfact), w(dfpre)]),
      await mm({ M: N, K: F, N: D }, [w(dfpre), p(s.w1), w(dh)]),
      await mm({ M: F, K: N, N: D, transA: true }, [w(dfpre), w(a.h2), g(s.w1)]),
      await step(colsumKernel({ R: N, C: F }, limits), [w(dfpre), g(s.b1)]),
      ...(await lnBack(a.xm, s.ln2g, s.ln2b, a.mean2, a.rstd2, dh)),
      await mm({ M: N, K: D, N: D }, [w(dx), p(s.wo), w(datt)]),
      await mm({ M: D, K: N, N: D, transA: true }, [w(dx), w(a.att), g(s.wo)]),
      await step(colsumKernel({ R: N, C: D }, limits), [w(dx), g(s.bo)]),
      await step(attentionBackwardQKernel(attn, limits), [w(a.qkv), w(a.P), w(datt), w(dS), w(dqkv)]),
      await step(attentionBackwardKVKernel(attn, limits), [w(a.qkv), w(a.P), w(datt), w(dS), w(dqkv)]),
      await mm({ M: N, K: 3 * D, N: D }, [w(dqkv), p(s.wqkv), w(dh)]),
      await mm({ M: 3 * D, K: N, N: D, transA: true }, [w(dqkv), w(a.h1), g(s.wqkv)]),
      await step(colsumKernel({ R: N, C: 3 * D }, limits), [w(dqkv), g(s.bqkv)]),
      ...(await lnBack(xs[l], s.ln1g, s.ln1b, a.mean1, a.rstd1, dh)),
    );
  }
  backward.push(await step(embeddingBackwardKernel({ N, T, D, V }, limits), [w(tokens), w(dx), g(L.wte), g(L.wpe)]));
  return { B, T, tokens, targets, weights, entropyWeights, logits, logp, entropy, loss, forward, crossEntropy, backward, buffers };
}
