/**
 * A warning collector that counts repeats instead of printing them again (Observable Plot's `warn`).
 * Readers report each bad line through it; the CLI prints one line per distinct message with its count.
 */
export class Warnings {
  private readonly counts = new Map<string, number>();

  /** Records a warning; the same message again only raises its count. */
  warn(message: string, count = 1): void {
    this.counts.set(message, (this.counts.get(message) ?? 0) + count);
  }

  /** Adds every warning of another collector. */
  merge(other: Warnings): void {
    for (const [m, c] of other.counts) this.warn(m, c);
  }

  get size(): number {
    return this.counts.size;
  }

  /** One line per distinct message, with `(×N)` where it repeated. */
  list(): string[] {
    return [...this.counts].map(([m, c]) => (c > 1 ? `${m} (×${c})` : m));
  }
}
