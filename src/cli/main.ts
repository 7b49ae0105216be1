import { Command, CommanderError } from 'commander';
import { InputError, UsageError } from '../index.ts';
import { registerAcross } from './commands/across.ts';
import { registerBacktest } from './commands/backtest.ts';
import { registerFit } from './commands/fit.ts';
import { registerForecast } from './commands/forecast.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerMethods } from './commands/methods.ts';
import { registerPredict } from './commands/predict.ts';
import { registerPretrain } from './commands/pretrain.ts';
import { registerReport } from './commands/report.ts';
import { registerTrain } from './commands/train.ts';
import { registerWatch } from './commands/watch.ts';
import { CliContext } from './context.ts';

/** Exit codes: 0 success, 1 unusable input, 2 bad usage, 70 an internal error (a bug). */
export const EXIT = { ok: 0, input: 1, usage: 2, internal: 70 } as const;

/**
 * Runs the CLI on `argv` (without the node and script names) and returns the exit code. Every failure is
 * one line on stderr, never a stack trace; warnings are printed once each, with their counts. `signal`
 * stops a long-running command (`watch`) as Ctrl-C does.
 */
export async function main(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(`${t}\n`),
  err: (text: string) => void = (t) => process.stderr.write(`${t}\n`),
  signal?: AbortSignal,
): Promise<number> {
  const ctx = new CliContext(out, err);
  const program = new Command('entropy-law')
    .description('Fit, forecast and report the entropy–performance law R = −a·exp(H) + b from RL training logs.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (t) => out(t.trimEnd()), writeErr: (t) => err(t.trimEnd()) })
    .showHelpAfterError('(run entropy-law --help for usage)');
  registerFit(program, ctx);
  registerPredict(program, ctx);
  registerForecast(program, ctx);
  registerBacktest(program, ctx);
  registerWatch(program, ctx, signal);
  registerAcross(program, ctx);
  registerMethods(program, ctx);
  registerReport(program, ctx);
  registerIngest(program, ctx);
  registerPretrain(program, ctx);
  registerTrain(program, ctx);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (t) => out(t.trimEnd()), writeErr: (t) => err(t.trimEnd()) });

  let code: number = EXIT.ok;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    code = exitCodeOf(error, err);
  }
  for (const w of ctx.warnings.list()) err(`warning: ${oneLine(w)}`);
  return code;
}

function exitCodeOf(error: unknown, err: (text: string) => void): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version are not failures.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) {
    err(`entropy-law: ${oneLine(error.message)}`);
    return EXIT.usage;
  }
  if (error instanceof InputError) {
    err(`entropy-law: ${oneLine(error.message)}`);
    return EXIT.input;
  }
  const io = ioFailure(error);
  if (io) {
    err(`entropy-law: ${oneLine(io)}`);
    return EXIT.input;
  }
  const message = error instanceof Error ? error.message : String(error);
  err(`entropy-law: internal error: ${oneLine(message)}`);
  return EXIT.internal;
}

/** Errors of the file system a user can fix (a path that is a directory, no permission, a full disk), as one sentence. */
function ioFailure(error: unknown): string | null {
  const e = error as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    EISDIR: 'is a directory',
    ENOTDIR: 'is inside something that is not a directory',
    ENOENT: 'does not exist',
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    EROFS: 'is on a read-only file system',
    ENOSPC: 'no space left on the device',
    EEXIST: 'already exists',
  };
  if (!(error instanceof Error) || typeof e.code !== 'string' || !(e.code in why) || typeof e.path !== 'string') return null;
  return `${e.path}: ${why[e.code]} (${e.code})`;
}

/** Keeps an error to one terminal line whatever a log put into it. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters from a log must not reach the terminal
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
}
