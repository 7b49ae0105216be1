/**
 * The cases of `npm run fuzz`: a base log per format (the fixtures the real writers wrote where there are
 * some, small generated logs otherwise), mutated as logs get broken (cut anywhere, bytes dropped, inserted,
 * repeated or flipped, lines repeated, dropped or moved, tokens such as `NaN`, `1e999`, quotes, delimiters,
 * BOMs, ANSI escapes put in), and one case run through the CLI's code path: `ingest`, then the fit of every
 * run as `entropy-law fit` makes it (`analyzeDataset`). A case is a (format, index) pair; its mutations come
 * from `Rng` seeded by both, so any case can be replayed alone.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ingest } from '../src/ingest/load.ts';
import { loadLog } from '../src/ingest/load.ts';
import { utf16Encoding } from '../src/ingest/line-splitter.ts';
import type { LogFormat, RawRun } from '../src/ingest/types.ts';
import { analyzeDataset } from '../src/predict/analyze.ts';
import { InputError, UsageError } from '../src/util/errors.ts';
import { Rng, pcgHash } from '../src/util/rng.ts';
import { Warnings } from '../src/util/warnings.ts';

const FIXTURES = new URL('../test/fixtures/', import.meta.url).pathname;

/** The formats fuzzed, each with its base log. */
export const FUZZ_FORMATS: readonly LogFormat[] = [
  'verl-console',
  'verl-jsonl',
  'jsonl',
  'csv',
  'tensorboard',
  'trl-state',
  'openrlhf-console',
  'roll-console',
  'prime-rl',
  'wandb-export',
  'wandb-history',
  'wandb-run',
  'mlflow',
  'mlflow-sqlite',
  'trackio',
];

/** A base log: its files (path relative to the case folder → bytes) and the paths `ingest` is given. */
interface Base {
  files: Record<string, Buffer>;
  inputs: string[];
  /** The inputs are one run (`--join`). */
  join?: boolean;
  /** For TensorBoard, the values the writer was given (points must come from these). */
  values?: Set<number>;
  /** Numbers may be stored as bytes (SQLite's big-endian doubles and integers), not only as text. */
  binaryNumbers?: boolean;
}

/** A small synthetic run: 24 steps, entropy falling, accuracy rising, validation every other step. */
function run(): Array<{ step: number; h: number; acc: number; reward: number; val: boolean }> {
  return Array.from({ length: 24 }, (_, i) => ({ step: i + 1, h: +(0.9 - i / 40).toFixed(4), acc: +(0.2 + i / 60).toFixed(4), reward: +(0.1 + i / 50).toFixed(3), val: i % 2 === 1 }));
}

