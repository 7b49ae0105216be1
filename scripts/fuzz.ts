/**
 * `npm run fuzz`: mutated logs of every format through the CLI's code path (ingest, then the fit of each run
 * as `entropy-law fit` makes it), 10,000 per format by default, in worker processes. Counts, per format: logs
 * read, logs refused with an InputError/UsageError (what the CLI reports as the user's), crashes (any other
 * exception), hangs (a case past its time bound; its worker is stopped and replaced) and invented points
 * (a kept step, entropy or R that is no number of the input). Exits 1 if there was any crash, hang or
 * invented point. Not part of `npm test`.
 *
 * Flags: --cases N (per format), --format a,b (default: all), --workers N (default: 2 or fewer cores),
 * --timeout MS (per case, default 10000), --case I with one --format: replay that case, keeping its files.
 *
 * @example
 * npm run fuzz -- --format csv --cases 2000
 */
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { caseFiles, FUZZ_FORMATS, numbersIn, runCase, writeCase, type CaseResult } from './fuzz-cases.ts';
import { READERS } from '../src/ingest/registry.ts';
import type { LogFormat } from '../src/ingest/types.ts';

/** The value of a flag, or `fallback`. */
function flag(name: string, fallback?: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const cases = Number(flag('cases', '10000'));
const formats = (flag('format')?.split(',') ?? FUZZ_FORMATS) as LogFormat[];
const workers = Number(flag('workers', String(Math.min(2, availableParallelism()))));
const timeoutMs = Number(flag('timeout', '10000'));
const replay = flag('case');

for (const f of formats) if (!FUZZ_FORMATS.includes(f)) throw new Error(`unknown format ${f} (expected ${FUZZ_FORMATS.join(', ')})`);

// The check of invented points must see the numbers a log holds, and only those.
const seen = numbersIn(Buffer.from("step:3 - a:np.float64(0.25) - b:1e-06 - c:1_000 - d:True - e:.5"));
for (const [v, want] of [[3, true], [0.25, true], [1e-6, true], [1000, true], [1, true], [0.5, true], [0.3, false], [2, false]] as const) {
  if (seen.has(v) !== want) throw new Error(`numbersIn is wrong about ${v}`);
}

if (replay !== undefined) {
  // One case, in a folder that is kept for a look.
  const dir = join(tmpdir(), `entropy-law-fuzz-${formats[0]}-${replay}`);
  const result = await runCase(formats[0], Number(replay), dir);
  writeCase(dir, caseFiles(formats[0], Number(replay)).files);
  console.log(JSON.stringify(result, null, 2));
  console.log(`files in ${dir}`);
  process.exit(result.outcome === 'crash' || result.outcome === 'invented' ? 1 : 0);
}

interface Tally {
  cases: number;
  read: number;
  inputErrors: number;
  crashes: number;
  hangs: number;
  invented: number;
  points: number;
  seconds: number;
}
const tallies = new Map<LogFormat, Tally>(formats.map((f) => [f, { cases: 0, read: 0, inputErrors: 0, crashes: 0, hangs: 0, invented: 0, points: 0, seconds: 0 }]));
const failures: string[] = [];

const queue = formats.flatMap((format) => Array.from({ length: cases }, (_, index) => ({ format, index })));
let next = 0;
const started = performance.now();

/** A worker process running cases (scripts/fuzz-worker.ts). */
const spawn = (): ChildProcess => fork(new URL('./fuzz-worker.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

/** Runs cases from the queue on one worker until it is empty, replacing the worker after a hang or a death. */
async function drive(): Promise<void> {
  let worker = spawn();
  while (next < queue.length) {
    const job = queue[next++];
    const tally = tallies.get(job.format)!;
    const t0 = performance.now();
    const result = await new Promise<CaseResult | 'hang'>((resolve) => {
      const timer = setTimeout(() => resolve('hang'), timeoutMs);
      worker.once('message', (r: CaseResult) => {
        clearTimeout(timer);
        resolve(r);
      });
      worker.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ outcome: 'crash', points: 0, detail: `worker: died (exit ${code}, ${signal})` });
      });
      worker.send(job);
    });
    tally.seconds += (performance.now() - t0) / 1000;
    tally.cases++;
    const replayWith = `npm run fuzz -- --format ${job.format} --case ${job.index}`;
    if (result === 'hang') {
      tally.hangs++;
      failures.push(`hang: ${job.format} case ${job.index} ran past ${timeoutMs} ms (${replayWith})`);
      worker.removeAllListeners('message').removeAllListeners('exit');
      worker.kill('SIGKILL');
      worker = spawn();
      continue;
    }
    worker.removeAllListeners('message').removeAllListeners('exit');
    if (result.outcome === 'read') {
      tally.read++;
      tally.points += result.points;
    } else if (result.outcome === 'input-error') tally.inputErrors++;
    else {
      if (result.outcome === 'crash') tally.crashes++;
      else tally.invented++;
      failures.push(`${result.outcome}: ${job.format} case ${job.index}: ${result.detail?.split('\n').slice(0, 4).join(' | ')} (${replayWith})`);
      // A worker that crashed on its own (not a thrown error) is replaced.
      if (result.detail?.startsWith('worker:')) worker = spawn();
    }
  }
  worker.send('stop');
}

await Promise.all(Array.from({ length: Math.max(1, workers) }, drive));
const seconds = (performance.now() - started) / 1000;

const rows = [...tallies].map(([format, t]) => [format, t.cases, t.read, t.inputErrors, t.crashes, t.hangs, t.invented, t.points, t.seconds.toFixed(1)]);
const header = ['format', 'cases', 'read', 'input errors', 'crashes', 'hangs', 'invented', 'points kept', 'case-seconds'];
const total = (i: number) => rows.reduce((s, r) => s + Number(r[i]), 0);
const all = ['all', total(1), total(2), total(3), total(4), total(5), total(6), total(7), total(8).toFixed(1)];
rows.push(all);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells: Array<string | number>) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
console.log(line(header));
for (const r of rows) console.log(line(r));
const unfuzzed = READERS.map((r) => r.format).filter((f) => !FUZZ_FORMATS.includes(f));
if (unfuzzed.length > 0) console.log(`formats of the registry without a base log here (not fuzzed): ${unfuzzed.join(', ')}`);
console.log(`${all[1]} cases in ${seconds.toFixed(1)} s wall (${workers} workers, ${timeoutMs} ms bound per case)`);
for (const f of failures.slice(0, 20)) console.log(f);
if (failures.length > 20) console.log(`… and ${failures.length - 20} more`);
process.exit(failures.length > 0 ? 1 : 0);
