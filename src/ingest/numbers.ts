/**
 * Number parsing shared by the text readers. Strict on purpose: `Number()` would accept `''`, `'0x10'` and
 * `' 1 '`, and a log line that only looks numeric must count as malformed rather than become a wrong point.
 */

/** A decimal number as Python, C or JavaScript print it: `3`, `-0.5`, `.5`, `1e-06`, `2.`. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Spellings of the non-finite values in Python reprs, JSON dialects and CSV exports. */
const NON_FINITE: Record<string, number> = {
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/**
 * Parses one number written as text; `undefined` when the text is not a number at all.
 * Non-finite spellings (`nan`, `inf`, `-Infinity`, any case) come back as `NaN`/`±Infinity` so the caller
 * can count them separately from garbage.
 *
 * @example
 * parseNumberText('1e-06') // => 0.000001
 * parseNumberText('nan')   // => NaN
 * parseNumberText('abc')   // => undefined
 */
export function parseNumberText(text: string): number | undefined {
  const s = text.trim();
  if (DECIMAL.test(s)) return Number(s);
  const special = NON_FINITE[s.toLowerCase()];
  return special;
}

/** Matches numpy/torch scalar wrappers: `np.float64(0.5)`, `numpy.int64(3)`, `tensor(0.5, device='cuda:0')`. */
const WRAPPED = /^(?:(?:np|numpy)\.[A-Za-z_]\w*|torch\.tensor|tensor)\((.*)\)$/s;

/**
 * Parses a scalar as Python's `repr` prints it in a log: plain numbers, `nan`/`inf`, `True`/`False`
 * (Python bools are ints), and numpy/torch scalar wrappers such as `np.float64(0.52)` (numpy ≥ 2 repr)
 * or `tensor(0.5, device='cuda:0')`. `undefined` when it is none of these.
 *
 * @example
 * parsePythonScalar('np.float64(0.52)') // => 0.52
 * parsePythonScalar("tensor(0.5, device='cuda:0')") // => 0.5
 */
export function parsePythonScalar(text: string): number | undefined {
  const s = text.trim();
  const plain = parseNumberText(s);
  if (plain !== undefined) return plain;
  if (s === 'True') return 1;
  if (s === 'False') return 0;
  const m = WRAPPED.exec(s);
  if (!m) return undefined;
  // The first argument is the value; later ones are keyword arguments (dtype, device).
  const inner = m[1].split(',')[0];
  return parsePythonScalar(inner);
}
