import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError, InputError } from '../../src/util/errors.ts';
import { CharTokenizer, addTask, drawTrain, isValidation, maybeTask, modTask, reward, supervisedBatch, validationSet } from '../../src/harness/index.ts';
import { Rng } from '../../src/util/rng.ts';

test('each task solves its known examples exactly', () => {
  assert.equal(maybeTask('add').solve('12+34='), '640'); // 46, least-significant digit first
  assert.equal(addTask(3).solve('123+045='), '8610'); // 168
  assert.equal(addTask(3).solve('999+999='), '8991'); // 1998
  assert.equal(maybeTask('sort').solve('314159>'), '113459');
  // Modular addition: the sum, then its residue, both least-significant digit first.
  assert.equal(maybeTask('mod').solve('46+57='), '30160'); // 103, 103 − 97 = 6
  assert.equal(maybeTask('mod').solve('12+34='), '64064'); // 46, below the modulus
  assert.equal(maybeTask('mod').solve('50+47='), '79000'); // 97 ≡ 0
  assert.equal(maybeTask('mod').solve('99+99='), '89140'); // 198 − 2·97 = 4
  assert.equal(maybeTask('mod').solve('00+00='), '00000');
  assert.equal(modTask({ modulus: 7 }).solve('46+57='), '3015'); // 103 = 14·7 + 5
  assert.equal(modTask({ modulus: 7, digits: 3 }).solve('123+456='), '97505'); // 579 = 82·7 + 5
  assert.equal(modTask({ modulus: 1000, digits: 1 }).solve('9+8='), '71710'); // 17, residue padded to 3 digits
  assert.equal(reward(maybeTask('mod'), '46+57=', '30160'), 1);
  assert.equal(reward(maybeTask('mod'), '46+57=', '30106'), 0); // residue written most-significant digit first
  assert.equal(reward(addTask(3), '123+045=', '8610'), 1);
  assert.equal(reward(addTask(3), '123+045=', '0168'), 0);
});

test('drawn problems have the task\'s fixed lengths, encode and decode back, and their answers are right', () => {
  for (const name of ['add', 'sort', 'mod']) {
    const task = maybeTask(name), rng = new Rng(1);
    for (let i = 0; i < 50; i++) {
      const p = task.draw(rng);
      assert.equal(p.prompt.length, task.promptLen, p.prompt);
      assert.equal(p.answer.length, task.answerLen, p.answer);
      assert.equal(task.tokenizer.decode(task.tokenizer.encode(p.prompt + p.answer)), p.prompt + p.answer);
    }
  }
  // Independent arithmetic for a sample of addition problems.
  const add = addTask(4), rng = new Rng(2);
  for (let i = 0; i < 50; i++) {
    const { prompt, answer } = add.draw(rng);
    const [a, b] = prompt.slice(0, -1).split('+').map(Number);
    assert.equal(Number([...answer].reverse().join('')), a + b, prompt);
  }
  // The same for modular addition, with a modulus that is neither prime nor below the operands.
  const mod = modTask({ modulus: 12, digits: 3 }), rng2 = new Rng(4);
  for (let i = 0; i < 50; i++) {
    const { prompt, answer } = mod.draw(rng2);
    const [a, b] = prompt.slice(0, -1).split('+').map(Number);
    const back = (s: string) => Number([...s].reverse().join(''));
    assert.equal(back(answer.slice(0, 4)), a + b, prompt);
    assert.equal(back(answer.slice(4)), (a + b) % 12, prompt);
  }
});

test('train and validation prompts never overlap; the validation set is the same for every run', () => {
  const task = maybeTask('mod');
  const val = validationSet(task, 100);
  assert.equal(val.length, 100);
  assert.equal(new Set(val.map((p) => p.prompt)).size, 100);
  assert.ok(val.every((p) => isValidation(p.prompt)));
  assert.deepEqual(validationSet(task, 100), val);
  const rng = new Rng(3);
  for (let i = 0; i < 500; i++) assert.ok(!isValidation(drawTrain(task, rng).prompt));
  // About one prompt in ten is held out.
  let held = 0;
  for (let a = 0; a < 100; a++) for (let b = 0; b < 100; b++) if (isValidation(`${String(a).padStart(2, '0')}+${String(b).padStart(2, '0')}=`)) held++;
  assert.ok(held > 800 && held < 1200, `${held} of 10000 held out`);
});

test('a supervised batch predicts the next character and weighs only the answer', () => {
  const task = addTask(3);
  const b = supervisedBatch(task, [{ prompt: '123+045=', answer: '8610' }]);
  assert.equal(b.seqLen, 11);
  assert.equal(task.tokenizer.decode(b.tokens), '123+045=861');
  assert.equal(task.tokenizer.decode(b.targets), '23+045=8610');
  assert.deepEqual([...b.weights], [0, 0, 0, 0, 0, 0, 0, 0.25, 0.25, 0.25, 0.25]);
});

test('bad names and characters are refused with clear errors', () => {
  assert.throws(() => maybeTask('mul'), (e: Error) => e instanceof UsageError && /unknown task: mul \(expected add, sort or mod\)/.test(e.message));
  assert.throws(() => new CharTokenizer('01').encode('012'), (e: Error) => e instanceof InputError && /"2" at 2/.test(e.message));
  assert.equal(new CharTokenizer('ab').decode([0, 1, 7]), 'ab?');
  assert.throws(() => addTask(0), /invalid digits: 0/);
  assert.throws(() => modTask({ modulus: 1 }), (e: Error) => e instanceof UsageError && /invalid modulus: 1 \(expected an integer ≥ 2\)/.test(e.message));
  assert.throws(() => modTask({ digits: 8 }), (e: Error) => e instanceof UsageError && /invalid digits: 8/.test(e.message));
});
