import type { ModelConfig } from '../config.ts';
import { checkBatch, checkSample, checkWeights } from '../validate.ts';
import { initParams } from '../init.ts';
import { checkState, paramLayout, type ParamLayout } from '../layout.ts';
import { DEFAULT_ADAMW, type AdamWOptions, type Batch, type ForwardResult, type Policy, type PolicyState, type SampleOptions, type SampleResult, type TokenLoss } from '../types.ts';
import { gpuContext, type GpuContext } from './device.ts';
import type { KernelLimits } from './kernel.ts';
import { ADAMW_UNIFORM_BYTES, adamwKernel } from './kernels/adamw.ts';
import { SAMPLE_UNIFORM_BYTES, sampleKernel } from './kernels/sample.ts';
import { PipelineCache } from './pipeline-cache.ts';
import { buildPlan, type Plan } from './plan.ts';
import { compile, encode, readBack, storageBuffer, upload, whole, type Step } from './runner.ts';

/**
 * The WebGPU backend: the same model as `CpuPolicy`, with forward, backward, AdamW and sampling as WGSL
 * kernels. Parameters, gradients and AdamW moments stay on the device; each call uploads its tokens and
 * reads back only the per-token outputs it returns.
 */
export class GpuPolicy implements Policy {
  readonly device = 'webgpu' as const;
  readonly layout: ParamLayout;
  readonly cache: PipelineCache;
  private readonly plans = new Map<string, Promise<Plan>>();
  private readonly dev: GPUDevice;
  private readonly limits: KernelLimits;
  private readonly params: GPUBuffer;
  private readonly grads: GPUBuffer;
  private readonly m: GPUBuffer;
  private readonly v: GPUBuffer;
  private readonly hyper: GPUBuffer;
  private readonly decay: GPUBuffer;
  private adam: Step | null = null;
  private step = 0;
  private readonly owned: GPUBuffer[] = [];

  private constructor(readonly config: ModelConfig, readonly context: GpuContext, initial: Float32Array) {
    this.dev = context.device;
    this.limits = { ...limitsOf(this.dev), software: context.software };
    this.layout = paramLayout(config);
    this.cache = PipelineCache.for(this.dev);
    const n = this.layout.total * 4;
    this.params = this.own(storageBuffer(this.dev, n, 'params', initial));
    this.grads = this.own(storageBuffer(this.dev, n, 'grads'));
    this.m = this.own(storageBuffer(this.dev, n, 'adam.m'));
    this.v = this.own(storageBuffer(this.dev, n, 'adam.v'));
    const decay = new Float32Array(this.layout.total);
    for (const s of this.layout.slots) if (s.decay) decay.fill(1, s.offset, s.offset + s.size);
    this.decay = this.own(storageBuffer(this.dev, n, 'decay', decay));
    this.hyper = this.own(this.dev.createBuffer({ size: ADAMW_UNIFORM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }));
  }

  /**
   * Opens the shared device and uploads freshly initialised parameters.
   * @throws InputError when no WebGPU adapter is available.
   */
  static async create(config: ModelConfig, seed: number): Promise<GpuPolicy> {
    return new GpuPolicy(config, await gpuContext(), initParams(config, seed));
  }

  private own(b: GPUBuffer): GPUBuffer {
    this.owned.push(b);
    return b;
  }

