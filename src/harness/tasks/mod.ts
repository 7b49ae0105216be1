import type { Rng } from '../rng.ts';
import { pad, type Task } from './task.ts';
import { CharTokenizer } from './tokenizer.ts';

/**
 * Modular arithmetic: "12*34=" → (12·34) mod 97 = "20", operands and result two zero-padded digits
 * (the multiplication table of the prime field of Power et al.'s grokking study).
 * @example
 * modTask().solve('12*34=') // => '20'
 */
export function modTask(modulus = 97): Task {
  const width = String(modulus - 1).length;
  const solve = (prompt: string) => {
    const [a, b] = prompt.slice(0, -1).split('*').map(Number);
    return pad((a * b) % modulus, width);
  };
  return {
    name: 'mod',
    description: `multiplication modulo ${modulus}`,
    tokenizer: new CharTokenizer('0123456789*='),
    promptLen: 2 * width + 2,
    answerLen: width,
    draw(rng: Rng) {
      const prompt = `${pad(rng.int(modulus), width)}*${pad(rng.int(modulus), width)}=`;
      return { prompt, answer: solve(prompt) };
    },
    solve,
  };
}
