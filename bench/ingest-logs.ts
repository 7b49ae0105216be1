/**
 * Generated logs for the ingest benchmark, written straight to disk in 4 MiB blocks so any size costs
 * little memory: a verl console log (metric lines among sample output, as verl ≥ 0.5 prints them), a flat
 * JSONL history, a TensorBoard event file (one scalar per event, as torch's SummaryWriter writes) and a W&B
 * run file (one history record per step, framed as wandb writes `run-<id>.wandb`). SQLite stores are
 * written by bench/make_sqlite_logs.py.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32 } from '@node-rs/crc32';
import { maskedCrc32c } from '../src/ingest/tfrecord.ts';

/** verl's training metrics besides entropy and score (timing, throughput, lengths, losses). */
const OTHER_KEYS = [
  ...['pg_loss', 'pg_clipfrac', 'ppo_kl', 'pg_clipfrac_lower', 'grad_norm', 'lr', 'kl_loss', 'kl_coef'].map((k) => `actor/${k}`),
  ...['max', 'min'].map((k) => `critic/score/${k}`),
  ...['mean', 'max', 'min'].map((k) => `critic/rewards/${k}`),
  ...['mean', 'max', 'min'].map((k) => `critic/advantages/${k}`),
  ...['mean', 'max', 'min', 'clip_ratio'].map((k) => `response_length/${k}`),
  ...['mean', 'max', 'min', 'clip_ratio'].map((k) => `prompt_length/${k}`),
  ...['gen', 'reward', 'old_log_prob', 'ref', 'adv', 'update_actor', 'step', 'testing'].map((k) => `timing_s/${k}`),
  ...['gen', 'reward', 'old_log_prob', 'ref', 'adv', 'update_actor'].map((k) => `timing_per_token_ms/${k}`),
  ...['total_num_tokens', 'time_per_step', 'throughput', 'mfu/actor', 'max_memory_allocated_gb', 'max_memory_reserved_gb', 'cpu_memory_used_gb'].map((k) => `perf/${k}`),
  'training/global_step',
  'training/epoch',
];

