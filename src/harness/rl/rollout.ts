import { reward, type Problem, type Task } from '../tasks/task.ts';
import type { Batch, Policy } from '../types.ts';

/**
 * One rollout: G responses per prompt sampled from the policy, their exact-answer rewards, and the
 * training batch they make, every per-token array in the batch's layout [responses, T] with
 * T = promptLen + answerLen − 1, where position t predicts token t + 1 and the response positions are
 * promptLen − 1 … T − 1.
 */
export interface Rollout {
  problems: Problem[];
  /** Responses per prompt; response i answers problem ⌊i / G⌋ (verl repeats prompts interleaved). */
  G: number;
  /** Sequences prompt + response; `weights` are 0 (a policy loss sets its own). */
  batch: Batch;
  /** 1 on the response positions. */
  mask: Float32Array;
  /** log π_old of each sampled token, at its position (0 elsewhere). */
  oldLogp: Float32Array;
  /** Entropy of the distribution each response token was drawn from, at its position. */
  entropy: Float32Array;
  /** Reward per response. */
  scores: Float64Array;
  /** Prompt index per response (the advantage groups). */
  group: Int32Array;
  completions: string[];
}

/** Sampling options of a rollout. */
export interface RolloutOptions {
  /** Sampling temperature; defaults to 1. */
  temperature?: number;
  /** Seed of the sampler for this rollout. */
  seed: number;
}

/**
 * Samples `G` responses to each problem and scores them.
 * @example
 * const r = await rollout(policy, task, problems, 8, { seed: 1 }); r.scores.length // => 8 · problems.length
 */
export async function rollout(policy: Policy, task: Task, problems: Problem[], G: number, options: RolloutOptions): Promise<Rollout> {
  const { promptLen: Lp, answerLen: La } = task;
  const B = problems.length * G, T = Lp + La - 1;
  const encoded = problems.map((p) => task.tokenizer.encode(p.prompt));
  const prompts = new Int32Array(B * Lp);
  for (let i = 0; i < B; i++) prompts.set(encoded[Math.floor(i / G)], i * Lp);
  const sample = await policy.sample(prompts, Lp, { maxNew: La, temperature: options.temperature ?? 1, seed: options.seed });
  const tokens = new Int32Array(B * T), targets = new Int32Array(B * T);
  const mask = new Float32Array(B * T), oldLogp = new Float32Array(B * T), entropy = new Float32Array(B * T);
  const scores = new Float64Array(B), group = new Int32Array(B), completions: string[] = [];
  for (let i = 0; i < B; i++) {
    const response = sample.tokens.subarray(i * La, (i + 1) * La);
    const seq = new Int32Array(Lp + La);
    seq.set(encoded[Math.floor(i / G)]);
    seq.set(response, Lp);
    tokens.set(seq.subarray(0, T), i * T);
    targets.set(seq.subarray(1), i * T);
    for (let s = 0; s < La; s++) {
      const at = i * T + Lp - 1 + s;
      mask[at] = 1;
      oldLogp[at] = sample.logp[i * La + s];
      entropy[at] = sample.entropy[i * La + s];
    }
    const text = task.tokenizer.decode(response);
    completions.push(text);
    group[i] = Math.floor(i / G);
    scores[i] = reward(task, problems[group[i]].prompt, text);
  }
  return {
    problems, G, batch: { batchSize: B, seqLen: T, tokens, targets, weights: new Float32Array(B * T) },
    mask, oldLogp, entropy, scores, group, completions,
  };
}

/** Rows [from, to) of a rollout's per-token arrays, as views (no copies). */
export function rows<T extends Int32Array | Float32Array | Float64Array>(a: T, from: number, to: number, T: number): T {
  return a.subarray(from * T, to * T) as T;
}
