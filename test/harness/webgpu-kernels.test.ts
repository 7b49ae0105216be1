import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CpuPolicy } from '../../src/harness/cpu/backend.ts';
import { gpuContext, SWIFTSHADER_ICD } from '../../src/harness/webgpu/device.ts';
import { GpuPolicy } from '../../src/harness/webgpu/backend.ts';
import { PipelineCache } from '../../src/harness/webgpu/pipeline-cache.ts';
import { matmulKernel } from '../../src/harness/webgpu/kernels/matmul.ts';
import { compile, encode, readBack, storageBuffer, whole } from '../../src/harness/webgpu/runner.ts';
import { Rng } from '../../src/util/rng.ts';
import { LOSS_MODES, TINY, modelLoss, randomBatch, randomParams, relativeError } from './fixtures.ts';

// Without a GPU the kernels run on SwiftShader; a missing adapter makes these tests fail, never skip.
process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;

const TOL = 1e-4;
let cpu: CpuPolicy;
let gpu: GpuPolicy;

before(async () => {
  await gpuContext();
  cpu = new CpuPolicy(TINY, 1);
  gpu = await GpuPolicy.create(TINY, 1);
  const rng = new Rng(9);
  const state = {
    params: randomParams(cpu.layout.total, 5, 0.4),
    m: new Float32Array(cpu.layout.total).map(() => 0.01 * rng.normal()),
    v: new Float32Array(cpu.layout.total).map(() => 1e-4 * rng.next()),
    step: 3,
  };
  await cpu.setState(state);
  await gpu.setState(state);
});

test('the kernels give the reference logits, log-probabilities, entropies and loss', async () => {
  const batch = randomBatch(TINY, 3, 7, 11);
  const a = await gpu.forward(batch, { logits: true }), b = await cpu.forward(batch, { logits: true });
  for (const key of ['logits', 'logp', 'entropy'] as const) {
    const err = relativeError(a[key]!, b[key]!);
    assert.ok(err < TOL, `${key}: relative error ${err}`);
  }
  assert.ok(Math.abs(a.loss - b.loss) < TOL * Math.abs(b.loss), `loss ${a.loss} vs ${b.loss}`);
});

test('the kernels give the reference gradient of every parameter', async () => {
  const batch = randomBatch(TINY, 3, 6, 12);
  const a = await gpu.gradients(batch), b = await cpu.gradients(batch);
  for (const slot of cpu.layout.slots) {
    const range = (g: Float32Array) => g.subarray(slot.offset, slot.offset + slot.size);
    const err = relativeError(range(a.grads), range(b.grads));
    assert.ok(err < TOL, `${slot.name}: relative error ${err}`);
  }
});

test('entropy weights: the kernels give the reference loss and gradients of −Σ w·log p − Σ e·H', async () => {
  const batch = randomBatch(TINY, 3, 6, 14, true);
  const a = await gpu.gradients(batch), b = await cpu.gradients(batch);
  assert.ok(Math.abs(a.loss - b.loss) < TOL * Math.abs(b.loss), `loss ${a.loss} vs ${b.loss}`);
  assert.ok(relativeError(a.grads, b.grads) < TOL, `gradients: relative error ${relativeError(a.grads, b.grads)}`);
});

test('each policy loss through a token loss: device gradients match the reference backend\'s', async () => {
  const batch = randomBatch(TINY, 3, 6, 15), N = 18, rng = new Rng(16);
  const { logp } = await cpu.forward(batch);
  const oldLogp = Array.from(logp, (x) => x - 0.3 * (rng.next() - 0.5));
  const advantages = Array.from({ length: N }, () => 3 * (rng.next() - 0.5));
  const mask = Array.from({ length: N }, (_, i) => (i % 6 >= 2 ? 1 : 0));
  for (const options of LOSS_MODES) {
    const a = await gpu.gradients(batch, modelLoss(options, oldLogp, advantages, mask));
    const b = await cpu.gradients(batch, modelLoss(options, oldLogp, advantages, mask));
    assert.ok(relativeError(a.grads, b.grads) < TOL, `${JSON.stringify(options)}: relative error ${relativeError(a.grads, b.grads)}`);
  }
});

test('one AdamW step on the device matches the reference step', async () => {
  const batch = randomBatch(TINY, 2, 7, 13);
  const opts = { lr: 0.01, weightDecay: 0.1 };
  const before_ = await cpu.getState();
  await gpu.trainStep(batch, opts);
  await cpu.trainStep(batch, opts);
  const a = await gpu.getState(), b = await cpu.getState();
  assert.equal(a.step, 4);
  assert.ok(relativeError(b.params, before_.params) > 1e-4, 'the step moved the weights');
  // Per tensor: the padding between tensors carries no meaning.
  for (const slot of cpu.layout.slots) {
    const r = (x: Float32Array) => x.subarray(slot.offset, slot.offset + slot.size);
    for (const key of ['params', 'm', 'v'] as const) {
      const err = relativeError(r(a[key]), r(b[key]));
      assert.ok(err < TOL, `${slot.name} ${key}: relative error ${err}`);
    }
    // The update itself, not only the (mostly unchanged) weights, must agree.
    const da = r(a.params).map((x, i) => x - r(before_.params)[i]), db = r(b.params).map((x, i) => x - r(before_.params)[i]);
    assert.ok(relativeError(da, db) < TOL, `${slot.name} update: relative error ${relativeError(da, db)}`);
  }
  await gpu.setState(before_);
  await cpu.setState(before_);
});

