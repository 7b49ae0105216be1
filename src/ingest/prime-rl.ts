/**
 * prime-rl's local metrics file (PrimeIntellect-ai/prime-rl `src/prime_rl/monitors/file.py`, `FileMonitor`):
 * `<output_dir>/metrics.jsonl`, one `json.dumps({"step": step, "time": time.time(), **metrics})` line per
 * logged step, appended to (a resumed run adds its steps again). The trainer and the orchestrator each write
 * one in their own output folder: entropy (`entropy/all/mean`) is in the trainer's, rewards
 * (`train/agg/all/<agent>/reward/mean`) and evaluations (`eval/<env>/all/<agent>/avg@<k>`) in the
 * orchestrator's, so the two files are one run (`--join`). Non-finite values are dropped by the writer.
 */
import { jsonlTableParser } from './jsonl-table.ts';
import { readLineFile } from './line-stream.ts';
import { headText, io, nameFromFolder, type FormatReader } from './reader.ts';
import type { KeyFilter } from './step-writer.ts';

/** The start of every line prime-rl writes: `step`, then `time`, as `json.dumps` orders the dict. */
const LINE_START = /^\{"step": -?\d+(?:\.\d+)?, "time": \d/;

/** The prime-rl reader: JSONL whose first line starts `{"step": N, "time": T`. Runs are named by their folder. */
export const primeRlReader: FormatReader = {
  format: 'prime-rl',
  label: 'a prime-rl metrics.jsonl',
  sniff: ({ isDirectory, head }) => !isDirectory && LINE_START.test(headText(head).trimStart()),
  load: async (path, options) => {
    const { keep, onBytes } = options as { keep?: KeyFilter; onBytes?: (bytes: number) => void };
    const parser = jsonlTableParser({ id: options.id ?? nameFromFolder(path), source: path, step: 'step', keep, warnings: options.warnings });
    const runs = await io(path, () => readLineFile(path, parser, { onBytes, warnings: options.warnings }));
    for (const run of runs) run.format = 'prime-rl';
    return runs;
  },
};
