import { usageError } from '../../util/errors.ts';
import type { Rng } from '../../util/rng.ts';
import type { Task } from './task.ts';
import { CharTokenizer } from './tokenizer.ts';

/**
 * Digit sorting: "314159>" → "113459".
 * @example
 * sortTask(6).solve('314159>') // => '113459'
 */
export function sortTask(length = 6): Task {
  if (!Number.isInteger(length) || length < 1 || length > 20) usageError(`invalid digits: ${length} (expected an integer in 1…20)`);
  const solve = (prompt: string) => [...prompt.slice(0, -1)].sort().join('');
  return {
    name: 'sort',
    description: `sort ${length} digits`,
    tokenizer: new CharTokenizer('0123456789>'),
    promptLen: length + 1,
    answerLen: length,
    draw(rng: Rng) {
      let digits = '';
      for (let i = 0; i < length; i++) digits += String(rng.int(10));
      const prompt = `${digits}>`;
      return { prompt, answer: solve(prompt) };
    },
    solve,
  };
}
