/**
 * TensorBoard event files (`events.out.tfevents.*`), as torch's `SummaryWriter` (verl, OpenRLHF,
 * transformers), tensorboardX, tensorboard's own writer and TF2 write them. Tags are the raw keys.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { inputError } from '../util/errors.ts';
import type { Warnings } from '../util/warnings.ts';
import { io, nameFromFolder, type FormatReader } from './reader.ts';
import { runIdFromPath } from './run-id.ts';
import { decodeEvent } from './tf-event.ts';
import { StepWriter, type KeyFilter } from './step-writer.ts';
import { frameRecords, frameRecordStream, startsWithRecord, type FrameEvent } from './tfrecord.ts';
import type { RawRun } from './types.ts';

const EVENT_FILE = /(^|\.)tfevents\./;
/** How deep below the given folder run folders are looked for (`logdir/project/experiment/` is common). */
const MAX_DEPTH = 4;

/** Counts one kind of problem in a binary file and reports it once, with the first byte offset. */
class OffsetIssues {
  count = 0;
  first = 0;
  detail = '';
  add(offset: number, detail = ''): void {
    if (this.count++ === 0) {
      this.first = offset;
      this.detail = detail;
    }
  }
  report(warnings: Warnings | undefined, file: string, what: string): void {
    if (this.count === 0 || !warnings) return;
    const detail = this.detail ? ` (${this.detail})` : '';
    warnings.warn(`${file}: ${this.count} ${what}; first at byte offset ${this.first}${detail}`);
  }
}

/** Options of `parseEventFile`. */
export interface EventFileOptions {
  /** The file name used in warnings and errors. Default: `'<bytes>'`. */
  source?: string;
  /** Collects one warning per kind of problem. Default: none. */
  warnings?: Warnings;
}

/** How a location in an event file reads in warnings. */
const atOffset = (offset: number) => `byte offset ${offset}`;

/**
 * A step writer for a TensorBoard run: its warnings locate records by byte offset, and it keeps only the
 * tags `keep` has (see `KeyFilter`), so a large file costs little memory.
 *
 * @example
 * const w = eventWriter('run/'); parseEventFile(bytes, w); w.run('run', 'run/', 'tensorboard')
 */
export function eventWriter(source: string, keep?: KeyFilter): StepWriter {
  return new StepWriter(source, { keep, where: atOffset });
}

/**
 * Reads the scalar values of one event file's bytes into `writer` (an event is a record of its step, a later
 * value of a step and tag replacing an earlier one, as a restarted run writes them, with the writer's warning).
 * Every record's two CRCs are checked: a record with a bad data checksum is skipped, corrupt framing is skipped
 * up to the next record that checks, and a last record cut short (normal for a live run) is ignored; each gives
 * one warning with the byte offset. Non-finite values are dropped and counted. Throws an `InputError` when no
 * record at all checks (not an event file). Cost: linear in the file size.
 *
 * @example
 * const w = eventWriter('f'); parseEventFile(await readFile(file), w); w.run('r', 'f', 'tensorboard').steps.get(3) // => Map { 'actor/entropy' => 0.5 }
 */
export function parseEventFile(bytes: Uint8Array, writer: StepWriter, options: EventFileOptions = {}): void {
  parseFrames(frameRecords(bytes), bytes.length, writer, options);
}

/**
 * `parseEventFile` on a file, read in 1 MiB chunks: memory stays at one chunk (or the largest record) plus
 * the values kept, whatever the file size.
 *
 * @example
 * const w = eventWriter('run/'); readEventFile('run/events.out.tfevents.1700000000.host', w)
 */
export function readEventFile(path: string, writer: StepWriter, options: EventFileOptions = {}): void {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    parseFrames(frameRecordStream(size, (into, at) => readSync(fd, into, 0, into.length, at)), size, writer, { ...options, source: options.source ?? path });
  } finally {
    closeSync(fd);
  }
}

