/**
 * The benches' in-process ONNX encoder (benches/lib/onnx.mjs) and the anchors' pooling graphs
 * (benches/lib/graphs.mjs). Independent of onnxruntime (root CI does not install the benches):
 * the bytes are decoded with a schema-less protobuf reader, and the decoded graphs are run by a
 * small float64 interpreter of the few ONNX ops they use, against the reference backend `js`.
 */
import { describe, expect, it } from 'vitest';
import * as ap from '@adapool/core';
import { ATTR_TYPE, DATA_TYPE, decodeMessage, decodePackedInts, decodeString, encodeMessage, tensorProto } from '../benches/lib/onnx.mjs';
import { decodeModel, decodeTensor, type Attr } from './helpers/onnx-model.js';
import { OPSET, poolModel } from '../benches/lib/graphs.mjs';

// --- a float64 interpreter of the ops the graphs use -----------------------------------------

interface T { dims: number[]; data: Float64Array }
const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
const stridesOf = (dims: number[]) => dims.map((_, i) => size(dims.slice(i + 1)));

function unflatten(flat: number, dims: number[]): number[] {
  const idx = new Array(dims.length);
  for (let i = dims.length - 1; i >= 0; i--) {
    idx[i] = flat % dims[i];
    flat = Math.floor(flat / dims[i]);
  }
  return idx;
}

function elementwise(a: T, b: T, f: (x: number, y: number) => number): T {
  const big = a.data.length >= b.data.length ? a : b;
  if (a.data.length !== b.data.length && Math.min(a.data.length, b.data.length) !== 1) throw new Error('interpreter: only same-shape or scalar broadcasting');
  const at = (t: T, i: number) => (t.data.length === 1 ? t.data[0] : t.data[i]);
  return { dims: big.dims, data: big.data.map((_, i) => f(at(a, i), at(b, i))) };
}

function pool(x: T, attrs: Record<string, Attr>, kind: 'max' | 'avg' | 'lp2'): [T, T] {
  const k = attrs.kernel_shape.ints!;
  const s = attrs.strides.ints!;
  const sp = x.dims.slice(2);
  const out = sp.map((d, i) => Math.floor((d - k[i]) / s[i]) + 1);
  const dims = [x.dims[0], x.dims[1], ...out];
  const xs = stridesOf(x.dims);
  const data = new Float64Array(size(dims));
  const argmax = new Float64Array(size(dims));
  for (let o = 0; o < data.length; o++) {
    const idx = unflatten(o, dims);
    let acc = kind === 'max' ? -Infinity : 0;
    for (let t = 0; t < size(k); t++) {
      const kk = unflatten(t, k);
      let off = idx[0] * xs[0] + idx[1] * xs[1];
      for (let a = 0; a < k.length; a++) off += (idx[a + 2] * s[a] + kk[a]) * xs[a + 2];
      if (kind === 'avg') acc += x.data[off];
      else if (kind === 'lp2') acc += x.data[off] ** 2;
      else if (x.data[off] > acc) [acc, argmax[o]] = [x.data[off], off];
    }
    data[o] = kind === 'max' ? acc : kind === 'lp2' ? Math.sqrt(acc) : acc / size(k);
  }
  return [{ dims, data }, { dims, data: argmax }];
}

function resizeNearest(x: T, scales: T, attrs: Record<string, Attr>): T {
  expect([attrs.mode.s, attrs.nearest_mode.s, attrs.coordinate_transformation_mode.s]).toEqual(['nearest', 'floor', 'asymmetric']);
  const sc = Array.from(scales.data);
  const dims = x.dims.map((d, i) => Math.floor(d * sc[i]));
  const xs = stridesOf(x.dims);
  const data = new Float64Array(size(dims));
  for (let o = 0; o < data.length; o++) {
    const idx = unflatten(o, dims);
    data[o] = x.data[idx.reduce((off, v, i) => off + Math.floor(v / sc[i]) * xs[i], 0)];
  }
  return { dims, data };
}

