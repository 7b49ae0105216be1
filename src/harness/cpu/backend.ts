import type { ModelConfig } from '../config.ts';
import { checkBatch, checkSample, checkWeights } from '../validate.ts';
import { initParams } from '../init.ts';
import { checkState, paramLayout, type ParamLayout } from '../layout.ts';
import { hashUniform } from '../../util/rng.ts';
import { drawToken } from '../sampling.ts';
import type { AdamWOptions, Batch, ForwardResult, Policy, PolicyState, SampleOptions, SampleResult, TokenLoss } from '../types.ts';
import { adamwStep } from './adamw.ts';
import { decodeWithCache } from './decode.ts';
import { backward, forward, reweight, type ForwardCache } from './model.ts';

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
    const c = this.run(batch);
    const out: ForwardResult = { loss: c.loss, logp: c.logp as Float32Array, entropy: c.entropy as Float32Array };
    if (options.logits) out.logits = c.logits as Float32Array;
    return out;
  }

  async gradients(batch: Batch, tokenLoss?: TokenLoss): Promise<{ loss: number; grads: Float32Array }> {
    checkBatch(this.config, batch);
    const c = this.run(batch);
    if (tokenLoss) {
      const N = batch.batchSize * batch.seqLen;
      const { weights, entropyWeights = null } = tokenLoss({ logp: c.logp as Float32Array, entropy: c.entropy as Float32Array });
      checkWeights(weights, N, 'weight');
      if (entropyWeights) checkWeights(entropyWeights, N, 'entropy weight');
      reweight(this.config, c, batch.targets, weights, entropyWeights);
    }
    return { loss: c.loss, grads: backward(this.config, this.layout, this.params, batch.tokens, c, f32) as Float32Array };
  }

  private run(batch: Batch): ForwardCache {
    const { tokens, targets, weights, batchSize, seqLen, entropyWeights = null } = batch;
    return forward(this.config, this.layout, this.params, tokens, targets, weights, batchSize, seqLen, f32, entropyWeights);
  }

  async trainStep(batch: Batch, adam: AdamWOptions = {}, tokenLoss?: TokenLoss): Promise<{ loss: number }> {
    const { loss, grads } = await this.gradients(batch, tokenLoss);
    adamwStep(this.layout, this.params, grads, this.m, this.v, ++this.step, adam);
    return { loss };
  }

  async sample(prompts: Int32Array, promptLen: number, options: SampleOptions): Promise<SampleResult> {
    checkSample(this.config, prompts, promptLen, options);
    const { maxNew, temperature = 1, greedy = false, seed = 0 } = options;
    const count = prompts.length / promptLen, V = this.config.vocab;
    const out: SampleResult = { tokens: new Int32Array(count * maxNew), logp: f32(count * maxNew), entropy: f32(count * maxNew) };
    decodeWithCache(this.config, this.layout, this.params, prompts, count, promptLen, maxNew, (logits, offset, b, s) => {
      const d = drawToken(logits, offset, V, temperature, greedy, hashUniform(seed, b, s));
      out.tokens[b * maxNew + s] = d.token;
      out.logp[b * maxNew + s] = d.logp;
      out.entropy[b * maxNew + s] = d.entropy;
      return d.token;
    });
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
