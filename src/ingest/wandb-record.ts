/**
 * The few messages of W&B's `Record` protobuf (wandb/wandb `wandb/proto/wandb_internal.proto`, as wandb 0.30
 * ships it) that a metrics reader needs, defined with protobufjs' reflection API like `tf-event.ts`. Field
 * numbers: Record `num`=1, `history`=2, `config`=5, `metric`=12, `run`=17; HistoryRecord `item`=1, `step`=2;
 * HistoryItem / ConfigItem `key`=1, `nested_key`=2, `value_json`=16; HistoryStep `num`=1; ConfigRecord
 * `update`=1; RunRecord `run_id`=1, `project`=3, `config`=4, `display_name`=8; MetricRecord `name`=1,
 * `glob_name`=2, `step_metric`=4. Every other record type (output, stats, files, telemetry, …) is skipped
 * by its wire type without being decoded.
 */
import protobuf from 'protobufjs';

const { Field, Root, Type } = protobuf;

const root = new Root();
const ns = root.define('wandb');
const item = (name: string) =>
  new Type(name).add(new Field('key', 1, 'string')).add(new Field('nestedKey', 2, 'string', 'repeated')).add(new Field('valueJson', 16, 'string'));
ns.add(item('HistoryItem'));
ns.add(item('ConfigItem'));
ns.add(new Type('HistoryStep').add(new Field('num', 1, 'int64')));
ns.add(new Type('HistoryRecord').add(new Field('item', 1, 'HistoryItem', 'repeated')).add(new Field('step', 2, 'HistoryStep')));
ns.add(new Type('ConfigRecord').add(new Field('update', 1, 'ConfigItem', 'repeated')));
ns.add(
  new Type('RunRecord')
    .add(new Field('runId', 1, 'string'))
    .add(new Field('project', 3, 'string'))
    .add(new Field('config', 4, 'ConfigRecord'))
    .add(new Field('displayName', 8, 'string')),
);
ns.add(new Type('MetricRecord').add(new Field('name', 1, 'string')).add(new Field('globName', 2, 'string')).add(new Field('stepMetric', 4, 'string')));
ns.add(
  new Type('Record')
    .add(new Field('num', 1, 'int64'))
    .add(new Field('history', 2, 'HistoryRecord'))
    .add(new Field('config', 5, 'ConfigRecord'))
    .add(new Field('metric', 12, 'MetricRecord'))
    .add(new Field('run', 17, 'RunRecord')),
);
root.resolveAll();
const RecordType = root.lookupType('wandb.Record');

interface Int64 {
  toNumber(): number;
}

/** A history or config item: its key path and its value as JSON text. */
export interface WandbItem {
  key: string;
  nestedKey: string[];
  valueJson: string;
}

/** The parts of a decoded `Record` this reader uses; absent parts are `null` or missing. */
export interface WandbRecord {
  history?: { item: WandbItem[]; step?: { num: number | Int64 } | null } | null;
  config?: { update: WandbItem[] } | null;
  metric?: { name: string; globName: string; stepMetric: string } | null;
  run?: { runId: string; project: string; displayName: string; config?: { update: WandbItem[] } | null } | null;
}

/**
 * Decodes one record's bytes. Throws (a protobufjs error) when they are not a `Record`.
 *
 * @example
 * decodeWandbRecord(bytes).history?.item[0] // => { key: 'actor/entropy', nestedKey: [], valueJson: '0.5' }
 */
export function decodeWandbRecord(data: Uint8Array): WandbRecord {
  return RecordType.decode(data) as unknown as WandbRecord;
}

/** A history step (`int64`, a `Long` object from protobufjs when large) as a number. */
export function stepNumber(v: number | Int64): number {
  return typeof v === 'number' ? v : v.toNumber();
}

/** An item's key: its `nested_key` path joined with `/` when it has one, else `key`. */
export function itemKey(item: WandbItem): string {
  return item.nestedKey.length > 0 ? item.nestedKey.join('/') : item.key;
}

/**
 * The cursor of the hand decoder: `at` is where the last varint ended, `from`/`to` the bounds of the last
 * field skipped. Module state rather than returned tuples, since a large run file has tens of millions of
 * fields and a tuple per field is most of the decoding time.
 */
let at = 0;
let from = 0;
let to = 0;

/** Reads the varint at `p` (ending before `end`) and sets `at` past it; NaN when it is cut short. */
function varint(b: Uint8Array, p: number, end: number): number {
  let value = 0;
  let scale = 1;
  for (; p < end; p++) {
    const byte = b[p];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      at = p + 1;
      return value;
    }
    scale *= 128;
  }
  at = end + 1;
  return NaN;
}