function convTransposeDepthwise(x: T, w: T, attrs: Record<string, Attr>): T {
  const k = attrs.kernel_shape.ints!;
  const s = attrs.strides.ints!;
  const op = attrs.output_padding?.ints ?? k.map(() => 0);
  expect(attrs.group.i).toBe(x.dims[1]);
  expect(w.dims).toEqual([x.dims[1], 1, ...k]);
  const dims = [x.dims[0], x.dims[1], ...x.dims.slice(2).map((d, i) => (d - 1) * s[i] + k[i] + op[i])];
  const ys = stridesOf(dims);
  const data = new Float64Array(size(dims));
  for (let i = 0; i < x.data.length; i++) {
    const idx = unflatten(i, x.dims);
    for (let t = 0; t < size(k); t++) {
      const kk = unflatten(t, k);
      let off = idx[0] * ys[0] + idx[1] * ys[1];
      for (let a = 0; a < k.length; a++) off += (idx[a + 2] * s[a] + kk[a]) * ys[a + 2];
      data[off] += x.data[i] * w.data[idx[1] * size(k) + t];
    }
  }
  return { dims, data };
}

function run(bytes: Uint8Array, feeds: Record<string, T>): T {
  const { graph } = decodeModel(bytes);
  const env = new Map<string, T>(Object.entries(feeds));
  for (const t of graph.initializers) env.set(t.name, { dims: t.dims, data: t.data });
  const get = (n: string) => {
    const t = env.get(n);
    if (!t) throw new Error(`interpreter: ${n} is not defined before use`);
    return t;
  };
  for (const n of graph.nodes) {
    const [a, b, c] = n.inputs;
    const r: T | [T, T] = (() => {
      switch (n.opType) {
        case 'Exp': return { dims: get(a).dims, data: get(a).data.map(Math.exp) };
        case 'Mul': return elementwise(get(a), get(b), (p, q) => p * q);
        case 'Div': return elementwise(get(a), get(b), (p, q) => p / q);
        case 'Add': return elementwise(get(a), get(b), (p, q) => p + q);
        case 'Sub': return elementwise(get(a), get(b), (p, q) => p - q);
        case 'AveragePool': expect(n.attrs.count_include_pad.i).toBe(0); return pool(get(a), n.attrs, 'avg')[0];
        case 'MaxPool': return pool(get(a), n.attrs, 'max');
        case 'LpPool': expect(n.attrs.p.i).toBe(2); return pool(get(a), n.attrs, 'lp2')[0];
        case 'Reshape': {
          const dims = Array.from(get(b).data);
          const known = dims.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
          return { dims: dims.map((d) => (d === -1 ? get(a).data.length / known : d)), data: get(a).data };
        }
        case 'ConstantOfShape': return { dims: Array.from(get(a).data), data: new Float64Array(size(Array.from(get(a).data))) };
        case 'ScatterElements': {
          expect([n.attrs.axis.i, n.attrs.reduction.s, get(a).dims.length]).toEqual([0, 'add', 1]);
          const data = get(a).data.slice();
          get(b).data.forEach((at, i) => (data[at] += get(c).data[i]));
          return { dims: get(a).dims, data };
        }
        case 'Resize': expect(b).toBe(''); return resizeNearest(get(a), get(c), n.attrs);
        case 'ConvTranspose': return convTransposeDepthwise(get(a), get(b), n.attrs);
        default: throw new Error(`interpreter: no ${n.opType}`);
      }
    })();
    if (Array.isArray(r)) n.outputs.forEach((o, i) => env.set(o, r[i]));
    else env.set(n.outputs[0], r);
  }
  const out = get(graph.outputs[0].name);
  expect(out.dims).toEqual(graph.outputs[0].dims);
  return out;
}

// --- tests -----------------------------------------------------------------------------------

