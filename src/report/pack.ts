/**
 * Packing the charts' data for the page. Each chart's inline `data.values` moves into one shared pool of
 * datasets, stored by column and with equal datasets kept once (a run's points feed two charts), and the
 * spec then names its data (`data: { name }`, standard Vega-Lite). Non-integer numbers are rounded to
 * `digits` significant digits: far below a pixel and below the 4 decimals tooltips show, and it makes a
 * 500-run page several times smaller, which is most of its load time. The spec builders themselves
 * return exact values; only the page is rounded. Then the parts of specs that repeat (a run's chart is
 * the same spec as the next run's but for its data and domains) are stored once, in `shared`, and
 * referred to as `{ "$s": name }`; `expandShared` (and the page's script) puts them back.
 */

/** A dataset by column: `n` rows, each column an array of length `n`. */
export interface PackedDataset {
  n: number;
  c: Record<string, unknown[]>;
}

/** A chart as the page stores it: its spec with data by name, and the names it uses. */
export interface PackedChart {
  spec: object;
  data: string[];
}

/** What the page's data block carries. */
export interface PackedCharts {
  charts: Record<string, PackedChart>;
  datasets: Record<string, PackedDataset>;
  /** Parts of specs that occur more than once, by name (see `expandShared`). */
  shared: Record<string, unknown>;
}

/** Key of a reference to a shared part of a spec. */
export const SHARED_REF = '$s';

/** Parts of specs shorter than this (as JSON) stay where they are: a reference would not be much shorter. */
const MIN_SHARED = 48;

/**
 * Stores every part (object or array) of the given specs that occurs more than once and is at least
 * `MIN_SHARED` characters of JSON once, in a pool, and puts references in its place. Equal parts are found
 * by hash-consing: each distinct part gets a number, and a part's key is built from its children's numbers,
 * so the cost is linear in the size of the specs.
 */
function shareRepeats(specs: Record<string, unknown>): { specs: Record<string, unknown>; shared: Record<string, unknown> } {
  const ids = new Map<string, number>();
  const sizes: number[] = [];
  const counts: number[] = [];
  const idOf = new Map<object, number>();
  const visit = (node: unknown): { key: string; size: number } => {
    if (node === null || typeof node !== 'object') {
      const json = JSON.stringify(node) ?? 'null';
      return { key: json, size: json.length };
    }
    let key: string;
    let size = 2;
    if (Array.isArray(node)) {
      const parts = node.map(visit);
      key = `[${parts.map((p) => p.key).join(',')}]`;
      size += parts.reduce((t, p) => t + p.size + 1, 0);
    } else {
      const parts = Object.entries(node).map(([k, v]) => [k, visit(v)] as const);
      key = `{${parts.map(([k, p]) => `${JSON.stringify(k)}:${p.key}`).join(',')}}`;
      size += parts.reduce((t, [k, p]) => t + k.length + 3 + p.size + 1, 0);
    }
    let id = ids.get(key);
    if (id === undefined) {
      id = sizes.length;
      ids.set(key, id);
      sizes.push(size);
      counts.push(0);
    }
    counts[id]++;
    idOf.set(node, id);
    // The parent sees this part by its number: its own key stays short.
    return { key: `#${id}`, size };
  };
  for (const spec of Object.values(specs)) visit(spec);
  const shared: Record<string, unknown> = {};
  const names = new Map<number, string>();
  const emit = (node: unknown, top: boolean): unknown => {
    if (node === null || typeof node !== 'object') return node;
    const id = idOf.get(node) as number;
    if (!top && counts[id] > 1 && sizes[id] >= MIN_SHARED) {
      let name = names.get(id);
      if (name === undefined) {
        name = `s${names.size}`;
        names.set(id, name);
        shared[name] = copy(node);
      }
      return { [SHARED_REF]: name };
    }
    return copy(node);
  };
  const copy = (node: object): unknown =>
    Array.isArray(node) ? node.map((v) => emit(v, false)) : Object.fromEntries(Object.entries(node).map(([k, v]) => [k, emit(v, false)]));
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(specs)) out[k] = emit(spec, true);
  return { specs: out, shared };
}

