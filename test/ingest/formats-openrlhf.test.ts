import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openRlhfConsoleReader, parseOpenRlhfConsole, parseOpenRlhfLine } from '../../src/ingest/openrlhf-console.ts';
import { parsePythonLiteral, PySyntaxError } from '../../src/ingest/python-literal.ts';
import { InputError } from '../../src/util/errors.ts';
import { Warnings } from '../../src/util/warnings.ts';
import { expectedFormats, FORMAT_FIXTURES, stepsObject } from './formats-text.helpers.ts';

const LOG = join(FORMAT_FIXTURES, 'openrlhf', 'train.log');

describe('OpenRLHF console log', () => {
  test('reads the status dicts Python logged, other lines ignored, the cut last line counted', async () => {
    const warnings = new Warnings();
    const [run] = await openRlhfConsoleReader.load(LOG, { warnings });
    const e = expectedFormats.openrlhf;
    assert.deepEqual(stepsObject(run), e.steps);
    assert.equal(run.id, 'train');
    assert.equal(run.format, 'openrlhf-console');
    const list = warnings.list();
    assert.equal(list.length, 2);
    assert.match(list[0], new RegExp(`^${LOG.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${e.badLines} unreadable step lines skipped; first at line ${e.badLine} \\(unterminated string at character \\d+\\)$`));
    assert.match(list[1], new RegExp(`: ${e.nonFinite} non-finite values dropped; first at line \\d+ \\(kl\\)$`));
  });

  test('the [replay] step of newer versions overrides the same step', () => {
    const run = parseOpenRlhfConsole("✨ Global step 5: {'reward': 0.1, 'kl': 0.2}\n✨ Global step 5 [replay]: {'reward': 0.9}\n");
    assert.deepEqual(stepsObject(run), { '5': { reward: 0.9, kl: 0.2 } });
  });

  test('evaluation lines add eval_* keys at their global_step', () => {
    const line = "INFO ppo_trainer.py:9] ✨ Evaluation completed in 0:02:05, global_step 40, eval_metrics: {'eval/eval_math_pass1': 0.42, 'eval/global_step': 40}";
    assert.deepEqual(stepsObject(parseOpenRlhfConsole(line)), { '40': { 'eval/eval_math_pass1': 0.42, 'eval/global_step': 40 } });
  });

  test('line kinds', () => {
    assert.deepEqual(parseOpenRlhfLine('INFO loading model {x}'), { kind: 'other' });
    assert.equal(parseOpenRlhfLine("✨ Global step 2: {'a': 1,").kind, 'bad');
    assert.deepEqual(parseOpenRlhfLine("✨ Global step 2: {'a': tensor(0.5, device='cuda:0'), 'b': -inf}\x1b[0m"), {
      kind: 'step',
      step: 2,
      values: new Map([['a', 0.5]]),
      nonFinite: ['b'],
    });
  });

  test('a text without step lines is an InputError', () => {
    assert.throws(() => parseOpenRlhfConsole('hello\nworld\n', { source: 'x.log' }), (e: unknown) => e instanceof InputError && e.message.startsWith('x.log: '));
  });

  test('sniff finds a step line in the head', () => {
    const head = readFileSync(LOG).subarray(0, 65536);
    assert.equal(openRlhfConsoleReader.sniff({ path: LOG, isDirectory: false, head }), true);
    assert.equal(openRlhfConsoleReader.sniff({ path: 'a', isDirectory: false, head: new TextEncoder().encode('step:1 - a:2\n') }), false);
  });
});

describe('Python literal reprs', () => {
  test('values Python prints', () => {
    const { value } = parsePythonLiteral(
      `{'a': 1, "it's": -2.5e-3, 'b': [True, False, None], 'c': (1,), 'd': {'e': nan}, 'f': inf, 'g': 'x\\'y\\n\\x41\\u00e9', 'h': np.float64(0.25), 'i': 1_000}`,
    );
    assert.ok(value instanceof Map);
    assert.equal(value.get('a'), 1);
    assert.equal(value.get("it's"), -0.0025);
    assert.deepEqual(value.get('b'), [true, false, null]);
    assert.deepEqual(value.get('c'), [1]);
    assert.ok(Number.isNaN((value.get('d') as Map<string, number>).get('e')));
    assert.equal(value.get('f'), Infinity);
    assert.equal(value.get('g'), "x'y\nAé");
    assert.equal(value.get('h'), 0.25);
    assert.equal(value.get('i'), 1000);
    // Unknown escapes keep their backslash, as in Python.
    assert.equal(parsePythonLiteral("'p\\licy'").value, 'p\\licy');
    // Keys that are not strings are named as written (Python's str of the key), not as JavaScript prints the value.
    assert.deepEqual([...(parsePythonLiteral('{inf: 1, 1.0: 2, True: 3, 7: 4}').value as Map<string, number>).keys()], ['inf', '1.0', 'True', '7']);
  });

  test('anything else is a PySyntaxError with a position, never evaluated', () => {
    // Calls are read as data: a numeric wrapper gives its number, any other call an opaque undefined.
    assert.equal(parsePythonLiteral('__import__("os").system("x")').value, undefined);
    for (const text of ['{', "{'a' 1}", "{'a': 1 + 2}", 'os.system', "{'a': x}", '['.repeat(100) + ']'.repeat(100), "'abc"]) {
      assert.throws(() => parsePythonLiteral(text), PySyntaxError, text);
    }
  });
});
