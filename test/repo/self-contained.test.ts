// The repository is all a user has: nothing in it reads a path outside it, and every property test takes
// its seed from one place. These checks read the files as text, so they catch a path in a comment too.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
/** The folders whose code must not reach outside the repository. */
const FOLDERS = ['src', 'test', 'bench', 'scripts', 'notebooks', 'wasm'];
/** Under test/fixtures/ only code is checked: a log written on another machine may name that machine's paths. */
const CODE = new Set(['.ts', '.js', '.mjs', '.py', '.sh', '.ipynb', '.json', '.yaml', '.md']);
const FIXTURE_CODE = new Set(['.ts', '.js', '.mjs', '.py', '.sh']);

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '__pycache__') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

function checkedFiles(): string[] {
  const out: string[] = [];
  for (const folder of FOLDERS) {
    if (!existsSync(join(ROOT, folder))) continue;
    for (const path of files(join(ROOT, folder))) {
      const inFixtures = relative(ROOT, path).split(sep).slice(0, 2).join('/') === 'test/fixtures';
      if ((inFixtures ? FIXTURE_CODE : CODE).has(extname(path))) out.push(path);
    }
  }
  return out;
}

/** Paths that exist only beside a developer's checkout or on this machine, spelled so this file has none. */
function forbidden(): Array<[string, RegExp]> {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const found: Array<[string, RegExp]> = [
    ['the shared folder beside a checkout', new RegExp(`\\.\\.['"]?\\s*[,/\\\\]+\\s*['"]?${'sha'}red\\b`)],
    ['the shared data folder', new RegExp(`\\b${'sha'}red[/\\\\]data[/\\\\]`)],
    ['this checkout\'s absolute path', new RegExp(escape(ROOT))],
  ];
  // The folder the checkout sits in (a developer's workspace), unless it is one every machine has.
  const parent = dirname(ROOT);
  if (!['/', '/tmp', '/var/tmp', '/usr', '/opt', '/srv', '/home'].includes(parent)) found.push(['the folder above this checkout', new RegExp(`${escape(parent)}/`)]);
  const home = homedir();
  if (home && home !== '/' && !ROOT.startsWith(home)) found.push(['this machine\'s home folder', new RegExp(`${escape(home)}/`)]);
  return found;
}

test('nothing in src, test, bench, scripts or notebooks names a path outside the repository', () => {
  const patterns = forbidden();
  const hits: string[] = [];
  for (const path of checkedFiles()) {
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const [what, pattern] of patterns) if (pattern.test(line)) hits.push(`${relative(ROOT, path)}:${i + 1}: ${what}: ${line.trim().slice(0, 120)}`);
    });
  }
  assert.deepEqual(hits, []);
});

test('the check sees a path outside the repository where there is one', () => {
  const patterns = forbidden();
  const named = (line: string) => patterns.some(([, p]) => p.test(line));
  const up = '..';
  for (const line of [`new URL('${up}/${up}/sha${''}red/', import.meta.url)`, `readFileSync('${up}/sha${''}red/data/x.log')`, `LOGS = "${up}/${''}shared"`, `path.join(ROOT, "${up}", "sha${''}red", "data")`, `const p = '${ROOT}/test/x'`]) {
    assert.ok(named(line), line);
  }
  assert.ok(!named("const SHARED_DEVICE = 'one device shared by every caller'"));
});

test('every property test takes fast-check from test/property.ts, where its seed is set', () => {
  const direct = checkedFiles()
    .filter((path) => path.endsWith('.ts') && !path.endsWith(`${sep}property.ts`))
    .filter((path) => /from ['"]fast-check['"]/.test(readFileSync(path, 'utf8')))
    .map((path) => relative(ROOT, path));
  assert.deepEqual(direct, []);
});
