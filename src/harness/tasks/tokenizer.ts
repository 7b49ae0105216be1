import { inputError } from '../../util/errors.ts';

/**
 * A character-level tokenizer: token i is the i-th character of the alphabet.
 * @example
 * new CharTokenizer('0123456789+=').encode('1+2=') // => Int32Array [1, 10, 2, 11]
 */
export class CharTokenizer {
  private readonly ids = new Map<string, number>();
  constructor(readonly alphabet: string) {
    [...alphabet].forEach((c, i) => this.ids.set(c, i));
  }

  get vocabSize(): number {
    return this.alphabet.length;
  }

  /** @throws InputError naming the first character outside the alphabet. */
  encode(text: string): Int32Array {
    return Int32Array.from([...text], (c, i) => this.ids.get(c) ?? inputError(`character ${JSON.stringify(c)} at ${i} of ${JSON.stringify(text)} is not in the alphabet ${JSON.stringify(this.alphabet)}`));
  }

  /** Ids outside the vocabulary decode to '?', so a malformed sample still prints. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.alphabet[ids[i]] ?? '?';
    return s;
  }
}
