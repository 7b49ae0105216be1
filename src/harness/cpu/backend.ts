import type { ModelConfig } from '../config.ts';
import { checkBatch, checkSample, checkWeights } from '../validate.ts';
import { initParams } from '../init.ts';
import { checkState, paramLayout, type ParamLayout } from '../layout.ts';
import { usageError } from '../../util/errors.ts';
import type { AdamWOptions, Batch, ForwardResult, Policy, PolicyState, SampleOptions, SampleResult, TokenLoss } from '../types.ts';
import { adamwStep } from './adamw.ts';
import { ShardRunner, type ShardBatch } from './shard.ts';
import { localShard, workerShard, type Shard } from './shards.ts';

const f32 = (n: number) => new Float32Array(n);

/**
 * The CPU backend: the reference passes in float32 with blocked matmuls. With `threads` > 1 each call
 * splits the batch's rows into that many contiguous shards, run side by side on worker threads that
 * share the parameters (a SharedArrayBuffer); the shards' gradients are summed in shard order and AdamW
 * runs here. Results depend on the seed and the thread count, not on the machine.
 */
export class CpuPolicy implements Policy {
  readonly device = 'cpu' as const;
  readonly layout: ParamLayout;
  readonly threads: number;
  private readonly params: Float32Array;
  private m: Float32Array;
  private v: Float32Array;
  private step = 0;
  private shardsCache: Shard[] | null = null;

  constructor(readonly config: ModelConfig, seed: number, options: { threads?: number } = {}) {
    const { threads = 1 } = options;
    if (!Number.isInteger(threads) || threads < 1) usageError(`invalid threads: ${threads} (expected a positive integer)`);
    this.threads = threads;
    this.layout = paramLayout(config);
    const initial = initParams(config, seed);
    this.params = threads > 1 ? new Float32Array(new SharedArrayBuffer(initial.byteLength)) : f32(initial.length);
    this.params.set(initial);
    this.m = f32(this.layout.total);
    this.v = f32(this.layout.total);
  }

  private get shards(): Shard[] {
    this.shardsCache ??= this.threads === 1
      ? [localShard(new ShardRunner(this.config, this.layout, this.params))]
      : Array.from({ length: this.threads }, () => workerShard(this.config, this.params.buffer as SharedArrayBuffer));
    return this.shardsCache;
  }

  /** Contiguous row ranges [from, to), one per shard that gets rows. */
  private split(rows: number): Array<[number, number]> {
    const n = Math.min(this.threads, rows), out: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) out.push([Math.floor((i * rows) / n), Math.floor(((i + 1) * rows) / n)]);
    return out;
  }

  private shardBatches(batch: Batch): Array<{ shard: Shard; b: ShardBatch }> {
    const T = batch.seqLen;
    return this.split(batch.batchSize).map(([from, to], i) => {
      const rows = <A extends Int32Array | Float32Array>(a: A) => a.subarray(from * T, to * T) as A;
      const b: ShardBatch = { B: to - from, T, tokens: rows(batch.tokens), targets: rows(batch.targets), weights: rows(batch.weights) };
      if (batch.entropyWeights) b.entropyWeights = rows(batch.entropyWeights);
      return { shard: this.shards[i], b };
    });
  }

  async forward(batch: Batch, options: { logits?: boolean } = {}): Promise<ForwardResult> {
    checkBatch(this.config, batch);
    const parts = await Promise.all(this.shardBatches(batch).map(({ shard, b }) => shard.forward(b, false, options.logits)));
    const out: ForwardResult = { loss: sumOf(parts.map((p) => p.loss)), logp: concat(parts.map((p) => p.logp)), entropy: concat(parts.map((p) => p.entropy)) };
    if (options.logits) out.logits = concat(parts.map((p) => p.logits!));
    return out;
  }

  async gradients(batch: Batch, tokenLoss?: TokenLoss): Promise<{ loss: number; grads: Float32Array }> {
    checkBatch(this.config, batch);
    const jobs = this.shardBatches(batch);
    const parts = await Promise.all(jobs.map(({ shard, b }) => shard.forward(b, true)));
    let weights: Float32Array | undefined, entropyWeights: Float32Array | undefined;
    if (tokenLoss) {
      const N = batch.batchSize * batch.seqLen;
      ({ weights, entropyWeights } = tokenLoss({ logp: concat(parts.map((p) => p.logp)), entropy: concat(parts.map((p) => p.entropy)) }));
      checkWeights(weights, N, 'weight');
      if (entropyWeights) checkWeights(entropyWeights, N, 'entropy weight');
    }
    const T = batch.seqLen;
    const grads = await Promise.all(jobs.map(({ shard }, i) => {
      const [from, to] = this.split(batch.batchSize)[i];
      return shard.backward(weights?.subarray(from * T, to * T), entropyWeights?.subarray(from * T, to * T));
    }));
    const total = grads[0].grads;
    for (let k = 1; k < grads.length; k++) for (let i = 0; i < total.length; i++) total[i] += grads[k].grads[i];
    return { loss: sumOf(grads.map((g) => g.loss)), grads: total };
  }

  async trainStep(batch: Batch, adam: AdamWOptions = {}, tokenLoss?: TokenLoss): Promise<{ loss: number }> {
    const { loss, grads } = await this.gradients(batch, tokenLoss);
    adamwStep(this.layout, this.params, grads, this.m, this.v, ++this.step, adam);
    return { loss };
  }

  async sample(prompts: Int32Array, promptLen: number, options: SampleOptions): Promise<SampleResult> {
    checkSample(this.config, prompts, promptLen, options);
    const parts = await Promise.all(this.split(prompts.length / promptLen).map(([from, to], i) =>
      this.shards[i].sample(prompts.subarray(from * promptLen, to * promptLen), promptLen, options, from)));
    return { tokens: concatInt(parts.map((p) => p.tokens)), logp: concat(parts.map((p) => p.logp)), entropy: concat(parts.map((p) => p.entropy)) };
  }

  async getState(): Promise<PolicyState> {
    return { params: this.params.slice(), m: this.m.slice(), v: this.v.slice(), step: this.step };
  }

  /** @throws UsageError when the state was made for another model shape. */
  async setState(state: PolicyState): Promise<void> {
    checkState(state, this.layout.total);
    this.params.set(state.params); // in place: the worker threads share this buffer
    this.m = state.m.slice();
    this.v = state.v.slice();
    this.step = state.step;
  }

  dispose(): void {
    for (const s of this.shardsCache ?? []) s.dispose();
    this.shardsCache = null;
  }
}

function sumOf(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** The parts end to end (the part itself when there is one). */
function concatOf<A extends Float32Array | Int32Array>(parts: A[], make: (n: number) => A): A {
  if (parts.length === 1) return parts[0];
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const concat = (parts: Float32Array[]) => concatOf(parts, (n) => new Float32Array(n));
const concatInt = (parts: Int32Array[]) => concatOf(parts, (n) => new Int32Array(n));
