/**
 * C = A·Bᵀ in WebAssembly SIMD (f32x4). The module is assembled here, byte by byte, from a dozen
 * opcodes, so there is no toolchain and no binary blob. Each iteration of the inner loop multiplies two
 * rows of A with four rows of B, four floats at a time, in eight vector accumulators.
 *
 * Measured on this project's 2-core machine (shared with other jobs), GFLOP/s JS 4×4 block → this:
 * 704×64×256 1.4 → 9.4, 704×256×64 1.6 → 11.2, 512³ 1.5 → 14.2. For tiny products the copies into
 * the module's memory dominate (5×7×9: 0.86 → 0.15), so `matmulNT` keeps those in JS.
 */

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};

// Opcodes (WebAssembly core spec 2.0 and the fixed-width SIMD proposal).
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, I32_CONST = 0x41, I32_ADD = 0x6a, I32_MUL = 0x6c;
const I32_LT_U = 0x49, LOOP = 0x03, VOID = 0x40, BR_IF = 0x0d, END = 0x0b, F32_ADD = 0x92, F32_STORE = 0x38;
const SIMD = 0xfd, V128_LOAD = 0, V128_CONST = 12, F32X4_EXTRACT = 0x1f, F32X4_ADD = 228, F32X4_MUL = 230;
const I32 = 0x7f, V128 = 0x7b;

/** The body of mm(a, b, c, M, rowBytes, N), byte offsets; M even, N a multiple of 4, rows padded to 16 bytes. */
function kernelBody(): number[] {
  const [a, b, c, M, RB, N, i, j, k, pa0, pa1, pb0, pb1, pb2, pb3, co] = Array.from({ length: 16 }, (_, x) => x);
  const acc = (x: number) => 16 + x, va0 = 24, va1 = 25, vb = 26;
  const get = (x: number) => [LOCAL_GET, ...leb(x)], set = (x: number) => [LOCAL_SET, ...leb(x)];
  const int = (n: number) => [I32_CONST, ...sleb(n)];
  const simd = (op: number, ...imm: number[]) => [SIMD, ...leb(op), ...imm];
  const load = (base: number) => [...get(base), ...get(k), I32_ADD, ...simd(V128_LOAD, 4, 0)];
  const fma = (x: number, va: number) => [...get(acc(x)), ...get(va), ...get(vb), ...simd(F32X4_MUL), ...simd(F32X4_ADD), ...set(acc(x))];
  // do { … x += step } while (x < limit)
  const next = (x: number, step: number, limit: number) => [...get(x), ...int(step), I32_ADD, LOCAL_TEE, ...leb(x), ...get(limit), I32_LT_U, BR_IF, 0, END];
  const out: number[] = [...int(0), ...set(i), LOOP, VOID];
  out.push(...get(a), ...get(i), ...get(RB), I32_MUL, I32_ADD, ...set(pa0), ...get(pa0), ...get(RB), I32_ADD, ...set(pa1));
  out.push(...int(0), ...set(j), LOOP, VOID);
  out.push(...get(b), ...get(j), ...get(RB), I32_MUL, I32_ADD, ...set(pb0));
  for (const [dst, src] of [[pb1, pb0], [pb2, pb1], [pb3, pb2]]) out.push(...get(src), ...get(RB), I32_ADD, ...set(dst));
  for (let x = 0; x < 8; x++) out.push(...simd(V128_CONST, ...new Array(16).fill(0)), ...set(acc(x)));
  out.push(...int(0), ...set(k), LOOP, VOID, ...load(pa0), ...set(va0), ...load(pa1), ...set(va1));
  [pb0, pb1, pb2, pb3].forEach((pb, x) => out.push(...load(pb), ...set(vb), ...fma(x, va0), ...fma(4 + x, va1)));
  out.push(...next(k, 16, RB));
  out.push(...get(c), ...get(i), ...get(N), I32_MUL, ...get(j), I32_ADD, ...int(4), I32_MUL, I32_ADD, ...set(co));
  for (let r = 0; r < 2; r++) {
    for (let x = 0; x < 4; x++) {
      const v = acc(4 * r + x), lane = (l: number) => [...get(v), ...simd(F32X4_EXTRACT, l)];
      out.push(...get(co), ...(r ? [...get(N), ...int(4), I32_MUL, I32_ADD] : []));
      out.push(...lane(0), ...lane(1), F32_ADD, ...lane(2), F32_ADD, ...lane(3), F32_ADD, F32_STORE, 2, ...leb(4 * x));
    }
  }
  out.push(...next(j, 4, N), ...next(i, 2, M), END);
  return [2, ...leb(10), I32, ...leb(11), V128, ...out];
}

function assemble(): Uint8Array<ArrayBuffer> {
  const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
  const name = (s: string) => [...leb(s.length), ...[...s].map((ch) => ch.charCodeAt(0))];
  const body = kernelBody();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 6, ...new Array(6).fill(I32), 0]), // type: (i32 ×6) → ()
    ...section(3, [1, 0]), // one function of type 0
    ...section(5, [1, 0, 1]), // one memory, at least 1 page
    ...section(7, [2, ...name('mm'), 0, 0, ...name('mem'), 2, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

let module: { mm: (...args: number[]) => void; mem: WebAssembly.Memory } | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is unavailable. */
function instance(): typeof module {
  if (module === undefined) {
    try {
      const inst = new WebAssembly.Instance(new WebAssembly.Module(assemble()));
      module = { mm: inst.exports.mm as (...args: number[]) => void, mem: inst.exports.mem as WebAssembly.Memory };
    } catch {
      module = null;
    }
  }
  return module;
}

/**
 * C[M,N] (=|+=) A[M,K]·B[N,K]ᵀ through the SIMD kernel; false (and nothing done) where WebAssembly SIMD
 * is unavailable. Operands are copied into the module's memory with rows padded to a multiple of 4
 * floats and M, N padded to the 2×4 block, so the kernel has no ragged edges.
 */
export function matmulNTWasm(A: Float32Array, B: Float32Array, C: Float32Array, M: number, K: number, N: number, accumulate: boolean): boolean {
  const m = instance();
  if (!m) return false;
  const K4 = Math.ceil(K / 4) * 4, Mp = M + (M % 2), Np = Math.ceil(N / 4) * 4;
  const bOff = Mp * K4, cOff = bOff + Np * K4, need = 4 * (cOff + Mp * Np);
  if (m.mem.buffer.byteLength < need) m.mem.grow(Math.ceil((need - m.mem.buffer.byteLength) / 65536));
  const f = new Float32Array(m.mem.buffer);
  if (K4 === K) {
    f.set(A.subarray(0, M * K), 0);
    f.set(B.subarray(0, N * K), bOff);
    f.fill(0, M * K, bOff);
    f.fill(0, bOff + N * K, cOff);
  } else {
    f.fill(0, 0, cOff);
    for (let r = 0; r < M; r++) f.set(A.subarray(r * K, r * K + K), r * K4);
    for (let r = 0; r < N; r++) f.set(B.subarray(r * K, r * K + K), bOff + r * K4);
  }
  m.mm(0, 4 * bOff, 4 * cOff, Mp, 4 * K4, Np);
  for (let r = 0; r < M; r++) {
    const row = f.subarray(cOff + r * Np, cOff + r * Np + N);
    if (accumulate) for (let j = 0; j < N; j++) C[r * N + j] += row[j];
    else C.set(row, r * N);
  }
  return true;
}
