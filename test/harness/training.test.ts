import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError, UsageError } from '../../src/util/errors.ts';
import { CpuPolicy, encodeCheckpoint, loadCheckpoint, parseCheckpoint, pretrain } from '../../src/harness/index.ts';
import { learningRate } from '../../src/harness/pretrain.ts';
import { TINY, randomBatch, relativeError } from './fixtures.ts';

test('same seed, same CPU device: bit-identical weights after several steps', async () => {
  const run = async (seed: number) => {
    const p = new CpuPolicy(TINY, seed);
    for (let s = 0; s < 4; s++) await p.trainStep(randomBatch(TINY, 3, 7, 200 + s));
    return (await p.getState()).params;
  };
  const a = await run(5), b = await run(5), c = await run(6);
  assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer));
  assert.notDeepEqual(Buffer.from(a.buffer), Buffer.from(c.buffer));
});

test('a checkpoint round-trips weights, AdamW moments, step and metadata bit for bit', async () => {
  const p = new CpuPolicy(TINY, 1);
  await p.trainStep(randomBatch(TINY, 2, 5, 1));
  await p.trainStep(randomBatch(TINY, 2, 5, 2));
  const state = await p.getState();
  const back = parseCheckpoint(encodeCheckpoint(TINY, state, { task: 'add' }));
  assert.deepEqual(back.config, TINY);
  assert.equal(back.state.step, 2);
  assert.equal(back.metadata.task, 'add');
  for (const key of ['params', 'm', 'v'] as const) {
    for (const s of p.layout.slots) {
      assert.deepEqual(back.state[key].subarray(s.offset, s.offset + s.size), state[key].subarray(s.offset, s.offset + s.size), `${key} ${s.name}`);
    }
  }
  // A restored policy continues exactly as the original would.
  const q = new CpuPolicy(TINY, 99);
  await q.setState(back.state);
  const batch = randomBatch(TINY, 2, 5, 3);
  assert.equal((await q.trainStep(batch)).loss, (await p.trainStep(batch)).loss);
});

