import { readFile, rename, rm, stat, mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError, inputError, UsageError, usageError } from '../../util/errors.ts';
import { resolveModelConfig } from '../config.ts';
import { pretrain, type PretrainOptions } from '../pretrain.ts';
import { fnv1a } from '../tasks/task.ts';
import { siblingModule, startModuleWorker } from '../worker-thread.ts';
import { maybeTask } from '../tasks/index.ts';
import { trainOptionsFrom } from './train-keys.ts';
import { resolveTrainOptions, train, type TrainOptions } from './train.ts';

/**
 * Sweeps: a grid of training runs from one YAML file, each run into its own folder, side by side on
 * worker threads, resumable. The file:
 *
 *     train:            # options every run shares, named as `entropy-law train`'s flags
 *       task: add
 *       steps: 200
 *     grid:             # axes; the runs are their product, the first axis varying slowest
 *       algo: [grpo, rloo]
 *       seed: [0, 1]
 *       model:          # an axis of option sets: each a mapping, `label` naming it in run names
 *         - {label: small, layers: 2, width: 64}
 *         - {label: large, layers: 4, width: 128}
 *
 * `grid` may also be a list of such mappings: the runs of each, one grid after another (a main grid and a
 * smaller side sweep without the product of both).
 * A run is named by its axis values (`grpo-seed0-small`). Runs without `from` share one warm start per
 * distinct warm-start setting (task, model, pretrain options, device), trained once into
 * `<out>/.warm-start/`. Every run trains into `<out>/.<name>.partial/` and is renamed to
 * `<out>/<name>/` when it is finished, so a folder under its own name is always complete: after an
 * interruption, finished runs are kept (and never redone), partial ones are removed and run again.
 * The dot keeps a partial folder out of `entropy-law fit <out>/`, which skips dot-folders.
 */

/** One run of a sweep. */
export interface PlannedRun {
  name: string;
  options: TrainOptions;
}

/** A warm start several runs share. */
interface WarmStart {
  key: string;
  folder: string;
  options: PretrainOptions;
}

/**
 * The runs a sweep file describes, in order.
 * @throws InputError naming the file (and line) for YAML that does not parse or is not a sweep; UsageError
 * for a bad option value (naming the file and the key).
 */
export function planSweep(text: string, file = 'sweep'): PlannedRun[] {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    inputError(`not YAML: ${e.message.split('\n')[0]}`, { file, line: e.linePos?.[0].line });
  }
  const root = doc.toJS() as unknown;
  if (!isMapping(root)) inputError('a sweep file is a mapping with `train` and `grid`', { file });
  for (const key of Object.keys(root)) if (key !== 'train' && key !== 'grid') inputError(`unknown key ${key} (expected train and grid)`, { file });
  const shared = root.train ?? {};
  if (!isMapping(shared)) inputError('`train` must be a mapping of train options', { file });
  // `grid` is one grid, or a list of grids whose runs are run one after another (a main grid and a smaller
  // side sweep, say, without the product of both).
  const grids = Array.isArray(root.grid) ? (root.grid as unknown[]) : [root.grid ?? {}];
  if (grids.length === 0) inputError('`grid` must be a mapping of axes, or a list of such mappings', { file });
  const runs = grids.flatMap((grid, g) => planGrid(grid, shared, Array.isArray(root.grid) ? `grid[${g}]` : 'grid', file));
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.name)) usageError(`${file}: two runs are both named ${r.name} (give the grid's option sets distinct labels)`);
    seen.add(r.name);
  }
  return runs;
}

