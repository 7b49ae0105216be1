/**
 * The few TensorFlow protobuf messages a scalar reader needs from an event file (`tensorflow/core/util/
 * event.proto`, `framework/summary.proto`, `framework/tensor.proto`), defined with protobufjs' reflection
 * API. Only the fields used here are declared; protobufjs skips the others (graphs, images, histograms)
 * by their wire type without decoding them.
 */
import protobuf from 'protobufjs';

const { Field, OneOf, Root, Type } = protobuf;

const root = new Root();
const ns = root.define('tensorboard');
ns.add(new Type('Dim').add(new Field('size', 1, 'int64')));
ns.add(new Type('TensorShapeProto').add(new Field('dim', 2, 'Dim', 'repeated')));
ns.add(
  new Type('TensorProto')
    .add(new Field('dtype', 1, 'int32'))
    .add(new Field('tensorShape', 2, 'TensorShapeProto'))
    .add(new Field('tensorContent', 4, 'bytes'))
    .add(new Field('floatVal', 5, 'float', 'repeated'))
    .add(new Field('doubleVal', 6, 'double', 'repeated')),
);
ns.add(new Type('PluginData').add(new Field('pluginName', 1, 'string')));
ns.add(new Type('SummaryMetadata').add(new Field('pluginData', 1, 'PluginData')));
ns.add(
  new Type('Value')
    .add(new Field('tag', 1, 'string'))
    .add(new Field('simpleValue', 2, 'float'))
    .add(new Field('tensor', 8, 'TensorProto'))
    .add(new Field('metadata', 9, 'SummaryMetadata'))
    .add(new OneOf('kind', ['simpleValue', 'tensor'])),
);
ns.add(new Type('Summary').add(new Field('value', 1, 'Value', 'repeated')));
ns.add(
  new Type('Event')
    .add(new Field('wallTime', 1, 'double'))
    .add(new Field('step', 2, 'int64'))
    .add(new Field('summary', 5, 'Summary')),
);
root.resolveAll();
const EventType = root.lookupType('tensorboard.Event');

/** TensorFlow's `DataType` codes for the element types read here. */
const DT_FLOAT = 1;
const DT_DOUBLE = 2;

interface Int64 {
  toNumber(): number;
}
interface TensorMessage {
  dtype: number;
  tensorShape?: { dim: Array<{ size: number | Int64 }> } | null;
  tensorContent: Uint8Array;
  floatVal: number[];
  doubleVal: number[];
}
interface ValueMessage {
  tag: string;
  kind?: 'simpleValue' | 'tensor';
  simpleValue: number;
  tensor?: TensorMessage | null;
  metadata?: { pluginData?: { pluginName: string } | null } | null;
}
interface EventMessage {
  wallTime: number;
  step: number | Int64;
  summary?: { value: ValueMessage[] } | null;
}

/** int64 fields come back as `Long` objects; steps and sizes fit a double. */
function int64(v: number | Int64): number {
  return typeof v === 'number' ? v : v.toNumber();
}

/** One summary value of an event that holds a single number. */
export interface TaggedScalar {
  tag: string;
  value: number;
}

/** What `decodeEvent` returns: the step and its scalar values (non-finite ones included). */
export interface DecodedEvent {
  step: number;
  wallTime: number;
  scalars: TaggedScalar[];
}

/**
 * The single number a tensor holds, or `undefined` when it holds several (histograms), none, or a type
 * other than float/double (strings, ints). Reads `float_val`/`double_val` (torch `new_style`, tensorboard's
 * own writer) and raw little-endian `tensor_content` (TF2).
 *
 * @example
 * tensorScalar({ dtype: 2, tensorShape: { dim: [] }, tensorContent: new Uint8Array(0), floatVal: [], doubleVal: [0.5] }) // => 0.5
 */
export function tensorScalar(t: TensorMessage): number | undefined {
  let size = 1;
  for (const d of t.tensorShape?.dim ?? []) size *= int64(d.size);
  // TensorFlow writes a tensor of equal values as one `float_val`, so a shape check is what tells a scalar.
  if (size !== 1) return undefined;
  // protobufjs leaves an absent bytes field as its (possibly array) default.
  const content = t.tensorContent instanceof Uint8Array ? t.tensorContent : new Uint8Array(0);
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  if (t.dtype === DT_FLOAT) {
    if (t.floatVal.length > 0) return t.floatVal[0];
    return content.byteLength === 4 ? view.getFloat32(0, true) : undefined;
  }
  if (t.dtype === DT_DOUBLE) {
    if (t.doubleVal.length > 0) return t.doubleVal[0];
    return content.byteLength === 8 ? view.getFloat64(0, true) : undefined;
  }
  return undefined;
}

/**
 * Decodes one event record and returns its scalar summary values. `plugins` remembers each tag's plugin
 * name, which writers attach only to a tag's first value: a tensor value counts as a scalar when its tag
 * belongs to the `scalars` plugin or to none. Throws (a protobufjs error) when the bytes are not an Event.
 *
 * @example
 * decodeEvent(recordData, new Map()) // => { step: 3, wallTime: 1700000000.5, scalars: [{ tag: 'actor/entropy', value: 0.5 }] }
 */
export function decodeEvent(data: Uint8Array, plugins: Map<string, string>): DecodedEvent {
  const event = EventType.decode(data) as unknown as EventMessage;
  const scalars: TaggedScalar[] = [];
  for (const v of event.summary?.value ?? []) {
    const plugin = v.metadata?.pluginData?.pluginName;
    if (plugin) plugins.set(v.tag, plugin);
    if (v.kind === 'simpleValue') scalars.push({ tag: v.tag, value: v.simpleValue });
    else if (v.kind === 'tensor' && v.tensor) {
      const known = plugins.get(v.tag);
      if (known !== undefined && known !== 'scalars') continue;
      const value = tensorScalar(v.tensor);
      if (value !== undefined) scalars.push({ tag: v.tag, value });
    }
  }
  return { step: int64(event.step), wallTime: event.wallTime, scalars };
}
