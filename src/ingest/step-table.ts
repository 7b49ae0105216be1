/**
 * A run's steps in compact form: one row per step, its values side by side in one Float64Array and its keys
 * given by a shared "shape" (the keys in the order the row got them). A log writes the same keys at nearly
 * every step, so a few shapes serve every row and a value costs 8 bytes, where a map per step costs about
 * 60 bytes a value (on a 1 GiB JSONL history: 26 MB against 156 MB). `toMap` gives the usual
 * step → key → value maps.
 */

/** A set of keys in the order a row got them; the next shapes are found by key, so rows share them. */
interface Shape {
  id: number;
  keys: string[];
  /** Key → its place in a row's values. */
  index: Map<string, number>;
  /** The shape a row of this shape takes when it gets one more key. */
  next: Map<string, Shape>;
}

/** Above this many keys in all shapes together, the steps are not regular enough for a table (`set` says so). */
const MAX_SHAPE_KEYS = 1 << 16;

/**
 * The table: rows in the order their steps first came, each with its step, the offset of its values and its
 * shape. A row being written is the last in `values`, so its next key is appended; a row written again
 * later (a resumed run) is moved to the end first.
 *
 * @example
 * const t = new StepTable(); const r = t.add(5); t.set(r, 'h', 0.5); t.set(r, 'acc', 0.2);
 * t.toMap() // => Map { 5 => Map { 'h' => 0.5, 'acc' => 0.2 } }
 */
export class StepTable {
  private stepOf = new Float64Array(256);
  private offsetOf = new Float64Array(256);
  private shapeOf = new Uint32Array(256);
  private values = new Float64Array(1024);
  private used = 0;
  private rowCount = 0;
  private readonly shapes: Shape[] = [{ id: 0, keys: [], index: new Map(), next: new Map() }];
  private shapeKeys = 0;
  /** Step → row, made once the steps stop increasing (until then a binary search finds a row). */
  private rowOfStep: Map<number, number> | undefined;
  /** The value the last `set` that returned `'replaced'` replaced. */
  replacedValue = 0;

  /** The number of rows (distinct steps). */
  get size(): number {
    return this.rowCount;
  }