/** The runs of one grid: the product of its axes, the first varying slowest (see `planSweep`). */
function planGrid(grid: unknown, shared: Record<string, unknown>, label: string, file: string): PlannedRun[] {
  if (!isMapping(grid)) inputError(`\`${label}\` must be a mapping of axes, each a list of values`, { file });
  // Each axis: a list of (label, options) choices.
  const axes = Object.entries(grid).map(([axis, values]) => {
    if (!Array.isArray(values) || values.length === 0) inputError(`${label} axis ${axis} must be a non-empty list`, { file });
    return values.map((value, i) => {
      const where = `${file}: ${label}.${axis}[${i}]`;
      if (isMapping(value)) {
        const { label, ...options } = value;
        const name = label === undefined ? Object.entries(options).map(([k, v]) => `${k}${String(v)}`).join('-') : String(label);
        return { label: name, values: options, where };
      }
      return { label: ['algo', 'loss', 'task', 'device'].includes(axis) ? String(value) : `${axis}${String(value)}`, values: { [axis]: value }, where };
    });
  });
  let combos: Array<Array<{ label: string; values: Record<string, unknown>; where: string }>> = [[]];
  for (const axis of axes) combos = combos.flatMap((c) => axis.map((choice) => [...c, choice]));
  return combos.map((combo) => {
    const options = trainOptionsFrom(shared, `${file}: train`);
    for (const choice of combo) trainOptionsFrom(choice.values, choice.where, options);
    const name = combo.map((c) => c.label).join('-') || 'run';
    if (!/^[\w.+-]+$/.test(name) || name.startsWith('.')) usageError(`${file}: run name ${JSON.stringify(name)} is not a folder name (labels of letters, digits, . _ + -)`);
    options.name = name;
    resolveTrainOptions(options); // refuse a bad combination now, not hours into the sweep
    return { name, options };
  });
}

/** Reads and plans a sweep file. */
export async function readSweep(file: string): Promise<PlannedRun[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return inputError(`cannot read sweep file: ${(e as Error).message}`, { file }, e);
  }
  return planSweep(text, file);
}

/** Where a sweep stands, for a progress bar. */
export interface SweepProgress {
  phase: 'warm-start' | 'train' | 'done';
  /** Runs finished (including those found finished), and all of them. */
  finished: number;
  total: number;
  /** RL steps done and to do in this invocation (runs found finished excluded). */
  stepsDone: number;
  stepsTotal: number;
  /** Seconds since the sweep started, and an estimate of those left (undefined until a step is done). */
  elapsed: number;
  eta?: number;
  /** Runs in progress: name and step. */
  running: Array<{ name: string; step: number; steps: number }>;
}

/** Options of `sweep`. */
export interface SweepOptions {
  /** The sweep's folder. */
  out: string;
  /** Runs side by side, each on a worker thread (and then each on one CPU thread unless `threads` says otherwise); defaults to the cores available (1 on webgpu). */
  jobs?: number;
  onProgress?: (p: SweepProgress) => void;
  /** Called when a run finishes (or was found finished). */
  onRunDone?: (run: PlannedRun, folder: string, resumed: boolean) => void;
}

/** What `sweep` did. */
export interface SweepResult {
  /** Folders of every run, in plan order. */
  folders: string[];
  /** Runs trained now, and those found finished. */
  trained: number;
  kept: number;
}

/** The planned options of a finished run, hidden (a dotfile) from `fit <out>/`. */
const OPTIONS_FILE = '.sweep-options.json';

/**
 * Runs the planned runs into `options.out`, skipping finished ones (see `planSweep`).
 * @throws InputError when a finished run's folder holds a run of other options than planned.
 */