describe('benches ONNX encoder (protobuf wire format)', () => {
  it('encodes varints, negative int64, fixed32 floats, strings and packed fields like protoc', () => {
    expect([...encodeMessage([[1, 'int', 150]])]).toEqual([0x08, 0x96, 0x01]);
    expect([...encodeMessage([[2, 'int', 300]])]).toEqual([0x10, 0xac, 0x02]);
    expect([...encodeMessage([[1, 'int', -1]])]).toEqual([0x08, ...new Array(9).fill(0xff), 0x01]);
    expect([...encodeMessage([[2, 'string', 'testing']])]).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect([...encodeMessage([[2, 'float', 1]])]).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect([...encodeMessage([[4, 'packedInt', [3, 270, 86942]]])]).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    expect([...encodeMessage([[1, 'message', [[1, 'int', 150]]]])]).toEqual([0x0a, 0x03, 0x08, 0x96, 0x01]);
    expect(encodeMessage([[1, 'int', undefined]]).length).toBe(0);
    expect(() => encodeMessage([[1, 'nope' as never, 1]])).toThrow(/kind must be/);
  });

  it('decodes what it encodes, and rejects truncated input', () => {
    const bytes = encodeMessage([
      [1, 'int', -5],
      [3, 'string', 'héllo'],
      [3, 'string', 'again'],
      [7, 'packedInt', [-2, 0, 2 ** 40]],
    ]);
    const d = decodeMessage(bytes);
    expect(BigInt.asIntN(64, d[1][0] as bigint)).toBe(-5n);
    expect((d[3] as Uint8Array[]).map(decodeString)).toEqual(['héllo', 'again']);
    expect(decodePackedInts(d[7][0] as Uint8Array)).toEqual([-2n, 0n, 2n ** 40n]);
    expect(() => decodeMessage(bytes.subarray(0, bytes.length - 1))).toThrow(/past the end|truncated/);
  });

  it('writes float32 tensors as raw little-endian data with dims and type', () => {
    const t = decodeTensor(encodeMessage(tensorProto('w', [2, 1, 2], new Float32Array([1, 0.5, -2, 3]))));
    expect(t).toMatchObject({ name: 'w', dims: [2, 1, 2], dataType: DATA_TYPE.FLOAT });
    expect(Array.from(t.data)).toEqual([1, 0.5, -2, 3]);
  });

  it('builds a ModelProto with IR version, opset, typed inputs/outputs and pooling attributes', () => {
    const m = decodeModel(poolModel('softPool', 'forward', [2, 3, 8, 10], 3, 2));
    expect(m.irVersion).toBe(8);
    expect(m.opset).toEqual({ domain: '', version: OPSET });
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Exp', 'Mul', 'AveragePool', 'AveragePool', 'Div']);
    expect(m.graph.inputs).toEqual([{ name: 'x', elemType: DATA_TYPE.FLOAT, dims: [2, 3, 8, 10] }]);
    expect(m.graph.outputs).toEqual([{ name: 'y', elemType: DATA_TYPE.FLOAT, dims: [2, 3, 3, 4] }]);
    const avg = m.graph.nodes[2].attrs;
    expect(avg.kernel_shape).toMatchObject({ type: ATTR_TYPE.INTS, ints: [3, 3] });
    expect(avg.strides.ints).toEqual([2, 2]);
    expect(avg.count_include_pad).toMatchObject({ type: ATTR_TYPE.INT, i: 0 });
    expect(decodeModel(poolModel('maxPool', 'forward', [1, 1, 4, 4, 4], 2)).graph.nodes[0].attrs.kernel_shape.ints).toEqual([2, 2, 2]);
  });

  it('picks Resize for tiling windows and a depthwise ConvTranspose otherwise; maxPool backward scatters at the argmax', () => {
    const ops = (b: Uint8Array) => decodeModel(b).graph.nodes.map((n) => n.opType);
    expect(ops(poolModel('avgPool', 'backward', [1, 2, 8, 8], 2, 2))).toEqual(['Resize', 'Mul']);
    expect(ops(poolModel('avgPool', 'backward', [1, 2, 9, 9], 2, 2))).toEqual(['ConvTranspose']);
    const ct = decodeModel(poolModel('avgPool', 'backward', [1, 2, 112, 112], 3, 2)).graph;
    expect(ct.nodes[0].attrs.output_padding.ints).toEqual([1, 1]);
    expect(ct.initializers[0].dims).toEqual([2, 1, 3, 3]);
    expect(ops(poolModel('maxPool', 'backward', [1, 1, 4, 4], 2))).toEqual(['MaxPool', 'Reshape', 'Reshape', 'ConstantOfShape', 'ScatterElements', 'Reshape']);
    const mx = decodeModel(poolModel('maxPool', 'backward', [2, 3, 4, 4], 2)).graph;
    expect(mx.nodes[0].outputs).toEqual(['y', 'argmax']);
    expect(mx.initializers.find((i) => i.name === 'inShape')).toMatchObject({ dataType: DATA_TYPE.INT64, dims: [4], data: Float64Array.from([2, 3, 4, 4]) });
    expect(mx.initializers.find((i) => i.name === 'flat')?.data).toEqual(Float64Array.from([-1]));
    expect(() => poolModel('idwPool' as never, 'forward', [1, 1, 4, 4], 2)).toThrow(/op must be/);
    expect(() => poolModel('avgPool', 'forward', [1, 1, 4, 4], 5)).toThrow(/larger than input/);
    expect(() => poolModel('avgPool', 'forward', [4, 4], 2)).toThrow(/rank must be/);
  });
});

