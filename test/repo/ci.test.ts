// CI runs what README promises a user: its test command, verbatim, from a clone in an empty folder.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test('.ci/run runs README\'s test command, verbatim, in a fresh clone outside the checkout', () => {
  const ci = read('.ci/run').trimEnd().split('\n');
  const command = ci.at(-1) ?? '';
  assert.match(command, /npm test$/);
  const readme = read('README.md').split('\n').map((line) => line.trim());
  assert.ok(readme.includes(command), `README.md has no line \`${command}\``);
  const clone = ci.findIndex((line) => /^git clone .*"\$repo" "\$work\//.test(line));
  const into = ci.findIndex((line) => /^cd "\$work\//.test(line));
  assert.ok(clone >= 0 && into > clone && into < ci.length - 1, 'the command runs in a clone inside a new temporary folder');
  assert.ok(ci.some((line) => /^work="\$\(mktemp -d /.test(line)), 'the clone goes into a new temporary folder');
});