export async function sweep(runs: PlannedRun[], options: SweepOptions): Promise<SweepResult> {
  const { out, onProgress, onRunDone } = options;
  const onGpu = runs.some((r) => r.options.device === 'webgpu');
  const jobs = onGpu ? 1 : Math.max(1, Math.min(options.jobs ?? availableParallelism(), runs.length));
  if (options.jobs !== undefined && (!Number.isInteger(options.jobs) || options.jobs < 1)) usageError(`invalid jobs: ${options.jobs} (expected a positive integer)`);
  await mkdir(join(out, '.warm-start'), { recursive: true });
  const started = performance.now();
  const folders = runs.map((r) => join(out, r.name));
  // Each run still to do, with the options it trains with (its warm start filled in below).
  const todo: Array<{ run: PlannedRun; folder: string; options: TrainOptions }> = [];
  let kept = 0;
  for (const [i, run] of runs.entries()) {
    const folder = folders[i];
    if (await exists(folder)) {
      const recorded = await readFile(join(folder, OPTIONS_FILE), 'utf8').catch(() => undefined);
      if (recorded !== optionsJson(run.options)) {
        inputError(`holds a run whose options differ from the sweep's ${run.name} (remove the folder, or sweep into another --out)`, { file: folder });
      }
      kept++;
      onRunDone?.(run, folder, true);
    } else {
      await rm(partial(out, run.name), { recursive: true, force: true });
      // Runs side by side already use the cores: one thread each unless the sweep file says otherwise.
      todo.push({ run, folder, options: jobs > 1 && run.options.threads === undefined ? { ...run.options, threads: 1 } : run.options });
    }
  }
  const state: SweepProgress = {
    phase: 'warm-start', finished: kept, total: runs.length, stepsDone: 0,
    stepsTotal: todo.reduce((s, t) => s + (t.run.options.steps ?? 200), 0), elapsed: 0, running: [],
  };
  const report = () => {
    state.elapsed = (performance.now() - started) / 1000;
    const rate = state.stepsDone / state.elapsed;
    state.eta = state.phase === 'train' && state.stepsDone > 0 ? (state.stepsTotal - state.stepsDone) / rate : undefined;
    onProgress?.({ ...state, running: state.running.map((r) => ({ ...r })) });
  };

  // Warm starts first, one per distinct setting, shared by the runs that need it.
  const warm = new Map<string, WarmStart>();
  for (const t of todo) {
    if (t.options.from !== undefined) continue;
    const w = warmStartOf(t.options, out);
    warm.set(w.key, w);
    t.options = { ...t.options, from: w.folder };
  }
  const warmTodo: WarmStart[] = [];
  for (const w of warm.values()) if (!(await exists(w.folder))) warmTodo.push(w);
  report();
  await pool(warmTodo, jobs, async (w, worker) => {
    const tmp = join(out, '.warm-start', `.${w.key}.partial`);
    await rm(tmp, { recursive: true, force: true });
    await worker({ kind: 'pretrain', options: { ...w.options, out: tmp } });
    await rename(tmp, w.folder);
  });

  state.phase = 'train';
  report();
  await pool(todo, jobs, async ({ run, folder, options: trainWith }, worker) => {
    const tmp = partial(out, run.name);
    const entry = { name: run.name, step: 0, steps: run.options.steps ?? 200 };
    state.running.push(entry);
    report();
    await worker({ kind: 'train', options: { ...trainWith, out: tmp, name: run.name } }, (step) => {
      state.stepsDone += step - entry.step;
      entry.step = step;
      report();
    });
    await writeFile(join(tmp, OPTIONS_FILE), optionsJson(run.options));
    await rename(tmp, folder);
    state.running.splice(state.running.indexOf(entry), 1);
    state.finished++;
    report();
    onRunDone?.(run, folder, false);
  });
  state.phase = 'done';
  report();
  return { folders, trained: todo.length, kept };
}

function optionsJson(o: TrainOptions): string {
  const { onStep: _onStep, ...rest } = o;
  return JSON.stringify(rest, Object.keys(flatKeys(rest)).sort(), 2) + '\n';
}

/** Every key at any depth, so `JSON.stringify`'s key list keeps nested ones (sorted: a stable text). */
function flatKeys(o: unknown, out: Record<string, true> = {}): Record<string, true> {
  if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) {
    out[k] = true;
    flatKeys(v, out);
  }
  return out;
}