/**
 * A spec with its shared parts put back (fresh objects for every use), the inverse of the page's packing
 * of repeated parts. The page's script does the same in the browser.
 *
 * @example
 * expandShared({ a: { $s: 's0' } }, { s0: { b: 1 } }); // => { a: { b: 1 } }
 */
export function expandShared(node: unknown, shared: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((v) => expandShared(v, shared));
  if (node === null || typeof node !== 'object') return node;
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === SHARED_REF) return expandShared(shared[(node as Record<string, string>)[SHARED_REF]], shared);
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, expandShared(v, shared)]));
}

/**
 * Rounds a non-integer to `digits` significant digits; integers (steps) and non-numbers pass unchanged.
 *
 * @example
 * roundValue(0.123456789, 4); // => 0.1235
 * roundValue(1234567, 4); // => 1234567
 */
export function roundValue(x: unknown, digits: number): unknown {
  return typeof x === 'number' && Number.isFinite(x) && !Number.isInteger(x) ? Number(x.toPrecision(digits)) : x;
}

function isRowArray(values: unknown): values is Record<string, unknown>[] {
  return Array.isArray(values) && values.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
}

/** Rows to columns (the columns are the union of the rows' keys; a missing value becomes null). */
function toColumns(rows: Record<string, unknown>[], digits: number): PackedDataset {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const c: Record<string, unknown[]> = {};
  for (const k of keys) c[k] = rows.map((r) => (k in r ? roundValue(r[k], digits) : null));
  return { n: rows.length, c };
}

/**
 * Moves every `data: { values: [...] }` of the given specs (at any depth: layers, concatenations) into a
 * pool of datasets, by column, rounded, equal datasets stored once; then stores the parts of the specs
 * that repeat once, in `shared`. The specs are not modified.
 *
 * @example
 * const { charts, datasets } = packCharts({ a: { data: { values: [{ x: 1 }] }, mark: 'point' } });
 * charts.a.spec; // => { data: { name: 'd0' }, mark: 'point' }
 * datasets.d0; // => { n: 1, c: { x: [1] } }
 */
export function packCharts(specs: Record<string, object>, digits = 6): PackedCharts {
  const datasets: Record<string, PackedDataset> = {};
  const byContent = new Map<string, string>();
  const charts: Record<string, PackedChart> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const used = new Set<string>();
    const walk = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(walk);
      if (node === null || typeof node !== 'object') return node;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        const values = (v as { values?: unknown } | null)?.values;
        if (k === 'data' && isRowArray(values) && Object.keys(v as object).length === 1) {
          const packed = toColumns(values, digits);
          const content = JSON.stringify(packed);
          let name = byContent.get(content);
          if (name === undefined) {
            name = `d${byContent.size}`;
            byContent.set(content, name);
            datasets[name] = packed;
          }
          used.add(name);
          out[k] = { name };
        } else out[k] = walk(v);
      }
      return out;
    };
    charts[key] = { spec: walk(spec) as object, data: [...used] };
  }
  const { specs: compact, shared } = shareRepeats(Object.fromEntries(Object.entries(charts).map(([k, c]) => [k, c.spec])));
  for (const k of Object.keys(charts)) charts[k].spec = compact[k] as object;
  return { charts, datasets, shared };
}

/**
 * The inverse of the page's packing for one chart: its spec with its shared parts put back and the
 * datasets it names attached as Vega-Lite `datasets` (rows again). The page's script does the same in
 * the browser.
 *
 * @example
 * unpackChart(packed, 'a'); // => { ...spec, datasets: { d0: [{ x: 1 }] } }
 */
export function unpackChart(packed: PackedCharts, key: string): object {
  const chart = packed.charts[key];
  const datasets: Record<string, Record<string, unknown>[]> = {};
  for (const name of chart.data) {
    const { n, c } = packed.datasets[name];
    datasets[name] = Array.from({ length: n }, (_, i) => Object.fromEntries(Object.keys(c).map((k) => [k, c[k][i]])));
  }
  return { ...(expandShared(chart.spec, packed.shared) as object), datasets };
}