/** The body of `parseEventFile` over the frames of a file of `size` bytes. */
function parseFrames(frames: Iterable<FrameEvent>, size: number, writer: StepWriter, options: EventFileOptions): void {
  const { source = '<bytes>', warnings } = options;
  writer.from(source);
  const plugins = new Map<string, string>();
  const badCrc = new OffsetIssues();
  const garbage = new OffsetIssues();
  const undecodable = new OffsetIssues();
  const nonFinite = new OffsetIssues();
  let records = 0;
  let skippedBytes = 0;
  for (const frame of frames) {
    if (frame.kind === 'truncated') {
      warnings?.warn(
        `${source}@${frame.offset}: last record cut short (${frame.bytes} bytes) ignored; the ${records} whole records before it were read`,
      );
    } else if (frame.kind === 'bad-data-crc') badCrc.add(frame.offset);
    else if (frame.kind === 'garbage') {
      if (frame.offset === 0 && frame.bytes === size) {
        inputError('not a TensorBoard event file (no record with a valid checksum)', { file: source, offset: 0 });
      }
      garbage.add(frame.offset);
      skippedBytes += frame.bytes;
    } else {
      records++;
      let event;
      try {
        event = decodeEvent(frame.data, plugins);
      } catch (error) {
        undecodable.add(frame.offset, (error as Error).message);
        continue;
      }
      // An event is a record of its step once it has a finite value (the writer drops tags its filter does not
      // keep; they still make the step, so steps do not depend on the filter).
      let recorded = false;
      for (const { tag, value } of event.scalars) {
        if (!Number.isFinite(value)) nonFinite.add(frame.offset, `${tag} at step ${event.step}`);
        else {
          if (!recorded) writer.record(event.step, frame.offset);
          recorded = true;
          writer.set(tag, value);
        }
      }
    }
  }
  badCrc.report(warnings, source, 'records with a bad data checksum skipped');
  garbage.report(warnings, source, `corrupt stretches (${skippedBytes} bytes in all) skipped`);
  undecodable.report(warnings, source, 'records that are not events skipped');
  nonFinite.report(warnings, source, 'non-finite values dropped');
}

