/**
 * Packing the charts' data for the page. Each chart's inline `data.values` moves into one shared pool of
 * datasets, stored by column and with equal datasets kept once (a run's points feed two charts), and the
 * spec then names its data (`data: { name }`, standard Vega-Lite). Non-integer numbers are rounded to
 * `digits` significant digits: far below a pixel and below the 4 decimals tooltips show, and it makes a
 * 500-run page several times smaller, which is most of its load time. The spec builders themselves
 * return exact values; only the page is rounded.
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
 * shared pool, by column, rounded, equal datasets stored once. The specs are not modified.
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
  return { charts, datasets };
}

/**
 * The inverse of the page's packing for one chart: its spec with the datasets it names attached as
 * Vega-Lite `datasets` (rows again). The page's script does the same in the browser.
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
  return { ...chart.spec, datasets };
}
