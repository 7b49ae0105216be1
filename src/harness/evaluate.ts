import type { Problem, Task } from './tasks/task.ts';
import type { Policy } from './types.ts';

/** Exact-match accuracy and the greedy completions it was computed from. */
export interface Evaluation {
  accuracy: number;
  completions: string[];
}

/** How `evaluate` decodes. */
export interface EvaluateOptions {
  /** 0 (the default) decodes greedily, as verl's validation does by default; above 0, one sample at that temperature. */
  temperature?: number;
  /** Seed of the sampler when `temperature` > 0; defaults to 0. */
  seed?: number;
  /** Prompts per sampling call, to bound memory; defaults to 256. */
  chunk?: number;
}

/**
 * Decodes every prompt (greedily by default) and counts exact answers (the task's verifiable reward,
 * averaged): verl's `acc/mean@1`.
 * @example
 * (await evaluate(policy, task, validationSet(task, 64))).accuracy // => a number in [0, 1]
 */
export async function evaluate(policy: Policy, task: Task, problems: Problem[], options: EvaluateOptions = {}): Promise<Evaluation> {
  const { temperature = 0, seed = 0, chunk = 256 } = options;
  const completions: string[] = [];
  let correct = 0;
  for (let at = 0; at < problems.length; at += chunk) {
    const part = problems.slice(at, at + chunk);
    const prompts = new Int32Array(part.length * task.promptLen);
    part.forEach((p, i) => prompts.set(task.tokenizer.encode(p.prompt), i * task.promptLen));
    const sampling = temperature > 0 ? { temperature, seed: (seed + at) >>> 0 } : { greedy: true };
    const { tokens } = await policy.sample(prompts, task.promptLen, { maxNew: task.answerLen, ...sampling });
    part.forEach((p, i) => {
      const text = task.tokenizer.decode(tokens.subarray(i * task.answerLen, (i + 1) * task.answerLen));
      completions.push(text);
      if (text === p.answer) correct++;
    });
  }
  return { accuracy: problems.length ? correct / problems.length : 0, completions };
}