/** The base log of each format. */
function bases(): Record<LogFormat, Base> {
  const r = run();
  const text = (s: string) => Buffer.from(s);
  const console_ = ['INFO 2025-01-01 starting, with a comma', "{'trainer': {'total_epochs': 1}}"];
  for (const p of r) {
    console_.push(`\x1b[36m(TaskRunner pid=7)\x1b[0m step:${p.step} - actor/entropy:${p.h} - actor/pg_loss:-0.01 - critic/score/mean:${p.reward} - timing_s/gen:12.5 - response_length/mean:${300 + p.step}`);
    if (p.val) console_.push(`\x1b[36m(TaskRunner pid=7)\x1b[0m step:${p.step} - val-core/openai/gsm8k/acc/mean@1:np.float64(${p.acc})`);
    console_.push('(TaskRunner pid=7) Question: what is 2 + 3? Answer: 5 #### 5');
  }
  const verlJsonl = r.map((p) => JSON.stringify({ step: p.step, data: { 'actor/entropy': p.h, 'critic/score/mean': p.reward, ...(p.val ? { 'val-core/openai/gsm8k/acc/mean@1': p.acc } : {}) } }));
  const jsonl = r.map((p) => JSON.stringify({ global_step: p.step, train: { entropy: p.h, reward: p.reward }, ...(p.val ? { eval_accuracy: p.acc } : {}) }));
  const csv = ['step,actor/entropy,eval_accuracy,note', ...r.map((p) => `${p.step},${p.h},${p.val ? p.acc : ''},"run, ${p.step}"`)];
  const exportCsv = ['"Step","grpo - train/entropy","grpo - eval/acc","grpo - eval/acc__MIN","ppo - train/entropy","ppo - eval/acc"', ...r.map((p) => `"${p.step}","${p.h}","${p.val ? p.acc : ''}","","${p.h + 0.01}","${p.acc - 0.01}"`)];
  const mlflowRun = 'mlruns/0/4f1c';
  const mlflow: Record<string, Buffer> = {
    'mlruns/0/meta.yaml': text('experiment_id: "0"\nlifecycle_stage: active\nname: Default\n'),
    [`${mlflowRun}/meta.yaml`]: text('run_id: 4f1c\nrun_name: grpo-qwen\nlifecycle_stage: active\n'),
    [`${mlflowRun}/tags/mlflow.runName`]: text('grpo-qwen'),
    [`${mlflowRun}/metrics/actor/entropy`]: text(r.map((p) => `${1_700_000_000_000 + p.step * 1000} ${p.h} ${p.step}\n`).join('')),
    [`${mlflowRun}/metrics/val-core/openai/gsm8k/acc/mean_at_1`]: text(r.filter((p) => p.val).map((p) => `${1_700_000_000_500 + p.step * 1000} ${p.acc} ${p.step}\n`).join('')),
  };
  // The TensorBoard fixture of tensorboardX (test/fixtures/tensorboard/make_fixtures.py) and the values it wrote.
  const tb = JSON.parse(readFileSync(join(FIXTURES, 'tensorboard', 'expected.json'), 'utf8')) as { simple: { points: Array<[number, string, number]> } };
  const fixtureFile = (path: string) => readFileSync(join(FIXTURES, path));
  return {
    'verl-console': { files: { 'train.log': text(console_.join('\n') + '\n') }, inputs: ['train.log'] },
    'verl-jsonl': { files: { 'metrics.jsonl': text(verlJsonl.join('\n') + '\n') }, inputs: ['metrics.jsonl'] },
    jsonl: { files: { 'history.jsonl': text(jsonl.join('\n') + '\n') }, inputs: ['history.jsonl'] },
    csv: { files: { 'table.csv': text(csv.join('\r\n') + '\r\n') }, inputs: ['table.csv'] },
    tensorboard: {
      files: { 'tb/events.out.tfevents.1700000001.fixture': fixtureFile('tensorboard/simple/events.out.tfevents.1700000001.fixture') },
      inputs: ['tb'],
      values: new Set(tb.simple.points.flatMap(([step, , value]) => [step, value])),
    },
    // The fixtures of the real writers (transformers' TrainerState, Python logging in OpenRLHF's and ROLL's
    // formats, prime-rl's json.dumps lines, pandas/json for W&B history, wandb 0.30.0 for the run file) and
    // the SQLite stores built from MLflow's and Trackio's schemas: see the READMEs of test/fixtures.
    'trl-state': { files: { 'out/trainer_state.json': fixtureFile('formats-cases/trl-eval-steps/checkpoint-300/trainer_state.json') }, inputs: ['out/trainer_state.json'] },
    'openrlhf-console': { files: { 'train.log': fixtureFile('formats/openrlhf/train.log') }, inputs: ['train.log'] },
    'roll-console': { files: { 'train.log': fixtureFile('formats/roll/train.log') }, inputs: ['train.log'] },
    'prime-rl': {
      files: { 'trainer/metrics.jsonl': fixtureFile('formats/prime-rl/trainer/metrics.jsonl'), 'orchestrator/metrics.jsonl': fixtureFile('formats/prime-rl/orchestrator/metrics.jsonl') },
      inputs: ['trainer/metrics.jsonl', 'orchestrator/metrics.jsonl'],
      join: true,
    },
    'wandb-export': { files: { 'export.csv': text(exportCsv.join('\n') + '\n') }, inputs: ['export.csv'] },
    'wandb-history': { files: { 'history.jsonl': fixtureFile('formats/wandb/history.jsonl') }, inputs: ['history.jsonl'] },
    'wandb-run': { files: { 'run-grpo.wandb': fixtureFile('wandb-run/grpo-qwen.wandb') }, inputs: ['run-grpo.wandb'] },
    mlflow: { files: mlflow, inputs: ['mlruns'] },
    'mlflow-sqlite': { files: { 'mlflow.db': fixtureFile('sqlite/mlflow.db') }, inputs: ['mlflow.db'], binaryNumbers: true },
    trackio: { files: { 'trackio.db': fixtureFile('sqlite/trackio.db'), 'trackio.db-wal': fixtureFile('sqlite/trackio.db-wal') }, inputs: ['trackio.db'], binaryNumbers: true },
  } as Partial<Record<LogFormat, Base>> as Record<LogFormat, Base>;
}