test('the checkpoint is safetensors: 8-byte header length, JSON header, F32 tensors at their offsets', () => {
  const p = new CpuPolicy(TINY, 1);
  const state = { params: new Float32Array(p.layout.total), m: new Float32Array(p.layout.total), v: new Float32Array(p.layout.total), step: 0 };
  state.params[p.layout.wte.offset + 1] = 1.5;
  const bytes = encodeCheckpoint(TINY, state);
  const view = new DataView(bytes.buffer);
  const n = Number(view.getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  assert.deepEqual(header.wte.shape, [TINY.vocab, TINY.width]);
  assert.equal(header.wte.dtype, 'F32');
  assert.equal(view.getFloat32(8 + n + header.wte.data_offsets[0] + 4, true), 1.5);
  assert.ok(header['adam.v.wout']);
});

test('damaged checkpoints are refused with the file and offset', async () => {
  const p = new CpuPolicy(TINY, 1);
  const bytes = encodeCheckpoint(TINY, await p.getState());
  assert.throws(() => parseCheckpoint(bytes.subarray(0, 5), 'x.safetensors'), (e: Error) => e instanceof InputError && /^x\.safetensors@0: too short/.test(e.message));
  assert.throws(() => parseCheckpoint(bytes.subarray(0, bytes.length - 4), 'x'), (e: Error) => e instanceof InputError && /bad byte range/.test(e.message));
  const nan = bytes.slice();
  const n = Number(new DataView(nan.buffer).getBigUint64(0, true));
  new DataView(nan.buffer).setFloat32(8 + n, NaN, true);
  assert.throws(() => parseCheckpoint(nan, 'x'), (e: Error) => e instanceof InputError && /non-finite/.test(e.message));
  await assert.rejects(loadCheckpoint('/nonexistent/ckpt'), InputError);
  await assert.rejects(p.setState({ params: new Float32Array(3), m: new Float32Array(3), v: new Float32Array(3), step: 0 }), UsageError);
});

test('a short warm start lowers the loss and writes the JSONL log and a loadable checkpoint', async () => {
  const out = await mkdtemp(join(tmpdir(), 'pretrain-'));
  try {
    const seen: number[] = [];
    const r = await pretrain({
      task: 'sort', device: 'cpu', steps: 60, out, seed: 3, batchSize: 16, evalEvery: 30, valSize: 32,
      model: { layers: 1, width: 32, heads: 2 }, adam: { lr: 1e-2 }, warmup: 10, targetAccuracy: 1.1, onProgress: (p) => seen.push(p.step),
    });
    assert.deepEqual(seen, Array.from({ length: 60 }, (_, i) => i + 1));
    assert.equal(r.reached, false, 'a target above 1 is never reached, so all 60 steps ran');
    const lines = (await readFile(join(out, 'log.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const losses = lines.filter((l) => 'loss' in l).map((l) => l.loss);
    const evals = lines.filter((l) => 'val_acc' in l);
    assert.equal(losses.length, 60);
    assert.deepEqual(evals.map((e) => e.step), [30, 60]);
    const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5, last = losses.slice(-5).reduce((a, b) => a + b) / 5;
    assert.ok(first > Math.log(11) * 0.9, `starts near chance: ${first}`);
    assert.ok(last < 0.8 * first, `loss fell from ${first} to ${last}`);
    const ck = await loadCheckpoint(join(out, 'checkpoint.safetensors'));
    assert.equal(ck.metadata.task, 'sort');
    assert.equal(ck.state.step, 60);
    assert.deepEqual(ck.state.params, (await r.policy.getState()).params.map((x, i) => (isPadding(r.policy as CpuPolicy, i) ? 0 : x)));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('pretrain refuses bad options before doing any work', async () => {
  await assert.rejects(pretrain({ steps: 0 }), /invalid steps: 0/);
  await assert.rejects(pretrain({ device: 'tpu' as 'cpu', steps: 1 }), /invalid device: tpu \(expected cpu or webgpu\)/);
  await assert.rejects(pretrain({ task: 'mul' as 'add' }), /unknown task: mul/);
});

function isPadding(p: CpuPolicy, i: number): boolean {
  return !p.layout.slots.some((s) => i >= s.offset && i < s.offset + s.size);
}

test('batches and prompts outside the model are refused, not read past the tables', async () => {
  const p = new CpuPolicy(TINY, 1);
  const bad = randomBatch(TINY, 2, 5, 1);
  bad.tokens[3] = TINY.vocab;
  await assert.rejects(p.forward(bad), /invalid tokens: token 11 at 3 is outside the vocabulary of 11/);
  await assert.rejects(p.trainStep(randomBatch(TINY, 1, TINY.context + 1, 1)), /sequence length 8 exceeds the model's context 7/);
  await assert.rejects(p.sample(new Int32Array(6), 3, { maxNew: 5 }), /3 \+ 5 tokens exceed the model's context 7/);
  await assert.rejects(p.sample(new Int32Array(6), 3, { maxNew: 2, temperature: 0 }), /invalid temperature: 0/);
});

test('the learning rate warms up linearly, then follows a cosine down to a tenth of the peak', () => {
  assert.equal(learningRate(0, 1000, 100, 1), 0.01);
  assert.equal(learningRate(99, 1000, 100, 1), 1);
  assert.ok(Math.abs(learningRate(550, 1000, 100, 1) - 0.55) < 1e-12); // halfway: 0.1 + 0.45
  assert.ok(Math.abs(learningRate(1000, 1000, 100, 1) - 0.1) < 1e-12);
  assert.equal(learningRate(5, 10, 0, 2), 2 * (0.1 + 0.45 * (1 + Math.cos(Math.PI / 2))));
});

test('two worker threads compute what one thread does: sampling, log-probabilities, gradients, AdamW steps', async () => {
  const one = new CpuPolicy(TINY, 7), two = new CpuPolicy(TINY, 7, { threads: 2 });
  try {
    const batch = randomBatch(TINY, 5, 6, 31, true);
    const [a, b] = [await one.forward(batch), await two.forward(batch)];
    assert.ok(relativeError(b.logp, a.logp) < 1e-6 && relativeError(b.entropy, a.entropy) < 1e-6, 'forward');
    const loss = ({ logp }: { logp: Float32Array }) => ({ weights: logp.map((x) => 0.1 * x) });
    const [ga, gb] = [await one.gradients(batch, loss), await two.gradients(batch, loss)];
    assert.ok(relativeError(gb.grads, ga.grads) < 1e-5, `gradients: ${relativeError(gb.grads, ga.grads)}`);
    for (let s = 0; s < 3; s++) {
      await one.trainStep(randomBatch(TINY, 4, 7, 40 + s), { lr: 0.01 });
      await two.trainStep(randomBatch(TINY, 4, 7, 40 + s), { lr: 0.01 });
    }
    const drift = relativeError((await two.getState()).params, (await one.getState()).params);
    // AdamW's first steps move each weight by about lr·sign(g), so gradients that differ in their last bits
    // near 0 move a few weights differently: the weights agree to 1e-4, not to the gradients' 1e-5.
    assert.ok(drift < 1e-4, `weights after three steps: ${drift}`);
    // Each row draws its own uniforms, whichever thread samples it.
    const prompts = Int32Array.from({ length: 9 * 3 }, (_, i) => (i * 7) % TINY.vocab);
    const [sa, sb] = [await one.sample(prompts, 3, { maxNew: 4, seed: 5 }), await two.sample(prompts, 3, { maxNew: 4, seed: 5 })];
    assert.deepEqual([...sb.tokens], [...sa.tokens]);
    assert.ok(relativeError(sb.logp, sa.logp) < 1e-5, 'sampled log-probabilities');
  } finally {
    one.dispose();
    two.dispose();
  }
});

test('without the optional webgpu package, asking for WebGPU says what to install', async () => {
  const { webgpuModule } = await import('../../src/harness/webgpu/device.ts');
  await assert.rejects(webgpuModule('webgpu-package-that-is-not-installed'), (e: Error) =>
    e instanceof InputError && e.message === '--device webgpu needs the optional package webgpu: run npm install webgpu (or use --device cpu)');
});
