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