/** Text put into logs by the mutations: what breaks readers. */
const TOKENS = [
  'NaN', 'nan', 'inf', '-Infinity', 'Infinity', '1e999', '-1e999', 'null', 'None', 'True', '1_000', '0x1f', '-', '.', 'e', '+', '0.',
  '"', "'", ',', ';', '\t', '\n', '\r\n', '\r', '\0', '{', '}', '[', ']', '(', ')', ' - ', ':', 'step:', 'step:7 - ', '_step', '\ufeff', '\x1b[31m',
  'np.float64(', 'tensor(', 'é', '\ud83d\ude00', '<script>', '9'.repeat(400), '{"step": 3, "data": {', "✨ Global step 9: {'", '"run","step"\n',
];

/** Applies one mutation to `bytes`. */
function mutate(bytes: Buffer, rng: Rng, binary: boolean): Buffer {
  const n = bytes.length;
  const at = rng.int(n + 1);
  const kind = rng.int(binary ? 6 : 10);
  switch (kind) {
    case 0: // cut short anywhere: mid-record, mid-number
      return bytes.subarray(0, at);
    case 1: // a stretch lost
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(n, at + 1 + rng.int(64)))]);
    case 2: // random bytes
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(Array.from({ length: 1 + rng.int(16) }, () => rng.int(256))), bytes.subarray(at)]);
    case 3: {
      // a stretch written twice (a writer retrying), elsewhere
      const from = rng.int(n + 1);
      const piece = bytes.subarray(from, Math.min(n, from + 1 + rng.int(binary ? 400 : 200)));
      return Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
    }
    case 4: {
      // one byte flipped
      if (n === 0) return bytes;
      const copy = Buffer.from(bytes);
      copy[at % n] ^= 1 << rng.int(8);
      return copy;
    }
    case 5: {
      // a digit changed (the value changes, and still occurs in the text)
      const copy = Buffer.from(bytes);
      for (let tries = 0; tries < 20 && n > 0; tries++) {
        const i = rng.int(n);
        if (copy[i] >= 48 && copy[i] <= 57) {
          copy[i] = 48 + rng.int(10);
          break;
        }
      }
      return copy;
    }
    case 6: // a token put in
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(TOKENS[rng.int(TOKENS.length)]), bytes.subarray(at)]);
    default: {
      // line operations: a line repeated (a resumed run), dropped, moved to the end, or two swapped
      const lines = bytes.toString('latin1').split('\n');
      const i = rng.int(lines.length);
      const j = rng.int(lines.length);
      if (kind === 7) lines.splice(j, 0, lines[i]);
      else if (kind === 8) lines.splice(i, 1);
      else [lines[i], lines[j]] = [lines[j], lines[i]];
      return Buffer.from(lines.join('\n'), 'latin1');
    }
  }
}

/**
 * Every number written in a text: its numeric tokens (`1_000` as 1000, as Python reads it), and 1 and 0 where
 * the text has a boolean (`True`, `false`: readers count booleans as numbers).
 */
