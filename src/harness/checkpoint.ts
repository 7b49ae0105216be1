import { readFile, writeFile } from 'node:fs/promises';
import { inputError } from '../util/errors.ts';
import { resolveModelConfig, type ModelConfig } from './config.ts';
import { paramLayout } from './layout.ts';
import type { PolicyState } from './types.ts';

/**
 * Checkpoints in the safetensors format (huggingface/safetensors): an 8-byte little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian
 * data. Tensors are the parameters by name (`wte`, `h0.attn.wqkv`, …) and the AdamW moments as
 * `adam.m.<name>` and `adam.v.<name>`; `__metadata__` holds the model shape (`config`, JSON), the AdamW
 * step count (`step`) and any extra strings the caller adds (the task, say). Python's `safetensors`
 * library reads these files as they are.
 */

/** A loaded checkpoint. */
export interface Checkpoint {
  config: ModelConfig;
  state: PolicyState;
  metadata: Record<string, string>;
}

const FORMAT = 'entropy-law-policy';

/**
 * Serialises a policy's state.
 * @example
 * parseCheckpoint(encodeCheckpoint(cfg, state)).state.step === state.step // => true
 */
export function encodeCheckpoint(config: ModelConfig, state: PolicyState, extra: Record<string, string> = {}): Uint8Array {
  const L = paramLayout(config);
  const header: Record<string, unknown> = {
    __metadata__: { ...extra, format: FORMAT, config: JSON.stringify(config), step: String(state.step) },
  };
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const [prefix, source] of [['', state.params], ['adam.m.', state.m], ['adam.v.', state.v]] as const) {
    for (const s of L.slots) {
      header[prefix + s.name] = { dtype: 'F32', shape: s.shape, data_offsets: [offset, offset + 4 * s.size] };
      parts.push(source.subarray(s.offset, s.offset + s.size));
      offset += 4 * s.size;
    }
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // the format pads the header to 8 bytes with spaces
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++, at += 4) view.setFloat32(at, p[i], true);
  }
  return out;
}

/**
 * Reads a checkpoint written by `encodeCheckpoint`.
 * @throws InputError (naming `file` and the byte offset) for a truncated file, a bad header, a missing
 * or misshapen tensor, or a non-finite value.
 */
export function parseCheckpoint(bytes: Uint8Array, file = 'checkpoint'): Checkpoint {
  const fail = (message: string, offset?: number): never => inputError(message, { file, offset });
  if (bytes.length < 8) fail('too short for a safetensors header', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headLen = Number(view.getBigUint64(0, true));
  if (8 + headLen > bytes.length) fail(`header length ${headLen} runs past the end of the file`, 0);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & { __metadata__?: Record<string, string> };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headLen)));
  } catch (e) {
    return fail(`header is not JSON: ${(e as Error).message}`, 8);
  }
  const metadata = header.__metadata__ ?? {};
  if (metadata.format !== FORMAT) fail(`not a policy checkpoint (metadata format is ${JSON.stringify(metadata.format)})`, 8);
  let config: ModelConfig;
  try {
    config = resolveModelConfig(JSON.parse(metadata.config));
  } catch (e) {
    return fail(`bad model config in metadata: ${(e as Error).message}`, 8);
  }
  const L = paramLayout(config), base = 8 + headLen;
  const state: PolicyState = {
    params: new Float32Array(L.total), m: new Float32Array(L.total), v: new Float32Array(L.total), step: Number(metadata.step ?? 0),
  };
  if (!Number.isInteger(state.step) || state.step < 0) fail(`bad step in metadata: ${metadata.step}`, 8);
  for (const [prefix, target] of [['', state.params], ['adam.m.', state.m], ['adam.v.', state.v]] as const) {
    for (const s of L.slots) {
      const t = header[prefix + s.name];
      if (!t) fail(`missing tensor ${prefix + s.name}`, 8);
      if (t.dtype !== 'F32' || JSON.stringify(t.shape) !== JSON.stringify(s.shape)) {
        fail(`tensor ${prefix + s.name} is ${t.dtype} ${JSON.stringify(t.shape)}, expected F32 ${JSON.stringify(s.shape)}`, 8);
      }
      const [start, end] = t.data_offsets;
      if (end - start !== 4 * s.size || base + end > bytes.length) fail(`tensor ${prefix + s.name} has a bad byte range`, base + start);
      for (let i = 0; i < s.size; i++) {
        const x = view.getFloat32(base + start + 4 * i, true);
        if (!Number.isFinite(x)) fail(`tensor ${prefix + s.name} holds a non-finite value`, base + start + 4 * i);
        target[s.offset + i] = x;
      }
    }
  }
  return { config, state, metadata };
}

/** Writes a checkpoint file. */
export async function saveCheckpoint(path: string, config: ModelConfig, state: PolicyState, extra: Record<string, string> = {}): Promise<void> {
  await writeFile(path, encodeCheckpoint(config, state, extra));
}

/** Reads a checkpoint file. @throws InputError for an unreadable or malformed file. */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    return inputError(`cannot read checkpoint: ${(e as Error).message}`, { file: path }, e);
  }
  return parseCheckpoint(bytes, path);
}
