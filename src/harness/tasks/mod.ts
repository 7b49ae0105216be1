import { usageError } from '../../util/errors.ts';
import type { Rng } from '../../util/rng.ts';
import { pad, type Task } from './task.ts';
import { CharTokenizer } from './tokenizer.ts';

/** Options of `modTask`. */
export interface ModTaskOptions {
  /** The modulus m, an integer ≥ 2; defaults to 97 (a prime, as in Power et al.'s grokking study). */
  modulus?: number;
  /** Digits of each operand, 1…7; defaults to 2. */
  digits?: number;
}

/**
 * Modular addition with a worked answer: "46+57=" → the sum a + b, then (a + b) mod m, both written
 * least-significant digit first as in `addTask`: "301" (103) then "60" (6 = 103 − 97), so "30160".
 * The exact-answer reward needs both parts right.
 *
 * Why the sum is part of the answer: asked for the residue alone, the default model stays at chance
 * through the default 3000 warm-start steps (measured for m = 97 and m = 7: a residue is a "parity-like"
 * function of the digits that no single digit predicts, so gradient descent gets no foothold; the
 * multiplication table mod 97 this task used to be needs grokking-length training). Once the model has
 * written the sum, the residue is a lookup on the (at most 2·10^digits − 1) sums, every one of which
 * occurs in training, so the warm start reaches its target in a few hundred steps (see `pretrain`).
 * @throws UsageError for a modulus below 2 or digits outside 1…7.
 * @example
 * modTask().solve('46+57=') // => '30160'
 */
export function modTask(options: ModTaskOptions = {}): Task {
  const { modulus = 97, digits = 2 } = options;
  if (!Number.isInteger(digits) || digits < 1 || digits > 7) usageError(`invalid digits: ${digits} (expected an integer in 1…7)`);
  if (!Number.isSafeInteger(modulus) || modulus < 2) usageError(`invalid modulus: ${modulus} (expected an integer ≥ 2)`);
  const max = 10 ** digits, width = String(modulus - 1).length;
  const reversed = (n: number, w: number) => [...pad(n, w)].reverse().join('');
  const solve = (prompt: string) => {
    const [a, b] = prompt.slice(0, -1).split('+').map(Number);
    return reversed(a + b, digits + 1) + reversed((a + b) % modulus, width);
  };
  return {
    name: 'mod',
    description: `${digits}-digit addition modulo ${modulus}: sum then residue, both reversed`,
    tokenizer: new CharTokenizer('0123456789+='),
    promptLen: 2 * digits + 2,
    answerLen: digits + 1 + width,
    draw(rng: Rng) {
      const prompt = `${pad(rng.int(max), digits)}+${pad(rng.int(max), digits)}=`;
      return { prompt, answer: solve(prompt) };
    },
    solve,
  };
}
