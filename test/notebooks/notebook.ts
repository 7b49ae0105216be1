// Reading the notebooks in notebooks/ (nbformat 4 JSON) for the tests: their cells, their outputs, and
// their code as one TypeScript module per notebook, the way Deno's kernel runs it (the cells share one scope).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const NOTEBOOK_DIR = join(ROOT, 'notebooks');

/** One output of a code cell, as nbformat stores it. */
export interface Output {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error';
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

/** One cell, as nbformat stores it. */
export interface Cell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  execution_count?: number | null;
  outputs?: Output[];
  metadata?: Record<string, unknown>;
}

export interface Notebook {
  cells: Cell[];
  metadata: { kernelspec?: { name?: string; language?: string } } & Record<string, unknown>;
  nbformat: number;
}

/** The notebooks' file names, in order. */
export function notebookFiles(): string[] {
  return readdirSync(NOTEBOOK_DIR).filter((f) => f.endsWith('.ipynb')).sort();
}

export function readNotebook(path: string): Notebook {
  return JSON.parse(readFileSync(path, 'utf8')) as Notebook;
}

export const sourceOf = (cell: Cell): string => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

/** "cell 3 (`const runs = analyzeDataset(…`)": how a failure names a cell (1-based, counting every cell). */
export function cellName(nb: Notebook, index: number): string {
  const first = sourceOf(nb.cells[index]).split('\n').find((l) => l.trim() && !l.trim().startsWith('//'))?.trim() ?? '';
  return `cell ${index + 1} (\`${first.length > 60 ? `${first.slice(0, 57)}…` : first}\`)`;
}

/**
 * The notebook's code cells as one module, each cell after a comment naming it, and a function from a
 * line of the module (0-based) to the cell it came from (0-based index among all cells) and the line in it.
 */
export function codeModule(nb: Notebook): { text: string; locate: (line: number) => { cell: number; line: number } } {
  const parts: string[] = [];
  const starts: { line: number; cell: number }[] = [];
  let line = 0;
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    const body = `// cell ${i + 1}\n${sourceOf(cell)}\n`;
    starts.push({ line, cell: i });
    parts.push(body);
    line += body.split('\n').length - 1;
  });
  const locate = (at: number) => {
    const start = [...starts].reverse().find((s) => s.line <= at) ?? { line: 0, cell: 0 };
    return { cell: start.cell, line: at - start.line - 1 };
  };
  return { text: parts.join(''), locate };
}

/** What Deno's kernel adds to the globals that the notebooks use (the kernel gives `Deno.jupyter`). */
export const DENO_JUPYTER_DECLARATIONS = `
declare namespace Deno {
  namespace jupyter {
    /** Publishes a display; with raw, obj is the MIME bundle itself. */
    function display(obj: unknown, options?: { raw?: boolean; update?: boolean; display_id?: string }): Promise<void>;
  }
}
`;