/** Skips the field of wire type `wire` whose payload starts at `p`: sets `from`/`to` (its payload) and returns true, or false for a bad wire type or length. */
function skipField(b: Uint8Array, wire: number, p: number, end: number): boolean {
  if (wire === 0) {
    varint(b, p, end);
    from = p;
    to = at;
    return at <= end;
  }
  if (wire === 1 || wire === 5) {
    from = p;
    to = p + (wire === 1 ? 8 : 4);
    return to <= end;
  }
  if (wire !== 2) return false;
  const n = varint(b, p, end);
  from = at;
  to = at + n;
  return at <= end && to <= end;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
/** A string field's text (UTF-8; `undefined` when the bytes are not UTF-8). */
function text(b: Buffer, from: number, to: number): string | undefined {
  for (let i = from; i < to; i++) {
    if (b[i] >= 0x80) {
      try {
        return decoder.decode(b.subarray(from, to));
      } catch {
        return undefined;
      }
    }
  }
  return b.toString("latin1", from, to);
}

/** What `decodeHistory` gives for each item: its key, and where its `value_json` text is in the record. */
export type HistoryVisitor = (key: string, bytes: Buffer, valueFrom: number, valueTo: number) => void;

/**
 * Remembers the key of each item position of the last rows, by the item's key bytes: rows log the same
 * keys in the same order, so most keys are found here without decoding their bytes again.
 */
export class HistoryKeys {
  private readonly bytes: Buffer[] = [];
  private readonly keys: string[] = [];

  /** The key whose bytes are `b[from, to)` (the item's fields before `value_json`), at item position `i`. */
  key(i: number, b: Buffer, start: number, end: number): string | undefined {
    const cached = this.bytes[i];
    if (cached !== undefined && cached.length === end - start) {
      let same = true;
      for (let k = 0; k < cached.length; k++) {
        if (cached[k] !== b[start + k]) {
          same = false;
          break;
        }
      }
      if (same) return this.keys[i];
    }
    const key = itemKeyAt(b, start, end);
    if (key !== undefined) {
      this.bytes[i] = Buffer.from(b.subarray(start, end));
      this.keys[i] = key;
    }
    return key;
  }
}

/** The key of an item's key fields (`key` = 1, `nested_key` = 2…), as `itemKey` gives it. */
function itemKeyAt(b: Buffer, start: number, end: number): string | undefined {
  let key = '';
  const nested: string[] = [];
  for (let q = start; q < end; ) {
    const t = varint(b, q, end);
    if (!skipField(b, t & 7, at, end)) return undefined;
    q = to;
    if ((t & 7) !== 2) continue;
    const value = text(b, from, to);
    if (value === undefined) return undefined;
    if (t >>> 3 === 1) key = value;
    else if (t >>> 3 === 2) nested.push(value);
  }
  return nested.length > 0 ? nested.join('/') : key;
}

/**
 * The history row of a record, decoded by hand: the only record type there are many of, so worth not
 * building protobufjs' objects for (a 500 MB run file is ~360k rows of ~40 items). Calls `visit` per item
 * with its key and the bounds of its value's JSON text, so the caller decodes only the values it keeps.
 * Returns `undefined` when the record is not a history record (decode it with `decodeWandbRecord`), else
 * the row's `HistoryRecord.step` when it has one; throws when its bytes are not protobuf, as
 * `decodeWandbRecord` does.
 *
 * @example
 * decodeHistory(bytes, new HistoryKeys(), (key, b, from, to) => console.log(key, b.toString('latin1', from, to))) // logs '_step 3', …
 */
export function decodeHistory(b: Buffer, keys: HistoryKeys, visit: HistoryVisitor): { step?: number } | undefined {
  let historyFrom = -1;
  let historyTo = -1;
  for (let p = 0; p < b.length; ) {
    const tag = varint(b, p, b.length);
    if (!Number.isFinite(tag) || !skipField(b, tag & 7, at, b.length)) throw new Error(`bad protobuf field at byte ${p}`);
    const number = Math.floor(tag / 8);
    if (number === 2 && (tag & 7) === 2) {
      historyFrom = from;
      historyTo = to;
    } else if (number !== 1 && number !== 16 && number !== 19 && number !== 200) return undefined;
    p = to;
  }
  if (historyFrom < 0) return undefined;
  let step: number | undefined;
  let index = 0;
  for (let p = historyFrom; p < historyTo; ) {
    const tag = varint(b, p, historyTo);
    if (!skipField(b, tag & 7, at, historyTo)) throw new Error(`bad protobuf field at byte ${p}`);
    const itemFrom = from;
    const itemTo = to;
    p = itemTo;
    if (tag === ((1 << 3) | 2)) {
      // The key fields come first, then value_json (16): find where the value's field starts.
      let valueFrom = -1;
      let valueTo = -1;
      let keyEnd = itemTo;
      for (let q = itemFrom; q < itemTo; ) {
        const t = varint(b, q, itemTo);
        if (!skipField(b, t & 7, at, itemTo)) throw new Error(`bad protobuf field at byte ${q}`);
        if (t === ((16 << 3) | 2)) {
          keyEnd = Math.min(keyEnd, q);
          valueFrom = from;
          valueTo = to;
        }
        q = to;
      }
      const key = keys.key(index++, b, itemFrom, keyEnd);
      if (key === undefined) throw new Error(`invalid UTF-8 in a key at byte ${itemFrom}`);
      if (valueFrom >= 0) visit(key, b, valueFrom, valueTo);
    } else if (tag === ((2 << 3) | 2)) {
      const t = varint(b, itemFrom, itemTo);
      if (t === 8) step = varint(b, at, itemTo);
    }
  }
  return { step };
}