  /** The row of `step`, or -1. */
  find(step: number): number {
    if (this.rowOfStep) return this.rowOfStep.get(step) ?? -1;
    // The usual case, a step after all the others: no search.
    if (this.rowCount === 0 || step > this.stepOf[this.rowCount - 1]) return -1;
    const steps = this.stepOf;
    let lo = 0;
    let hi = this.rowCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = steps[mid];
      if (s === step) return mid;
      if (s < step) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Adds a row for `step`, which has none yet; returns it. */
  add(step: number): number {
    const row = this.rowCount++;
    if (row === this.stepOf.length) this.growRows();
    if (!this.rowOfStep && row > 0 && !(step > this.stepOf[row - 1])) {
      this.rowOfStep = new Map();
      for (let r = 0; r < row; r++) this.rowOfStep.set(this.stepOf[r], r);
    }
    this.rowOfStep?.set(step, row);
    this.stepOf[row] = step;
    this.offsetOf[row] = this.used;
    this.shapeOf[row] = 0;
    return row;
  }

  /**
   * Sets `key` of `row`. Returns `'new'`, `'replaced'` (the row had the key: its value is replaced), or
   * `'irregular'` when the rows' keys vary too much for a table; nothing is set then, and the caller
   * should go on with `toMap()`.
   */
  set(row: number, key: string, value: number): 'new' | 'replaced' | 'irregular' {
    const shape = this.shapes[this.shapeOf[row]];
    const offset = this.offsetOf[row];
    const at = shape.index.get(key);
    if (at !== undefined) {
      this.replacedValue = this.values[offset + at];
      this.values[offset + at] = value;
      return 'replaced';
    }
    let next = shape.next.get(key);
    if (!next) {
      if (this.shapeKeys + shape.keys.length + 1 > MAX_SHAPE_KEYS) return 'irregular';
      const keys = [...shape.keys, key];
      next = { id: this.shapes.length, keys, index: new Map(keys.map((k, i) => [k, i])), next: new Map() };
      this.shapeKeys += keys.length;
      shape.next.set(key, next);
      this.shapes.push(next);
    }
    const n = shape.keys.length;
    if (this.used + n + 1 > this.values.length) this.growValues(n + 1);
    if (offset + n !== this.used) {
      // Not the last row written: its values move to the end, where the new one can follow them.
      this.values.copyWithin(this.used, offset, offset + n);
      this.offsetOf[row] = this.used;
      this.used += n;
    }
    this.values[this.used++] = value;
    this.shapeOf[row] = next.id;
    return 'new';
  }

  /** Every key some row has, in the order the rows first had them. */
  keys(): Set<string> {
    const keys = new Set<string>();
    const seen = new Uint8Array(this.shapes.length);
    for (let r = 0; r < this.rowCount; r++) {
      const id = this.shapeOf[r];
      if (seen[id]) continue;
      seen[id] = 1;
      for (const key of this.shapes[id].keys) keys.add(key);
    }
    return keys;
  }

  /**
   * Calls `visit(step, get)` per row in row order, where `get(key)` is the row's value of `key` or undefined;
   * the lookup of a key is made once per shape, not per row.
   */
  forEachRow(keys: readonly string[], visit: (step: number, values: Array<number | undefined>) => void): void {
    const places = new Map<number, Array<number | undefined>>();
    const values: Array<number | undefined> = keys.map(() => undefined);
    for (let r = 0; r < this.rowCount; r++) {
      const id = this.shapeOf[r];
      let place = places.get(id);
      if (!place) places.set(id, (place = keys.map((k) => this.shapes[id].index.get(k))));
      const offset = this.offsetOf[r];
      for (let k = 0; k < keys.length; k++) values[k] = place[k] === undefined ? undefined : this.values[offset + place[k]!];
      visit(this.stepOf[r], values);
    }
  }

  /** The rows as step → key → value maps, steps in row order and keys in the order each row got them. */
  toMap(): Map<number, Map<string, number>> {
    const map = new Map<number, Map<string, number>>();
    for (let r = 0; r < this.rowCount; r++) {
      const keys = this.shapes[this.shapeOf[r]].keys;
      const offset = this.offsetOf[r];
      map.set(this.stepOf[r], new Map(keys.map((k, i) => [k, this.values[offset + i]])));
    }
    return map;
  }

  /** An independent copy (a run handed over while its log is still being read goes on without it). */
  clone(): StepTable {
    const copy = Object.create(StepTable.prototype) as StepTable;
    // A shape's keys and index never change once made; its links to the next shapes grow, so they are copied.
    const shapes: Shape[] = this.shapes.map((s) => ({ ...s, next: new Map() }));
    for (const s of this.shapes) for (const [key, next] of s.next) shapes[s.id].next.set(key, shapes[next.id]);
    Object.assign(copy, this, {
      stepOf: this.stepOf.slice(),
      offsetOf: this.offsetOf.slice(),
      shapeOf: this.shapeOf.slice(),
      values: this.values.slice(0, Math.max(this.used, 1)),
      shapes,
      rowOfStep: this.rowOfStep && new Map(this.rowOfStep),
    });
    return copy;
  }

  private growRows(): void {
    const size = 2 * this.stepOf.length;
    const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.stepOf = grow(this.stepOf, (n) => new Float64Array(n));
    this.offsetOf = grow(this.offsetOf, (n) => new Float64Array(n));
    this.shapeOf = grow(this.shapeOf, (n) => new Uint32Array(n));
  }

  private growValues(atLeast: number): void {
    const values = new Float64Array(Math.max(2 * this.values.length, this.used + atLeast));
    values.set(this.values.subarray(0, this.used));
    this.values = values;
  }
}
