/**
 * The readers of the trainer formats beyond verl's own logs and plain tables, gathered for detection and
 * loading. Each is recognised from content (or a folder's layout), never from a file extension.
 */
import { mlflowReader } from './mlflow.ts';
import { openRlhfConsoleReader } from './openrlhf-console.ts';
import type { FormatReader } from './reader.ts';
import { tensorboardReader } from './tensorboard.ts';
import { trlStateReader } from './trl-state.ts';
import { wandbExportReader, wandbHistoryReader } from './wandb.ts';

/**
 * The readers in the order detection should ask them: binary and folder formats first, then text formats
 * whose markers are specific (`log_history`, `Global step N: {`, `<run> - <metric>` headers, `_step`), all of
 * which should be tried before the generic JSONL and CSV readers, which would also accept the last two.
 *
 * @example
 * FORMAT_READERS.map((r) => r.format) // => ['tensorboard', 'mlflow', 'trl-state', 'openrlhf-console', 'wandb-export', 'wandb-history']
 */
export const FORMAT_READERS: readonly FormatReader[] = [
  tensorboardReader,
  mlflowReader,
  trlStateReader,
  openRlhfConsoleReader,
  wandbExportReader,
  wandbHistoryReader,
];
