import { InputError, Warnings, type RunAnalysis } from '../index.ts';

/** Where a command writes, and the warnings it collects; one per CLI invocation. */
export class CliContext {
  readonly warnings = new Warnings();
  constructor(
    readonly out: (text: string) => void,
    readonly err: (text: string) => void,
  ) {}

  /** Fails the command with exit 1 and a one-line message. */
  failInput(message: string): never {
    throw new InputError(message);
  }

  /** Fails the command (exit 1) when no run could be fit: some output is only useful with one. */
  requireSomeFit(runs: readonly RunAnalysis[]): void {
    if (!runs.some((r) => r.fit)) {
      const reasons = [...new Set(runs.map((r) => r.error).filter(Boolean))].join('; ');
      throw new InputError(`no run could be fit${reasons ? `: ${reasons}` : ''}`);
    }
  }
}
