import type { Rng } from '../../util/rng.ts';
import type { CharTokenizer } from './tokenizer.ts';

/** One problem: a fixed-length prompt and its one correct fixed-length answer. */
export interface Problem { prompt: string; answer: string }

/**
 * A verifiable task with exact-answer rewards. Every prompt has `promptLen` characters and every
 * answer `answerLen`, so batches need no padding.
 */
export interface Task {
  name: string;
  /** One line for help texts. */
  description: string;
  tokenizer: CharTokenizer;
  promptLen: number;
  answerLen: number;
  /** A uniformly random problem (train or validation; `isValidation` tells them apart). */
  draw(rng: Rng): Problem;
  /** The exact answer to a prompt. */
  solve(prompt: string): string;
}

/** FNV-1a over a string's characters (UTF-16 units): the fixed train/validation split depends on nothing else. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Whether a prompt is held out for validation: one prompt in ten, by hash, the same in every run.
 * @example
 * isValidation('123+456=') === isValidation('123+456=') // => true
 */
export function isValidation(prompt: string): boolean {
  return fnv1a(prompt) % 10 === 0;
}

/** Reward 1 for the exact answer, 0 for anything else. */
export function reward(task: Task, prompt: string, completion: string): number {
  return completion === task.solve(prompt) ? 1 : 0;
}

/** Zero-padded decimal. */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