test('sampling on the device draws the reference tokens with the same log-probabilities and entropies', async () => {
  const rng = new Rng(3);
  const prompts = new Int32Array(4 * 3).map(() => rng.int(TINY.vocab));
  for (const opts of [{ maxNew: 4, greedy: true }, { maxNew: 4, temperature: 1.3, seed: 7 }]) {
    const a = await gpu.sample(prompts, 3, opts), b = await cpu.sample(prompts, 3, opts);
    assert.deepEqual([...a.tokens], [...b.tokens], JSON.stringify(opts));
    assert.ok(relativeError(a.logp, b.logp) < TOL, 'logp');
    assert.ok(relativeError(a.entropy, b.entropy) < TOL, 'entropy');
  }
});

test('a shader that does not compile is reported as line:col message with the source', async () => {
  const { device } = await gpuContext();
  const cache = new PipelineCache(device);
  const code = '@compute @workgroup_size(1)\nfn main() {\n  let x: f32 = undefinedThing;\n}';
  await assert.rejects(cache.get({ label: 'broken', code, bindings: [], dispatch: [1, 1, 1] }), (e: Error) => {
    assert.match(e.message, /^broken 3:16 .*undefinedThing/m);
    assert.match(e.message, /^ +3 \| +let x: f32 = undefinedThing;$/m);
    return true;
  });
});

test('the pipeline cache compiles each distinct source once', async () => {
  const before_ = gpu.cache.size;
  await gpu.forward(randomBatch(TINY, 3, 7, 11));
  assert.equal(gpu.cache.size, before_, 'a repeated shape compiles nothing new');
});

test('same seed, same device: identical weights after several steps', async () => {
  const run = async () => {
    const p = await GpuPolicy.create(TINY, 42);
    for (let s = 0; s < 3; s++) await p.trainStep(randomBatch(TINY, 2, 7, 100 + s));
    const { params } = await p.getState();
    p.dispose();
    return params;
  };
  const [a, b] = [await run(), await run()];
  assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer));
});

test('both matmul forms (tiled for hardware, plain for SwiftShader) compute every transpose/accumulate/bias variant', async () => {
  const { device } = await gpuContext();
  const cache = PipelineCache.for(device);
  const [M, K, N] = [19, 23, 17]; // not multiples of any tile
  const A = randomParams(M * K, 1), B = randomParams(K * N, 2), C0 = randomParams(M * N, 3), bias = randomParams(N, 4);
  for (const software of [false, true]) for (const transA of [false, true]) for (const transB of [false, true]) for (const extra of [0, 1, 2]) {
    const spec = { M, K, N, transA, transB, accumulate: extra === 1, bias: extra === 2 };
    const a = (i: number, k: number) => (transA ? A[k * M + i] : A[i * K + k]);
    const b = (k: number, j: number) => (transB ? B[j * K + k] : B[k * N + j]);
    const expected = new Float32Array(M * N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let acc = spec.accumulate ? C0[i * N + j] : 0;
      for (let k = 0; k < K; k++) acc += a(i, k) * b(k, j);
      expected[i * N + j] = acc + (spec.bias ? bias[j] : 0);
    }
    const bufs = [A, B, C0, ...(spec.bias ? [bias] : [])].map((x, i) => storageBuffer(device, x.byteLength, `m${i}`, x));
    // SwiftShader compiles a 16×16 tile in ~1.3 s against ~0.3 s for 8×8: one variant runs the full
    // tile, the rest a tile of 8 through the same code path.
    const full = transA && transB && spec.bias;
    const limits = { ...device.limits, software, maxComputeInvocationsPerWorkgroup: full ? device.limits.maxComputeInvocationsPerWorkgroup : 64 };
    const step = await compile(device, cache, matmulKernel(spec, limits), bufs.map(whole));
    const encoder = device.createCommandEncoder();
    encode(encoder, [step]);
    device.queue.submit([encoder.finish()]);
    const [got] = await readBack(device, [whole(bufs[2])]);
    bufs.forEach((x) => x.destroy());
    assert.ok(relativeError(got, expected) < TOL, `${JSON.stringify({ software, ...spec })}: ${relativeError(got, expected)}`);
  }
});
