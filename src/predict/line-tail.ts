import { open } from 'node:fs/promises';

/** What one read of a growing file gave. */
export interface TailChunk {
  /** Complete lines (each was ended by `\n`; the `\n` and a `\r` before it removed), oldest first. */
  lines: string[];
  /** True when the file shrank since the last read (rewritten, e.g. a resumed run): start over. */
  reset: boolean;
}

/**
 * Follows a file that another process is appending to, returning only *complete* lines: bytes after the
 * last `\n` are held back until their line ends, so a half-written line is never read as data. Works on
 * bytes, so a multi-byte UTF-8 character split across two writes is decoded whole. A file that shrinks is
 * treated as rewritten from the start. A missing file reads as empty (the run may not have started).
 */
export class LineTail {
  private offset = 0;
  private pending: Buffer = Buffer.alloc(0);
  private readonly decoder = new TextDecoder('utf-8');

  constructor(readonly path: string) {}

  /**
   * Reads what was appended since the last call. Cost: the new bytes.
   * @example await new LineTail('run.log').read() // => { lines: ['step:1 - a:1'], reset: false }
   */
  async read(): Promise<TailChunk> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], reset: false };
      throw error;
    }
    try {
      const { size } = await handle.stat();
      let reset = false;
      if (size < this.offset) {
        this.offset = 0;
        this.pending = Buffer.alloc(0);
        reset = true;
      }
      if (size === this.offset) return { lines: [], reset };
      const fresh = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(fresh, 0, fresh.length, this.offset);
      this.offset += bytesRead;
      const bytes = Buffer.concat([this.pending, fresh.subarray(0, bytesRead)]);
      const end = bytes.lastIndexOf(0x0a);
      if (end < 0) {
        this.pending = bytes;
        return { lines: [], reset };
      }
      this.pending = Buffer.from(bytes.subarray(end + 1));
      const lines = this.decoder.decode(bytes.subarray(0, end)).split('\n');
      for (let i = 0; i < lines.length; i++) if (lines[i].endsWith('\r')) lines[i] = lines[i].slice(0, -1);
      return { lines, reset };
    } finally {
      await handle.close();
    }
  }
}
