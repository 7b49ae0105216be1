import { usageError } from '../../util/errors.ts';
import { Rng } from '../../util/rng.ts';
import type { Batch } from '../types.ts';
import { addTask } from './add.ts';
import { modTask, type ModTaskOptions } from './mod.ts';
import { sortTask } from './sort.ts';
import { isValidation, type Problem, type Task } from './task.ts';

/** The task names `maybeTask` accepts. */
export const TASK_NAMES = ['add', 'sort', 'mod'] as const;
export type TaskName = (typeof TASK_NAMES)[number];

/** Options of a task by name: the operands' digits of `add` and `mod` (2 by default), the length of `sort` (6). */
export interface TaskOptions {
  digits?: number;
}

/**
 * Resolves a task name (or passes a task through).
 * @throws UsageError `unknown task: x (expected add, sort or mod)`.
 * @example
 * maybeTask('sort').answerLen // => 6
 * maybeTask('add', { digits: 3 }).answerLen // => 4
 */
export function maybeTask(task: string | Task, options: TaskOptions = {}): Task {
  if (typeof task !== 'string') return task;
  const { digits } = options;
  switch (task) {
    case 'add': return addTask(digits ?? 2);
    case 'sort': return sortTask(digits ?? 6);
    case 'mod': return modTask({ digits: digits ?? 2 });
    default: return usageError(`unknown task: ${task} (expected ${TASK_NAMES.slice(0, -1).join(', ')} or ${TASK_NAMES.at(-1)})`);
  }
}

/** A training problem: drawn until it falls outside the validation split. */
export function drawTrain(task: Task, rng: Rng): Problem {
  for (;;) {
    const p = task.draw(rng);
    if (!isValidation(p.prompt)) return p;
  }
}

/**
 * The fixed validation set: the first `count` distinct validation problems of a generator seeded with a
 * constant, so every run and every seed evaluates on the same prompts.
 */
export function validationSet(task: Task, count: number): Problem[] {
  const rng = new Rng(0x5eed), seen = new Set<string>(), out: Problem[] = [];
  for (let tries = 0; out.length < count && tries < 1000 * count; tries++) {
    const p = task.draw(rng);
    if (isValidation(p.prompt) && !seen.has(p.prompt)) {
      seen.add(p.prompt);
      out.push(p);
    }
  }
  return out;
}

/**
 * A supervised batch: each row is prompt + answer shifted by one, weighted 1/(rows·answerLen) on the
 * positions that predict answer characters and 0 on the prompt, so the loss is the mean answer-token
 * cross-entropy.
 */
export function supervisedBatch(task: Task, problems: Problem[]): Batch {
  const T = task.promptLen + task.answerLen - 1, B = problems.length;
  const tokens = new Int32Array(B * T), targets = new Int32Array(B * T), weights = new Float32Array(B * T);
  const w = 1 / (B * task.answerLen);
  problems.forEach((p, b) => {
    const seq = task.tokenizer.encode(p.prompt + p.answer);
    tokens.set(seq.subarray(0, T), b * T);
    targets.set(seq.subarray(1), b * T);
    weights.fill(w, b * T + task.promptLen - 1, (b + 1) * T);
  });
  return { batchSize: B, seqLen: T, tokens, targets, weights };
}

export { addTask, modTask, sortTask, isValidation };
export type { ModTaskOptions, Problem, Task };
