import { main } from '../../src/cli/main.ts';

/** What one in-process run of the CLI returned and printed. */
export interface CliResult {
  code: number;
  /** Every line written to stdout, in order (also `stdout`, joined). */
  out: string[];
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in process, as `entropy-law <argv...>` would, collecting what it prints. `out` receives
 * stdout lines as they are written (a test can watch a long-running `watch` through it); `signal` stops it.
 */
export async function runCli(argv: string[], options: { signal?: AbortSignal; out?: string[] } = {}): Promise<CliResult> {
  const { signal, out = [] } = options;
  const err: string[] = [];
  const code = await main(argv, (t) => out.push(t), (t) => err.push(t), signal);
  return { code, out, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** `runCli` with the arguments spread, for the common case. */
export const cli = (...argv: string[]): Promise<CliResult> => runCli(argv);
