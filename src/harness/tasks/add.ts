import { usageError } from '../../util/errors.ts';
import type { Rng } from '../../util/rng.ts';
import { pad, type Task } from './task.ts';
import { CharTokenizer } from './tokenizer.ts';

/**
 * Multi-digit addition: "12+34=" → the (digits + 1)-digit sum written least-significant digit first
 * ("640" for 46), the order in which the carry flows, which a small causal model learns far sooner.
 * Two digits by default: the default model warm-starts on it in about 400 steps (see `pretrain`).
 * @example
 * addTask(3).solve('123+045=') // => '8610'
 */
export function addTask(digits = 2): Task {
  if (!Number.isInteger(digits) || digits < 1 || digits > 7) usageError(`invalid digits: ${digits} (expected an integer in 1…7)`);
  const max = 10 ** digits;
  const solve = (prompt: string) => {
    const [a, b] = prompt.slice(0, -1).split('+').map(Number);
    return [...pad(a + b, digits + 1)].reverse().join('');
  };
  return {
    name: 'add',
    description: `${digits}-digit addition, sum reversed`,
    tokenizer: new CharTokenizer('0123456789+='),
    promptLen: 2 * digits + 2,
    answerLen: digits + 1,
    draw(rng: Rng) {
      const prompt = `${pad(rng.int(max), digits)}+${pad(rng.int(max), digits)}=`;
      return { prompt, answer: solve(prompt) };
    },
    solve,
  };
}
