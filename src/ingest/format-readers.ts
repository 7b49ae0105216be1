/**
 * The readers of the trainer formats beyond verl's own logs and plain tables, gathered for detection and
 * loading. Each is recognised from content (or a folder's layout), never from a file extension.
 */
import { mlflowReader } from './mlflow.ts';
import { mlflowSqliteReader } from './mlflow-sqlite.ts';
import { openRlhfConsoleReader } from './openrlhf-console.ts';
import { primeRlReader } from './prime-rl.ts';
import type { FormatReader } from './reader.ts';
import { rollConsoleReader } from './roll-console.ts';
import { tensorboardReader } from './tensorboard.ts';
import { trackioReader } from './trackio.ts';
import { trlStateReader } from './trl-state.ts';
import { wandbRunReader } from './wandb-run.ts';
import { wandbExportReader, wandbHistoryReader } from './wandb.ts';

/**
 * The readers in the order detection should ask them: binary and folder formats first (event files, W&B run
 * files by their header, SQLite stores by their tables: MLflow's before Trackio's), then text formats whose
 * markers are specific (`log_history`, `Global step N: {`, `metrics_tag: {`, `<run> - <metric>` headers,
 * `_step`, `{"step": N, "time": T`), all of which should be tried before the generic JSONL and CSV readers,
 * which would also accept the last three.
 *
 * @example
 * FORMAT_READERS.map((r) => r.format) // => ['tensorboard', 'wandb-run', 'mlflow-sqlite', 'trackio', 'mlflow', 'trl-state', 'openrlhf-console', 'roll-console', 'wandb-export', 'wandb-history', 'prime-rl']
 */
export const FORMAT_READERS: readonly FormatReader[] = [
  tensorboardReader,
  wandbRunReader,
  mlflowSqliteReader,
  trackioReader,
  mlflowReader,
  trlStateReader,
  openRlhfConsoleReader,
  rollConsoleReader,
  wandbExportReader,
  wandbHistoryReader,
  primeRlReader,
];
