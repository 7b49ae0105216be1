/**
 * A small CSV dialect reader/writer (RFC 4180): fields separated by one delimiter, optionally double-quoted,
 * `""` for a quote inside quotes, and newlines allowed inside quotes. Line-oriented: a record is parsed one
 * line at a time, and an unterminated quote asks for the next line.
 */

/** The delimiters recognised in plain tables, in order of preference when counts tie. */
export const DELIMITERS = [',', '\t', ';'] as const;

/**
 * One parsed line: its fields, or why not: a quoted field that runs past the end of the line (it may go on in
 * the next one), or text between a closing quote and the next delimiter (a stray quote).
 */
export type CsvLine = { ok: true; fields: string[] } | { ok: false; reason: 'unterminated quote' | 'text after a closing quote' };

/**
 * Splits one CSV line (or several joined with `\n` when a quoted field spans lines) into fields.
 *
 * @example
 * parseCsvLine('a,"b ""c""",d', ',') // => { ok: true, fields: ['a', 'b "c"', 'd'] }
 */
export function parseCsvLine(line: string, delimiter: string): CsvLine {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < line.length) {
    const c = line[i];
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        const next = line[i + 1];
        if (next !== undefined && next !== delimiter) return { ok: false, reason: 'text after a closing quote' };
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field.trim() === '') {
      // A quote opens a quoted field only at its start (spaces before it are dropped, as most readers do).
      quoted = true;
      field = '';
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else field += c;
    i++;
  }
  if (quoted) return { ok: false, reason: 'unterminated quote' };
  fields.push(field);
  return { ok: true, fields };
}

/** A record and the 1-based line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** The most lines one quoted field may span; past it the opening quote is taken as a stray one. */
export const MAX_RECORD_LINES = 10_000;

/**
 * Reads records from lines, joining lines while a quoted field is open. Blank lines are skipped. A quote that
 * never closes (within `MAX_RECORD_LINES`) yields a record with `fields: undefined` for its line, so the caller
 * can count it, and reading goes on with the next line: one stray quote costs one row, not the rest of the file.
 * With `fieldCount` (the header's), a record spanning lines must have that many fields, or its opening quote
 * is taken as a stray one too.
 * Cost: linear in the text, since a joined record is parsed again only when a new line brings a quote.
 *
 * @example
 * [...csvRecords(['a,b', '"x', 'y",2'], ',')].map((r) => r.fields) // => [['a', 'b'], ['x\ny', '2']]
 */
export function* csvRecords(
  lines: string[],
  delimiter: string,
  start = 0,
  fieldCount?: number,
): Generator<CsvRecord | { fields: undefined; line: number }> {
  for (let i = start; i < lines.length; i++) {
    let parsed = parseCsvLine(lines[i], delimiter);
    let end = i;
    if (!parsed.ok) {
      let text = lines[i];
      const last = Math.min(lines.length - 1, i + MAX_RECORD_LINES - 1);
      while (!parsed.ok && parsed.reason === 'unterminated quote' && end < last) {
        text += '\n' + lines[++end];
        // Without a quote in the new line the open field stays open; no need to parse again.
        if (lines[end].includes('"')) parsed = parseCsvLine(text, delimiter);
      }
    }
    // A record spanning lines with the wrong number of fields is a stray quote that met another one later.
    if (!parsed.ok || (end > i && fieldCount !== undefined && parsed.fields.length !== fieldCount)) {
      yield { fields: undefined, line: i + 1 };
      continue;
    }
    const first = i;
    i = end;
    if (parsed.fields.length === 1 && parsed.fields[0].trim() === '') continue; // blank line
    yield { fields: parsed.fields, line: first + 1 };
  }
}

/**
 * Guesses the delimiter from a header line (and the next line, when given): the one that splits the header
 * into the most (at least 2) fields, and the next line into as many. `undefined` when none does.
 *
 * @example
 * detectDelimiter('step;entropy;acc', '1;0.5;0.2') // => ';'
 */
export function detectDelimiter(header: string, next?: string): string | undefined {
  let best: string | undefined;
  let bestCount = 1;
  for (const d of DELIMITERS) {
    const h = parseCsvLine(header, d);
    if (!h.ok || h.fields.length <= bestCount) continue;
    if (next !== undefined) {
      const n = parseCsvLine(next, d);
      // An unterminated quote can be a field spanning lines; only a complete line with another count rules out.
      if (n.ok && n.fields.length !== h.fields.length) continue;
    }
    best = d;
    bestCount = h.fields.length;
  }
  return best;
}

/**
 * Quotes a field when needed (delimiter, quote, newline, or edge spaces).
 *
 * @example
 * formatCsvField('a,b') // => '"a,b"'
 */
export function formatCsvField(value: string, delimiter = ','): string {
  if (value.includes(delimiter) || /["\r\n]/.test(value) || value.trim() !== value) {
    return `"${value.replaceAll('"', '""')}"`;
  }
  return value;
}
