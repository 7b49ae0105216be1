import type { ModelConfig } from '../config.ts';
import { checkBatch, checkSample } from '../validate.ts';
import { initParams } from '../init.ts';
import { checkState, paramLayout, type ParamLayout } from '../layout.ts';
import { hashUniform } from '../../util/rng.ts';
import { drawToken } from '../sampling.ts';
import type { AdamWOptions, Batch, ForwardResult, Policy, PolicyState, SampleOptions, SampleResult } from '../types.ts';
import { adamwStep } from './adamw.ts';
import { backward, forward } from './model.ts';

const f32 = (n: number) => new Float32Array(n);

/** The CPU backend: the reference passes in float32 with blocked matmuls. */
export class CpuPolicy implements Policy {
  readonly device = 'cpu' as const;
  readonly layout: ParamLayout;
  private params: Float32Array;
  private m: Float32Array;
  private v: Float32Array;
  private step = 0;

  constructor(readonly config: ModelConfig, seed: number) {
    this.layout = paramLayout(config);
    this.params = initParams(config, seed);
    this.m = f32(this.layout.total);
    this.v = f32(this.layout.total);
  }

  async forward(batch: Batch, options: { logits?: boolean } = {}): Promise<ForwardResult> {
    checkBatch(this.config, batch);
    const c = forward(this.config, this.layout, this.params, batch.tokens, batch.targets, batch.weights, batch.batchSize, batch.seqLen, f32);
    const out: ForwardResult = { loss: c.loss, logp: c.logp as Float32Array, entropy: c.entropy as Float32Array };
    if (options.logits) out.logits = c.logits as Float32Array;
    return out;
  }

  async gradients(batch: Batch): Promise<{ loss: number; grads: Float32Array }> {
    checkBatch(this.config, batch);
    const c = forward(this.config, this.layout, this.params, batch.tokens, batch.targets, batch.weights, batch.batchSize, batch.seqLen, f32);
    return { loss: c.loss, grads: backward(this.config, this.layout, this.params, batch.tokens, c, f32) as Float32Array };
  }

  async trainStep(batch: Batch, adam: AdamWOptions = {}): Promise<{ loss: number }> {
    const { loss, grads } = await this.gradients(batch);
    adamwStep(this.layout, this.params, grads, this.m, this.v, ++this.step, adam);
    return { loss };
  }

  async sample(prompts: Int32Array, promptLen: number, options: SampleOptions): Promise<SampleResult> {
    checkSample(this.config, prompts, promptLen, options);
    const { maxNew, temperature = 1, greedy = false, seed = 0 } = options;
    const count = prompts.length / promptLen, T = promptLen + maxNew, V = this.config.vocab;
    const seq = new Int32Array(count * T);
    for (let b = 0; b < count; b++) seq.set(prompts.subarray(b * promptLen, (b + 1) * promptLen), b * T);
    const out: SampleResult = { tokens: new Int32Array(count * maxNew), logp: f32(count * maxNew), entropy: f32(count * maxNew) };
    for (let s = 0; s < maxNew; s++) {
      // Run the prefix only: causal attention makes later positions irrelevant to position L−1.
      const L = promptLen + s, toks = new Int32Array(count * L);
      for (let b = 0; b < count; b++) toks.set(seq.subarray(b * T, b * T + L), b * L);
      const c = forward(this.config, this.layout, this.params, toks, toks, new Float32Array(count * L), count, L, f32);
      for (let b = 0; b < count; b++) {
        const d = drawToken(c.logits, (b * L + L - 1) * V, V, temperature, greedy, hashUniform(seed, b, s));
        seq[b * T + L] = d.token;
        out.tokens[b * maxNew + s] = d.token;
        out.logp[b * maxNew + s] = d.logp;
        out.entropy[b * maxNew + s] = d.entropy;
      }
    }
    return out;
  }

  async getState(): Promise<PolicyState> {
    return { params: this.params.slice(), m: this.m.slice(), v: this.v.slice(), step: this.step };
  }

  /** @throws UsageError when the state was made for another model shape. */
  async setState(state: PolicyState): Promise<void> {
    checkState(state, this.layout.total);
    this.params = state.params.slice();
    this.m = state.m.slice();
    this.v = state.v.slice();
    this.step = state.step;
  }

  dispose(): void {}
}