  private plan(B: number, T: number): Promise<Plan> {
    const key = `${B}x${T}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = buildPlan(this.dev, this.cache, this.limits, this.config, this.layout, { params: this.params, grads: this.grads }, B, T);
      this.plans.set(key, plan);
    }
    return plan;
  }

  private async upload(batch: Batch): Promise<Plan> {
    const plan = await this.plan(batch.batchSize, batch.seqLen);
    upload(this.dev, plan.tokens, batch.tokens);
    upload(this.dev, plan.targets, batch.targets);
    upload(this.dev, plan.weights, batch.weights);
    upload(this.dev, plan.entropyWeights, batch.entropyWeights ?? new Float32Array(batch.weights.length));
    return plan;
  }

  /**
   * Runs the forward pass and, for a token loss, reads back log p and entropy, asks the loss for its
   * weights and uploads them; returns the steps that recompute the loss gradient at the logits (the
   * cross-entropy kernel again, now with those weights) for the backward pass to follow.
   */
  private async prepare(batch: Batch, tokenLoss?: TokenLoss): Promise<{ plan: Plan; steps: Step[] }> {
    checkBatch(this.config, batch);
    const plan = await this.upload(batch);
    if (!tokenLoss) return { plan, steps: [...plan.forward, ...plan.crossEntropy] };
    this.submit([...plan.forward, ...plan.crossEntropy]);
    const [logp, entropy] = await readBack(this.dev, [whole(plan.logp), whole(plan.entropy)]);
    const N = batch.batchSize * batch.seqLen;
    const { weights, entropyWeights } = tokenLoss({ logp, entropy });
    checkWeights(weights, N, 'weight');
    if (entropyWeights) checkWeights(entropyWeights, N, 'entropy weight');
    upload(this.dev, plan.weights, weights);
    upload(this.dev, plan.entropyWeights, entropyWeights ?? new Float32Array(N));
    return { plan, steps: [...plan.crossEntropy] };
  }

  private submit(steps: Step[]): void {
    const encoder = this.dev.createCommandEncoder();
    encode(encoder, steps);
    this.dev.queue.submit([encoder.finish()]);
  }

  async forward(batch: Batch, options: { logits?: boolean } = {}): Promise<ForwardResult> {
    checkBatch(this.config, batch);
    const plan = await this.upload(batch);
    this.submit([...plan.forward, ...plan.crossEntropy]);
    const ranges = [plan.logp, plan.entropy, plan.loss].map(whole);
    if (options.logits) ranges.push(whole(plan.logits));
    const [logp, entropy, loss, logits] = await readBack(this.dev, ranges);
    const out: ForwardResult = { loss: sum(loss), logp, entropy };
    if (logits) out.logits = logits;
    return out;
  }

  async gradients(batch: Batch, tokenLoss?: TokenLoss): Promise<{ loss: number; grads: Float32Array }> {
    const { plan, steps } = await this.prepare(batch, tokenLoss);
    this.submit([...steps, ...plan.backward]);
    const [loss, grads] = await readBack(this.dev, [whole(plan.loss), whole(this.grads)]);
    return { loss: sum(loss), grads };
  }

  async trainStep(batch: Batch, options: AdamWOptions = {}, tokenLoss?: TokenLoss): Promise<{ loss: number }> {
    const { plan, steps } = await this.prepare(batch, tokenLoss);
    const { lr, beta1, beta2, eps, weightDecay } = { ...DEFAULT_ADAMW, ...options };
    this.step++;
    const hp = Float32Array.of(lr, beta1, beta2, eps, weightDecay, 1 - beta1 ** this.step, 1 - beta2 ** this.step, 0);
    upload(this.dev, this.hyper, hp);
    this.adam ??= await compile(this.dev, this.cache, adamwKernel({ n: this.layout.total }, this.limits), [
      whole(this.params), whole(this.grads), whole(this.m), whole(this.v), whole(this.decay), whole(this.hyper),
    ]);
    this.submit([...steps, ...plan.backward, this.adam]);
    const [loss] = await readBack(this.dev, [whole(plan.loss)]);
    return { loss: sum(loss) };
  }

  async sample(prompts: Int32Array, promptLen: number, options: SampleOptions): Promise<SampleResult> {
    checkSample(this.config, prompts, promptLen, options);
    const { maxNew, temperature = 1, greedy = false, seed = 0 } = options;
    const count = prompts.length / promptLen, T = promptLen + maxNew, V = this.config.vocab;
    const plan = await this.plan(count, T);
    const seq = new Int32Array(count * T);
    for (let b = 0; b < count; b++) seq.set(prompts.subarray(b * promptLen, (b + 1) * promptLen), b * T);
    upload(this.dev, plan.tokens, seq);
    const logp = storageBuffer(this.dev, count * maxNew * 4, 'sample.logp');
    const entropy = storageBuffer(this.dev, count * maxNew * 4, 'sample.entropy');
    const uniform = this.dev.createBuffer({ size: SAMPLE_UNIFORM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const pick = await compile(this.dev, this.cache, sampleKernel({ B: count, T, V, promptLen, maxNew }, this.limits), [
      whole(plan.logits), whole(plan.tokens), whole(logp), whole(entropy), whole(uniform),
    ]);
    const params = new DataView(new ArrayBuffer(SAMPLE_UNIFORM_BYTES));
    for (let s = 0; s < maxNew; s++) {
      // Each step runs the whole fixed-length sequence: causal attention leaves positions ≤ the current one
      // unaffected by the not-yet-generated tail, and fixed shapes keep one plan for every step.
      params.setUint32(0, s, true);
      params.setUint32(4, seed >>> 0, true);
      params.setUint32(8, greedy ? 1 : 0, true);
      params.setFloat32(12, temperature, true);
      this.dev.queue.writeBuffer(uniform, 0, params.buffer);
      this.submit([...plan.forward, pick]);
    }
    const [toks, lp, ent] = await readBack(this.dev, [whole(plan.tokens), whole(logp), whole(entropy)]);
    const all = new Int32Array(toks.buffer);
    const tokens = new Int32Array(count * maxNew);
    for (let b = 0; b < count; b++) tokens.set(all.subarray(b * T + promptLen, (b + 1) * T), b * maxNew);
    logp.destroy();
    entropy.destroy();
    uniform.destroy();
    return { tokens, logp: lp, entropy: ent };
  }

  async getState(): Promise<PolicyState> {
    const [params, m, v] = await readBack(this.dev, [whole(this.params), whole(this.m), whole(this.v)]);
    return { params, m, v, step: this.step };
  }

  /** @throws UsageError when the state was made for another model shape. */
  async setState(state: PolicyState): Promise<void> {
    checkState(state, this.layout.total);
    upload(this.dev, this.params, state.params);
    upload(this.dev, this.m, state.m);
    upload(this.dev, this.v, state.v);
    this.step = state.step;
  }

  dispose(): void {
    for (const p of this.plans.values()) void p.then((plan) => plan.buffers.forEach((b) => b.destroy()));
    for (const b of this.owned) b.destroy();
  }
}

function limitsOf(d: GPUDevice): KernelLimits {
  const l = d.limits;
  return {
    maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
  };
}

function sum(values: Float32Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