describe('benches ONNX pooling graphs compute what the reference computes', () => {
  const CASES: [string, number[], number, number][] = [
    ['2D k2s2', [2, 3, 6, 8], 2, 2],
    ['2D k3s2 (overlapping, output padding)', [1, 2, 10, 9], 3, 2],
    ['2D k2s2, odd size (ConvTranspose)', [1, 2, 7, 6], 2, 2],
    ['3D k2s2', [1, 2, 4, 6, 4], 2, 2],
    ['1D k3s1', [2, 2, 9], 3, 1],
  ];
  for (const [title, shape, k, s] of CASES) {
    it(title, () => {
      const n = shape.length - 2;
      const x = Float32Array.from({ length: size(shape) }, (_, i) => Math.sin(i * 1.7 + 0.3) * 2.5);
      const opts = { kernelSize: k, stride: s, backend: 'js' };
      const xt = ap.tensor(x, shape);
      const outShape = [...ap.avgPool(xt, opts).shape];
      const dy = Float32Array.from({ length: size(outShape) }, (_, i) => Math.cos(i * 0.9));
      const dyt = ap.tensor(dy, outShape);
      const feeds = { x: { dims: shape, data: Float64Array.from(x) }, dy: { dims: outShape, data: Float64Array.from(dy) } };
      const check = async (got: T, ref: ap.Tensor, tol: number) => {
        const r = await ref.read();
        expect(got.data.length).toBe(r.length);
        for (let i = 0; i < r.length; i++) expect(Math.abs(got.data[i] - r[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(r[i])));
      };
      return Promise.all([
        check(run(poolModel('softPool', 'forward', shape, k, s), feeds), ap.softPool(xt, opts), 1e-5),
        check(run(poolModel('avgPool', 'forward', shape, k, s), feeds), ap.avgPool(xt, opts), 1e-6),
        check(run(poolModel('maxPool', 'forward', shape, k, s), feeds), ap.maxPool(xt, opts), 0),
        check(run(poolModel('softPool', 'backward', shape, k, s), feeds), ap.softPoolGrad(xt, dyt, opts), 1e-5),
        check(run(poolModel('avgPool', 'backward', shape, k, s), feeds), ap.avgPoolGrad(xt, dyt, opts), 1e-6),
        check(run(poolModel('maxPool', 'backward', shape, k, s), feeds), ap.maxPoolGrad(xt, dyt, opts), 1e-6),
        check(run(poolModel('lpPool', 'forward', shape, k, s), feeds), ap.lpPool(xt, opts), 1e-5),
        check(run(poolModel('lpPool', 'backward', shape, k, s), feeds), ap.lpPoolGrad(xt, dyt, opts), 1e-5),
      ]).then(() => expect(n).toBeGreaterThan(0));
    });
  }
});
