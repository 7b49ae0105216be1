// The notebooks in notebooks/ are run here as a user runs them, so that they never rot: each is executed
// headless by Jupyter's nbconvert in Deno's kernel (the `deno` devDependency's binary, registered into a
// temporary Jupyter path, never the user's), and fails on any cell error, naming the notebook and the cell.
// Deno does not type-check notebook cells, so their code is type-checked here with the project's settings.
// And what is committed holds no outputs: they are made by running, not stored.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { before, test } from 'node:test';
import ts from 'typescript';
import { cellName, codeModule, DENO_JUPYTER_DECLARATIONS, NOTEBOOK_DIR, notebookFiles, readNotebook, ROOT, sourceOf, type Notebook } from './notebook.ts';

const NOTEBOOKS = notebookFiles();
const DENO = join(ROOT, 'node_modules', '.bin', 'deno');
const APT = 'apt-get install -y jupyter-nbconvert python3-ipykernel python3-nbclient';

test('there are notebooks, each for the Deno kernel', () => {
  assert.ok(NOTEBOOKS.length >= 5, `notebooks/ holds ${NOTEBOOKS.length} notebooks`);
  for (const file of NOTEBOOKS) {
    const nb = readNotebook(join(NOTEBOOK_DIR, file));
    assert.equal(nb.metadata.kernelspec?.name, 'deno', `${file}: kernelspec ${nb.metadata.kernelspec?.name} (expected deno)`);
  }
});

test('committed notebooks hold no outputs or execution counts', () => {
  const dirty: string[] = [];
  for (const file of NOTEBOOKS) {
    const nb = readNotebook(join(NOTEBOOK_DIR, file));
    nb.cells.forEach((cell, i) => {
      if (cell.cell_type !== 'code') return;
      if ((cell.outputs ?? []).length > 0) dirty.push(`notebooks/${file} ${cellName(nb, i)}: ${cell.outputs!.length} outputs`);
      if (cell.execution_count != null) dirty.push(`notebooks/${file} ${cellName(nb, i)}: execution count ${cell.execution_count}`);
    });
  }
  assert.deepEqual(dirty, [], `clear the outputs before committing (Jupyter: Edit → Clear Outputs of All Cells):\n${dirty.join('\n')}`);
});

/** The newest modification time of any file under `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

// The notebooks import the package by its name, which resolves to dist/ (the package's entry point): build
// it when src/ has changed since (npm ci builds it through the `prepare` script).
before(() => {
  const built = join(ROOT, 'dist', 'index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(ROOT, 'src'))) return;
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, `building dist/ for the notebooks failed:\n${build.stdout}${build.stderr}`);
});

test('the notebooks\' code cells type-check with the project\'s settings', () => {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  });
  assert.ok(parsed);
  // Each notebook becomes one module beside it (so `entropy-law` and `../data` resolve as in the kernel).
  const virtual = new Map<string, ReturnType<typeof codeModule> & { nb: Notebook; file: string }>();
  for (const file of NOTEBOOKS) {
    const nb = readNotebook(join(NOTEBOOK_DIR, file));
    virtual.set(join(NOTEBOOK_DIR, `${file}.ts`), { ...codeModule(nb), nb, file });
  }
  const declarations = join(NOTEBOOK_DIR, 'deno-jupyter.d.ts');
  const texts = new Map<string, string>([...[...virtual].map(([path, v]) => [path, v.text] as [string, string]), [declarations, DENO_JUPYTER_DECLARATIONS]]);
  const host = ts.createCompilerHost(parsed.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => {
    const text = texts.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, language) : getSourceFile.call(host, name, language, ...rest);
  };
  host.fileExists = (name) => texts.has(name) || fileExists.call(host, name);
  host.readFile = (name) => texts.get(name) ?? readFile.call(host, name);
  const program = ts.createProgram([...texts.keys()], parsed.options, host);
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const v = d.file && virtual.get(d.file.fileName);
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    if (!v) return `${relative(ROOT, d.file.fileName)}:${line + 1}: ${message}`;
    const at = v.locate(line);
    return `notebooks/${v.file} ${cellName(v.nb, at.cell)}, line ${at.line + 1}: ${sourceOf(v.nb.cells[at.cell]).split('\n')[at.line]?.trim()}\n  ${message}`;
  });
  assert.deepEqual(problems, [], problems.join('\n'));
});

/** Jupyter's nbconvert, or a one-line failure saying what to install. */
function requireJupyter(): void {
  const probe = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    assert.fail(`the notebook tests need Jupyter's nbconvert and nbclient (jupyter nbconvert ${probe.error ? 'not found' : `failed: ${probe.stderr.trim().split('\n').at(-1)}`}): ${APT}`);
  }
}