/** Event files sort by the writer's start time (the number after `tfevents.`), then by name. */
function eventFileOrder(a: string, b: string): number {
  const time = (name: string) => Number(/tfevents\.(\d+)/.exec(name)?.[1] ?? 0);
  return time(a) - time(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The event files directly in a folder, oldest first. */
async function eventFilesIn(dir: string): Promise<string[]> {
  const entries = await io(dir, () => readdir(dir, { withFileTypes: true }));
  return entries
    .filter((e) => e.isFile() && EVENT_FILE.test(e.name))
    .map((e) => e.name)
    .sort(eventFileOrder);
}

/** Every folder under `dir` (itself included, up to `MAX_DEPTH` levels) that holds event files. */
async function runFolders(dir: string, depth = 0): Promise<string[]> {
  const files = await eventFilesIn(dir);
  if (files.length > 0) return [dir];
  if (depth >= MAX_DEPTH) return [];
  const entries = await io(dir, () => readdir(dir, { withFileTypes: true }));
  const subdirs = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const found: string[] = [];
  for (const name of subdirs) found.push(...(await runFolders(join(dir, name), depth + 1)));
  return found;
}

/** Every folder below `dir` (not itself, up to `MAX_DEPTH` levels) that holds event files, as paths relative to it. */
async function eventFoldersBelow(dir: string, prefix = '', depth = 0): Promise<string[]> {
  if (depth >= MAX_DEPTH) return [];
  const entries = await readdir(join(dir, prefix), { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const name of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if ((await eventFilesIn(join(dir, rel))).length > 0) found.push(rel);
    found.push(...(await eventFoldersBelow(dir, rel, depth + 1)));
  }
  return found;
}

/**
 * The key an `add_scalars(main_tag, {tag: value})` value gets, `<main_tag>/<tag>`, from the tag it was
 * written under (`main_tag`) and its folder below the run folder: tensorboardX writes `<main_tag>/<tag>/`,
 * torch `<main_tag with / as _>_<tag>/`. `undefined` when the folder is not such a sub-folder of that tag.
 */
function addScalarsKey(folder: string, tag: string): string | undefined {
  if (folder.startsWith(`${tag}/`) && folder.length > tag.length + 1) return folder;
  const torch = `${tag.replaceAll('/', '_')}_`;
  if (folder.startsWith(torch) && folder.length > torch.length && !folder.includes('/')) return `${tag}/${folder.slice(torch.length)}`;
  return undefined;
}

/**
 * Reads the `add_scalars` sub-folders of a run folder into its writer: a sub-folder all of whose tags fit
 * its name (see `addScalarsKey`) is part of the run. Other sub-folders (runs of their own, written below
 * another) are left alone. A sub-folder's own resumed steps are warned about by its own writer; its values
 * join the run's as a second stream of the same steps, not counted as rewritten or out of order.
 */
async function readAddScalars(dir: string, writer: StepWriter, warnings?: Warnings): Promise<void> {
  for (const folder of await eventFoldersBelow(dir)) {
    const subWriter = eventWriter(join(dir, folder));
    for (const name of await eventFilesIn(join(dir, folder))) {
      const file = join(dir, folder, name);
      await io(file, async () => readEventFile(file, subWriter, { source: file, warnings }));
    }
    const sub = subWriter.run(folder, join(dir, folder), 'tensorboard').steps;
    const keys = new Map<string, string | undefined>();
    for (const metrics of sub.values()) for (const tag of metrics.keys()) if (!keys.has(tag)) keys.set(tag, addScalarsKey(folder, tag));
    if (keys.size === 0 || [...keys.values()].some((k) => k === undefined)) continue;
    subWriter.report(warnings);
    writer.from(join(dir, folder));
    for (const [step, metrics] of sub) {
      writer.record(step, 0, true);
      for (const [tag, value] of metrics) writer.set(keys.get(tag)!, value);
    }
  }
}

/**
 * Reads event files, oldest first, into one run: a restarted run's later file wins where steps overlap, and
 * the steps it writes again are counted in one warning naming that file. With `dir` (a run folder), its
 * `add_scalars` sub-folders are read into the run too.
 */
async function readRun(files: string[], id: string, source: string, warnings?: Warnings, keep?: KeyFilter, dir?: string): Promise<RawRun> {
  const writer = eventWriter(source, keep);
  for (const file of files) await io(file, async () => readEventFile(file, writer, { source: file, warnings }));
  if (dir !== undefined) await readAddScalars(dir, writer, warnings);
  writer.report(warnings);
  return writer.run(id, source, 'tensorboard');
}

/** Options of `loadTensorBoard`. */
export interface TensorBoardOptions {
  /** Run id, used when the input holds one run. Default: the run folder's name (its path below the input for several). */
  id?: string;
  /** Collects warnings. Default: none. */
  warnings?: Warnings;
  /** Keeps only the tags it has (see `KeyFilter`), so a large file costs little memory. Default: every tag. */
  keep?: KeyFilter;
}

/**
 * Reads a TensorBoard event file, a run folder (all its event files merged, oldest first, so a restart's
 * values win) or a log folder with run folders below it (one run each, named by their path below it). The
 * search stops at the first folder with event files on each path; the sub-folders `add_scalars` makes inside
 * a run folder (torch: `<main_tag>_<tag>/`, tensorboardX: `<main_tag>/<tag>/`) are read into that run as
 * `<main_tag>/<tag>`. Each event file is streamed in chunks. Throws an `InputError` when a folder holds no
 * event file.
 *
 * @example
 * (await loadTensorBoard('tensorboard_log/proj/exp1')).map((r) => r.id) // => ['exp1']
 */
export async function loadTensorBoard(path: string, options: TensorBoardOptions = {}): Promise<RawRun[]> {
  const { id, warnings, keep } = options;
  if (!(await io(path, () => stat(path))).isDirectory()) return [await readRun([path], id ?? nameFromFolder(path), path, warnings, keep)];
  const folders = await runFolders(path);
  if (folders.length === 0) inputError('no TensorBoard event files (events.out.tfevents.*) found', { file: path });
  const runs: RawRun[] = [];
  for (const folder of folders) {
    const files = (await eventFilesIn(folder)).map((name) => join(folder, name));
    const name = folder === path ? runIdFromPath(path) : relative(path, folder).split('\\').join('/');
    runs.push(await readRun(files, folders.length === 1 && id !== undefined ? id : name, folder, warnings, keep, folder));
  }
  return runs;
}

/** The TensorBoard reader: an event file (by its first record's checksum, or its name) or a folder with event files. */
export const tensorboardReader: FormatReader = {
  format: 'tensorboard',
  label: 'a TensorBoard event file or run folder',
  async sniff({ path, isDirectory, head }) {
    // A file named as an event file is one even when its first record is damaged: the reader skips to the next.
    if (!isDirectory) return startsWithRecord(head) || EVENT_FILE.test(basename(path));
    try {
      return (await runFolders(path)).length > 0;
    } catch {
      return false;
    }
  },
  load: (path, { id, warnings, keep }) => loadTensorBoard(path, { id, warnings, keep }),
};