export function numbersIn(bytes: Buffer): Set<number> {
  const texts = [bytes.toString('latin1'), bytes.toString('utf8')];
  const utf16 = utf16Encoding(bytes);
  if (utf16) texts.push(new TextDecoder(utf16).decode(bytes));
  const found = new Set<number>();
  for (const text of texts) {
    for (const m of text.replace(/(\d)_(?=\d)/g, '$1').matchAll(/[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g)) found.add(Number(m[0]));
    if (/true|false/i.test(text)) found.add(1).add(0);
  }
  return found;
}

/** What one case gave. */
export interface CaseResult {
  outcome: 'read' | 'input-error' | 'crash' | 'invented';
  /** The points kept, for a case that was read. */
  points: number;
  /** A crash's error, or the invented value. */
  detail?: string;
}

/** The base logs, made once per process. */
let cached: Record<LogFormat, Base> | undefined;

/** The mutated files of case `index` of `format`. */
export function caseFiles(format: LogFormat, index: number): Base {
  cached ??= bases();
  const base = cached[format];
  const rng = new Rng(pcgHash((FUZZ_FORMATS.indexOf(format) * 1_000_003 + index) >>> 0));
  const names = Object.keys(base.files);
  const files = { ...base.files };
  // MLflow: the metric files and the run name are what a broken store has wrong.
  const targets = format === 'mlflow' ? names.filter((n) => n.includes('/metrics/') || n.endsWith('runName')) : names;
  for (let k = 1 + rng.int(4); k > 0; k--) {
    const name = targets[rng.int(targets.length)];
    files[name] = mutate(files[name], rng, BINARY.has(format));
  }
  return { ...base, files };
}

/** Formats whose files are binary: line operations and tokens mean nothing there. */
const BINARY = new Set<LogFormat>(['tensorboard', 'wandb-run', 'mlflow-sqlite', 'trackio']);

/**
 * True if `value` is written in `bytes` as a number may be in a binary store: an 8-byte big-endian double, or
 * an integer in the big-endian widths SQLite uses (0 and 1 take no bytes there).
 */
function storedIn(value: number, bytes: Buffer): boolean {
  const double = Buffer.alloc(8);
  double.writeDoubleBE(value);
  if (bytes.includes(double)) return true;
  if (!Number.isSafeInteger(value)) return false;
  if (value === 0 || value === 1) return true;
  for (const width of [1, 2, 3, 4, 6]) {
    const limit = 2 ** (8 * width - 1);
    if (value < -limit || value >= limit) continue;
    const int = Buffer.alloc(width);
    int.writeIntBE(value, 0, width);
    if (bytes.includes(int)) return true;
  }
  const wide = Buffer.alloc(8);
  wide.writeBigInt64BE(BigInt(value));
  return bytes.includes(wide);
}

/** Writes a case's files into `dir` (emptied first). */
export function writeCase(dir: string, files: Record<string, Buffer>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
}

/** True for the errors the CLI reports as a user's: anything else is a crash. */
const expected = (error: unknown) => error instanceof InputError || error instanceof UsageError;

/**
 * Runs case `index` of `format` in `dir`: ingest, then the fit of every run, as `entropy-law fit` does. A
 * point is invented when its step, entropy or R is a number the input does not hold (R of several keys: each
 * key's value, and their mean).
 */
export async function runCase(format: LogFormat, index: number, dir: string): Promise<CaseResult> {
  const { files, inputs, join: joined, values, binaryNumbers } = caseFiles(format, index);
  writeCase(dir, files);
  const paths = inputs.map((input) => join(dir, input));
  let dataset;
  try {
    dataset = await ingest(paths, { warnings: new Warnings(), join: joined });
  } catch (error) {
    if (expected(error)) return { outcome: 'input-error', points: 0 };
    return { outcome: 'crash', points: 0, detail: `ingest: ${(error as Error)?.stack ?? String(error)}` };
  }
  try {
    analyzeDataset(dataset);
  } catch (error) {
    if (!expected(error)) return { outcome: 'crash', points: 0, detail: `fit: ${(error as Error)?.stack ?? String(error)}` };
  }
  const tokens = values ?? new Set(Object.values(files).flatMap((b) => [...numbersIn(b)]));
  const all = Buffer.concat(Object.values(files));
  const known = { has: (v: number) => tokens.has(v) || (binaryNumbers === true && storedIn(v, all)) };
  let raws: RawRun[] | undefined;
  let points = 0;
  for (let r = 0; r < dataset.runs.length; r++) {
    const info = dataset.runs[r];
    const s = dataset.series[r];
    for (let i = 0; i < s.step.length; i++) {
      points++;
      const bad = [s.step[i], s.entropy[i]].find((v) => !Number.isFinite(v) || !known.has(v));
      if (bad !== undefined) return { outcome: 'invented', points, detail: `${info.id} step ${s.step[i]}: ${bad} is not in the input` };
      if (info.metricKeys.length === 1) {
        if (!Number.isFinite(s.metric[i]) || !known.has(s.metric[i])) return { outcome: 'invented', points, detail: `${info.id} step ${s.step[i]}: R ${s.metric[i]} is not in the input` };
        continue;
      }
      // R averages several keys: each of them must be in the input, and R their mean.
      if (raws === undefined) {
        raws = [];
        for (const path of paths) raws.push(...(await loadLog(path, { warnings: new Warnings() })));
      }
      // The run's own raw run, else (a run joined from several files) the first file with that key at that step.
      const own = raws.filter((x) => x.source === info.source && (x.id === info.id || info.id.startsWith(`${x.id}-`)));
      const parts = info.metricKeys.map((k) => [...own, ...raws!].map((x) => x.steps.get(s.step[i])?.get(k)).find((v) => v !== undefined));
      const mean = parts.reduce((a: number, b) => a + (b ?? NaN), 0) / parts.length;
      if (parts.some((v) => v === undefined || !known.has(v)) || Math.abs(mean - s.metric[i]) > 1e-12 * Math.max(1, Math.abs(mean))) {
        return { outcome: 'invented', points, detail: `${info.id} step ${s.step[i]}: R ${s.metric[i]} is not the mean of input values ${parts.join(', ')}` };
      }
    }
  }
  return { outcome: 'read', points };
}
