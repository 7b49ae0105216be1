import type { Problem, Task } from './tasks/task.ts';
import type { Policy } from './types.ts';

/** Exact-match accuracy and the greedy completions it was computed from. */
export interface Evaluation {
  accuracy: number;
  completions: string[];
}

/**
 * Greedy-decodes every prompt and counts exact answers (the task's verifiable reward, averaged).
 * Runs in chunks of `chunk` prompts to bound memory.
 * @example
 * (await evaluate(policy, task, validationSet(task, 64))).accuracy // => a number in [0, 1]
 */
export async function evaluate(policy: Policy, task: Task, problems: Problem[], chunk = 256): Promise<Evaluation> {
  const completions: string[] = [];
  let correct = 0;
  for (let at = 0; at < problems.length; at += chunk) {
    const part = problems.slice(at, at + chunk);
    const prompts = new Int32Array(part.length * task.promptLen);
    part.forEach((p, i) => prompts.set(task.tokenizer.encode(p.prompt), i * task.promptLen));
    const { tokens } = await policy.sample(prompts, task.promptLen, { maxNew: task.answerLen, greedy: true });
    part.forEach((p, i) => {
      const text = task.tokenizer.decode(tokens.subarray(i * task.answerLen, (i + 1) * task.answerLen));
      completions.push(text);
      if (text === p.answer) correct++;
    });
  }
  return { accuracy: problems.length ? correct / problems.length : 0, completions };
}