/** A seeded generator, so every run of the benchmark reads the same bytes. */
function random(seed = 42): () => number {
  return () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Writes blocks from `next` until `bytes` are written; returns the number of steps written. */
function writeBlocks(path: string, bytes: number, next: (step: number) => string | Uint8Array): number {
  const fd = openSync(path, 'w');
  let written = 0;
  let step = 0;
  let block: Array<string | Uint8Array> = [];
  let blockBytes = 0;
  const flush = () => {
    for (const part of block) {
      if (typeof part === 'string') writeSync(fd, part);
      else writeSync(fd, part);
    }
    block = [];
    blockBytes = 0;
  };
  try {
    while (written < bytes) {
      const part = next(++step);
      const size = typeof part === 'string' ? Buffer.byteLength(part) : part.length;
      block.push(part);
      blockBytes += size;
      written += size;
      if (blockBytes >= 4 << 20) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return step;
}

/** The metric values of one step, entropy decaying and accuracy rising as in a real run. */
function stepValues(step: number, u: () => number): Array<[string, number]> {
  const entropy = 0.05 + 0.6 * Math.exp(-step / 3000) + 0.01 * u();
  const values: Array<[string, number]> = [
    ['actor/entropy', entropy],
    ['critic/score/mean', 0.9 - 0.5 * Math.exp(entropy) + 0.02 * u()],
  ];
  for (const key of OTHER_KEYS) values.push([key, u() * 100]);
  if (step % 10 === 0) values.push(['val-core/openai/gsm8k/acc/mean@1', 0.8 - 0.4 * Math.exp(entropy) + 0.01 * u()]);
  return values;
}

/**
 * A verl console log of at least `bytes`: per step, two lines of sample output and one metric line behind a
 * Ray prefix. Returns the number of steps.
 */
export function writeVerlConsoleLog(path: string, bytes: number): number {
  const u = random();
  const sample = `(TaskRunner pid=4242) [prompt] Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether? [response] ${'Let me think step by step. '.repeat(12)}#### 72\n`;
  return writeBlocks(path, bytes, (step) => {
    const pairs = stepValues(step, u).map(([k, v]) => `${k}:${v}`);
    return `${sample}(TaskRunner pid=4242) [score] 1.0\n(TaskRunner pid=4242) step:${step} - ${pairs.join(' - ')}\n`;
  });
}

/** A flat JSONL history of at least `bytes`: one object per step with `step` and every metric. */
export function writeJsonl(path: string, bytes: number): number {
  const u = random();
  return writeBlocks(path, bytes, (step) => JSON.stringify({ step, ...Object.fromEntries(stepValues(step, u)) }) + '\n');
}

/** Protobuf: a varint, written at `at`; returns where it ends. */
function varint(value: number, out: Uint8Array, at: number): number {
  while (value > 0x7f) {
    out[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[at++] = value;
  return at;
}

/** The bytes of a varint. */
const varintBytes = (value: number) => {
  const out = new Uint8Array(10);
  return out.subarray(0, varint(value, out, 0));
};

/** Per tag, the bytes of `Summary.Value{tag, simple_value: }` up to the float, and the summary's length. */
const tagParts = new Map<string, Uint8Array>();
function tagPart(tag: string): Uint8Array {
  let part = tagParts.get(tag);
  if (!part) {
    const tagBytes = Buffer.from(tag);
    const valueLength = 1 + varintBytes(tagBytes.length).length + tagBytes.length + 5;
    // Summary{ value (field 1) = Value{ tag (field 1), simple_value (field 2, fixed32) } }
    part = Buffer.concat([Uint8Array.of(0x0a), varintBytes(valueLength), Uint8Array.of(0x0a), varintBytes(tagBytes.length), tagBytes, Uint8Array.of(0x15)]);
    tagParts.set(tag, part);
  }
  return part;
}

/**
 * The TFRecords of one step, each holding an `Event{wall_time, step, summary{value{tag, simple_value}}}`,
 * written into one buffer (the writer must make hundreds of MB in seconds).
 */
function eventRecords(wallTime: number, step: number, values: Array<[string, number]>): Buffer {
  const stepBytes = varintBytes(step);
  const sizes = values.map(([tag]) => {
    const summary = tagPart(tag).length + 4;
    return 9 + 1 + stepBytes.length + 1 + varintBytes(summary).length + summary;
  });
  const out = Buffer.allocUnsafe(sizes.reduce((a, n) => a + 16 + n, 0));
  let at = 0;
  values.forEach(([tag, value], i) => {
    const start = at;
    const length = sizes[i];
    out.writeBigUInt64LE(BigInt(length), at);
    out.writeUInt32LE(maskedCrc32c(out.subarray(at, at + 8)), at + 8);
    at += 12;
    out[at++] = 0x09;
    at = out.writeDoubleLE(wallTime, at);
    out[at++] = 0x10;
    out.set(stepBytes, at);
    at += stepBytes.length;
    const part = tagPart(tag);
    out[at++] = 0x2a;
    at = varint(part.length + 4, out, at);
    out.set(part, at);
    at += part.length;
    at = out.writeFloatLE(value, at);
    out.writeUInt32LE(maskedCrc32c(out.subarray(start + 12, at)), at);
    at += 4;
  });
  return out;
}

/** A TensorBoard event file of at least `bytes`, every metric of a step in its own event. */
export function writeEventFile(path: string, bytes: number): number {
  const u = random();
  const version = Buffer.from('brain.Event:2');
  const first = Uint8Array.from([0x09, ...new Uint8Array(new Float64Array([1.7e9]).buffer), 0x1a, version.length, ...version]);
  const header = new Uint8Array(12 + first.length + 4);
  const view = new DataView(header.buffer);
  view.setBigUint64(0, BigInt(first.length), true);
  view.setUint32(8, maskedCrc32c(header.subarray(0, 8)), true);
  header.set(first, 12);
  view.setUint32(12 + first.length, maskedCrc32c(first), true);
  return writeBlocks(path, bytes, (step) => {
    const records = eventRecords(1.7e9 + step, step, stepValues(step, u));
    return step === 1 ? Buffer.concat([header, records]) : records;
  });
}

/** A protobuf length-delimited field: its tag, length and bytes. */
function lengthDelimited(field: number, bytes: Uint8Array): Buffer {
  return Buffer.concat([varintBytes((field << 3) | 2), varintBytes(bytes.length), bytes]);
}

/** A W&B `HistoryItem` (nested_key = 2, value_json = 16), as wandb-core writes each logged key. */
function historyItem(key: string, value: number): Buffer {
  return lengthDelimited(1, Buffer.concat([lengthDelimited(2, Buffer.from(key)), lengthDelimited(16, Buffer.from(String(value)))]));
}

/** A W&B `Record` holding one history row (`history` = 2), with `_step` and `_runtime` items. */
function historyRecord(step: number, values: Array<[string, number]>): Buffer {
  const items = [historyItem('_step', step), historyItem('_runtime', step * 10.5), ...values.map(([k, v]) => historyItem(k, v))];
  return lengthDelimited(2, Buffer.concat(items));
}

/**
 * Frames records as LevelDB log chunks in 32 KiB blocks (FULL, or FIRST/MIDDLE/LAST across blocks), each
 * with its IEEE CRC-32 of type byte and payload, as wandb's writer does; `at` is the file offset reached.
 */
class LevelDbLogWriter {
  at = 7;
  frame(record: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let rest = record;
    let first = true;
    for (;;) {
      const left = 32768 - (this.at % 32768);
      if (left < 7) {
        // No room for a chunk header: the block's last bytes are zeros.
        out.push(Buffer.alloc(left));
        this.at += left;
        continue;
      }
      const n = Math.min(rest.length, left - 7);
      const last = n === rest.length;
      const type = first && last ? 1 : first ? 2 : last ? 4 : 3;
      const header = Buffer.alloc(7);
      header.writeUInt32LE(crc32(rest.subarray(0, n), crc32(Buffer.from([type]))), 0);
      header.writeUInt16LE(n, 4);
      header[6] = type;
      out.push(header, rest.subarray(0, n));
      this.at += 7 + n;
      rest = rest.subarray(n);
      first = false;
      if (last) break;
    }
    return out;
  }
}

/**
 * A W&B run file of at least `bytes`: the `:W&B` header, a run record naming the run, then one history
 * record per step with the verl keys. Returns the number of steps.
 */
export function writeWandbRun(path: string, bytes: number): number {
  const u = random();
  const log = new LevelDbLogWriter();
  const header = Buffer.from([0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00]);
  const run = lengthDelimited(17, Buffer.concat([lengthDelimited(1, Buffer.from('bench01')), lengthDelimited(8, Buffer.from('bench-run'))]));
  return writeBlocks(path, bytes, (step) => {
    const parts = step === 1 ? [header, ...log.frame(run)] : [];
    parts.push(...log.frame(historyRecord(step, stepValues(step, u))));
    return Buffer.concat(parts);
  });
}