/** Registers Deno's kernel in a fresh folder and returns the Jupyter path that holds it. */
function denoKernel(dir: string): string {
  // `deno jupyter --install` writes into $HOME's Jupyter data folder: a temporary HOME keeps the user's own alone.
  const install = spawnSync(DENO, ['jupyter', '--install', '--force'], { env: { ...process.env, HOME: dir, DENO_NO_UPDATE_CHECK: '1' }, encoding: 'utf8' });
  const path = join(dir, '.local', 'share', 'jupyter');
  assert.ok(install.status === 0 && existsSync(join(path, 'kernels', 'deno', 'kernel.json')), `deno jupyter --install failed:\n${install.stdout}${install.stderr}`);
  return path;
}

/** Runs a command and resolves with its exit status and output (the notebooks run one at a time). */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b));
    child.stderr.on('data', (b: Buffer) => (output += b));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** Calls that show something: a cell making one has lost its output if it has none. */
const SHOWS = /\bawait (show|table|print)\(/;

/**
 * The notebooks that read data/ (those that take ENTROPY_LAW_DATA) also run on this fixed set of runs, whatever
 * data/ holds: three sizes of one family and two algorithms on one model, so every path of the analyses runs.
 */
const FIXED_RUNS = join(ROOT, 'test', 'fixtures', 'synthetic');
const DATA = join(ROOT, 'data');

const LOST = 'shows something but its output was lost';

/**
 * Executes one notebook into `outDir` and returns what went wrong, cell by cell. Deno's kernel has, rarely
 * and only on a loaded machine, published a display after reporting the cell done (nbconvert then drops
 * it): when lost output is all that went wrong, the notebook runs once more, and `note` says so.
 */
async function execute(file: string, outDir: string, env: NodeJS.ProcessEnv, note: (line: string) => void): Promise<string[]> {
  const first = await executeOnce(file, outDir, env);
  if (first.length === 0 || !first.every((f) => f.endsWith(LOST))) return first;
  note(`${file}: output lost on the first run (${first.join('; ')}); ran it again`);
  return executeOnce(file, outDir, env);
}

async function executeOnce(file: string, outDir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  // nbclient waits 4 s by default for a cell's last output once the kernel has replied, then moves on without
  // it, quietly; on a loaded machine that is too short, and a timeout should fail rather than lose output.
  const args = [
    'nbconvert', '--to', 'notebook', '--execute', '--allow-errors', '--ExecutePreprocessor.timeout=600', '--ExecutePreprocessor.iopub_timeout=60',
    '--ExecutePreprocessor.raise_on_iopub_timeout=True', '--output-dir', outDir, join(NOTEBOOK_DIR, file),
  ];
  const { status, output } = await run('jupyter', args, { cwd: NOTEBOOK_DIR, env });
  const executed = join(outDir, file);
  if (status !== 0 || !existsSync(executed)) return [`notebooks/${file}: jupyter nbconvert exited with ${status}:\n${output.trim().split('\n').slice(-30).join('\n')}`];
  const nb = readNotebook(executed);
  const failures: string[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    const outputs = cell.outputs ?? [];
    for (const o of outputs.filter((o) => o.output_type === 'error')) {
      // eslint-disable-next-line no-control-regex -- the kernel colours its tracebacks
      const trace = (o.traceback ?? []).join('\n').replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n').slice(0, 8).join('\n');
      failures.push(`notebooks/${file} ${cellName(nb, i)}: ${o.ename}: ${o.evalue}\n${trace}`);
    }
    if (SHOWS.test(sourceOf(cell)) && !outputs.some((o) => o.output_type === 'display_data')) failures.push(`notebooks/${file} ${cellName(nb, i)}: ${LOST}`);
  });
  return failures;
}

test('every notebook runs headless in the Deno kernel without a cell error', { timeout: 900_000 }, async (t) => {
  requireJupyter();
  const dir = mkdtempSync(join(tmpdir(), 'entropy-law-notebooks-'));
  try {
    const jupyterPath = denoKernel(join(dir, 'home'));
    const env: NodeJS.ProcessEnv = { ...process.env, JUPYTER_PATH: jupyterPath, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
    // The committed notebooks read ../data; a folder a user points them at is not the test's.
    delete env.ENTROPY_LAW_DATA;
    const hasData = existsSync(DATA) && readdirSync(DATA).length > 0;
    for (const file of NOTEBOOKS) {
      const readsData = readNotebook(join(NOTEBOOK_DIR, file)).cells.some((c) => sourceOf(c).includes('ENTROPY_LAW_DATA'));
      await t.test(file, async (st) => {
        if (readsData && !hasData) return st.skip('data/ holds no runs');
        const started = Date.now();
        const failures = await execute(file, join(dir, 'out'), env, (line) => t.diagnostic(line));
        assert.deepEqual(failures, [], failures.join('\n\n'));
        t.diagnostic(`${file}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      });
      if (!readsData) continue;
      await t.test(`${file} on ${relative(ROOT, FIXED_RUNS)}/`, async () => {
        const started = Date.now();
        const failures = await execute(file, join(dir, 'out-fixed'), { ...env, ENTROPY_LAW_DATA: FIXED_RUNS }, (line) => t.diagnostic(line));
        assert.deepEqual(failures, [], failures.join('\n\n'));
        t.diagnostic(`${file} on ${relative(ROOT, FIXED_RUNS)}/: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
