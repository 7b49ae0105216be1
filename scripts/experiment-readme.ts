/**
 * The commands whose output README's "The recorded experiment" quotes, and that output: run
 * `node --import tsx scripts/experiment-readme.ts` to print the blocks README holds (after rerunning the
 * sweep, paste them in). test/experiment/readme-claims.test.ts runs the same commands on data/ and fails when
 * README's blocks, or the numbers its claims table quotes, differ from what they print.
 */
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.ts';

/** The GRPO-family runs the law is claimed for: plain PPO loss, no entropy bonus, three advantage estimators. */
export const LAW_RUNS = 'data/*-{grpo,rloo,reinforce++}-seed*/*.jsonl';

/** Each command as README writes it (`entropy-law …`), without the program name. */
export const EXPERIMENT_COMMANDS: readonly string[][] = [
  ['methods', 'data/'],
  ['fit', LAW_RUNS],
  ['predict', LAW_RUNS],
  ['fit', LAW_RUNS, '--law', 'entropy-exp,entropy-linear'],
  ['across', LAW_RUNS],
];

/** How README shows a command: as a user types it, the glob quoted. */
export function commandLine(argv: readonly string[]): string {
  return ['entropy-law', ...argv.map((a) => (/[*{}]/.test(a) ? `'${a}'` : a))].join(' ');
}

/** What a command prints on stdout, run in process from the repository root (`root`). */
export async function commandOutput(argv: readonly string[], root: string): Promise<string> {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const out: string[] = [];
    const code = await main([...argv, '--no-progress'], (t) => out.push(t), () => {});
    if (code !== 0) throw new Error(`${commandLine(argv)} exited with ${code}`);
    return out.join('\n');
  } finally {
    process.chdir(cwd);
  }
}

/** README's block for one command: the command line, then its output. */
export function block(argv: readonly string[], output: string): string {
  return `$ ${commandLine(argv)}\n${output}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const argv of EXPERIMENT_COMMANDS) console.log(`\`\`\`\n${block(argv, await commandOutput(argv, root))}\n\`\`\`\n`);
}