/** The warm start of a run without `from`. */
function warmStartOf(o: TrainOptions, out: string): WarmStart {
  const task = maybeTask(o.task ?? 'add', { digits: o.digits });
  // Names, not the task object: a job crosses to its worker thread as data.
  const options: PretrainOptions = { ...o.warmStart, task: task.name as PretrainOptions['task'], taskOptions: { digits: o.digits }, device: o.device ?? 'cpu' };
  const m = resolveModelConfig({ context: task.promptLen + task.answerLen, ...options.model, vocab: task.tokenizer.vocabSize });
  const text = JSON.stringify(options, Object.keys(flatKeys(options)).sort());
  const key = `${task.name}-${m.layers}x${m.width}x${m.heads}-${fnv1a(text).toString(16).padStart(8, '0')}`;
  return { key, folder: join(out, '.warm-start', key), options };
}

function partial(out: string, name: string): string {
  return join(out, `.${name}.partial`);
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/** A job for a worker: pretrain a warm start, or train one run. */
export type SweepJob = { kind: 'pretrain'; options: PretrainOptions } | { kind: 'train'; options: TrainOptions };

/** Runs a job, reporting RL steps through `onStep`. */
type RunJob = (job: SweepJob, onStep?: (step: number) => void) => Promise<void>;

/**
 * Runs `items` with at most `jobs` at a time; with more than one, each on its own worker thread (a
 * core each), else in this thread. The first failure stops new items and is rethrown once the
 * running ones end.
 */
async function pool<T>(items: T[], jobs: number, run: (item: T, worker: RunJob) => Promise<void>): Promise<void> {
  let next = 0, failure: unknown;
  const lane = async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++];
      try {
        await run(item, jobs > 1 ? inWorker : inThisThread);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, lane));
  if (failure !== undefined) throw failure;
}

async function inThisThread(job: SweepJob, onStep?: (step: number) => void): Promise<void> {
  if (job.kind === 'pretrain') {
    (await pretrain(job.options)).policy.dispose();
  } else {
    (await train({ ...job.options, onStep: (r) => r.step > 0 && onStep?.(r.step) })).policy.dispose();
  }
}

/** The worker module beside this one. */
const WORKER = siblingModule(import.meta.url, 'sweep-worker');

function inWorker(job: SweepJob, onStep?: (step: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = startModuleWorker(WORKER, job);
    let settled = false;
    worker.on('message', (m: { type: 'step'; step: number } | { type: 'done' } | { type: 'error'; kind: string; message: string }) => {
      if (m.type === 'step') onStep?.(m.step);
      else if (m.type === 'done') {
        settled = true;
        resolve();
      } else {
        settled = true;
        reject(m.kind === 'UsageError' ? new UsageError(m.message) : m.kind === 'InputError' ? new InputError(m.message) : new Error(m.message));
      }
    });
    worker.on('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`sweep worker exited with code ${code}`));
    });
  });
}

/**
 * One line of sweep progress, `width` characters at most.
 * @example
 * formatSweepProgress({ phase: 'train', finished: 1, total: 4, stepsDone: 300, stepsTotal: 600, elapsed: 60, eta: 60, running: [] }, 60)
 * // => 'sweep [##########          ] 1/4 runs, 50% of steps, ETA 1m00s'
 */
export function formatSweepProgress(p: SweepProgress, width = 80): string {
  if (p.phase === 'warm-start') return `sweep: warm starts (${formatDuration(p.elapsed)})`.slice(0, width);
  const fraction = p.stepsTotal > 0 ? p.stepsDone / p.stepsTotal : 1;
  const eta = p.phase === 'done' ? `done in ${formatDuration(p.elapsed)}` : p.eta === undefined ? 'ETA …' : `ETA ${formatDuration(p.eta)}`;
  const tail = ` ${p.finished}/${p.total} runs, ${Math.floor(fraction * 100)}% of steps, ${eta}`;
  const barWidth = Math.max(0, Math.min(20, width - tail.length - 'sweep []'.length));
  const filled = Math.round(fraction * barWidth);
  return `sweep [${'#'.repeat(filled)}${' '.repeat(barWidth - filled)}]${tail}`.slice(0, width);
}

/** Seconds as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

function isMapping(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}
