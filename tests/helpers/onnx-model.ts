/**
 * Decoding ONNX ModelProto / TensorProto bytes (field numbers from onnx.proto) with the benches'
 * schema-less protobuf reader: used by the benches' encoder test and by the ONNX conformance
 * test (Debian's libonnx-testdata).
 */
import { ATTR_TYPE, DATA_TYPE, decodeMessage, decodePackedInts, decodeString, type Decoded } from '../../benches/lib/onnx.mjs';

export interface Attr { name: string; type: number; i?: number; ints?: number[]; f?: number; s?: string }
export interface Node { opType: string; inputs: string[]; outputs: string[]; attrs: Record<string, Attr> }
export interface Init { name: string; dims: number[]; dataType: number; data: Float64Array }
export interface Value { name: string; elemType: number; dims: (number | string)[] }

/** TensorProto.DataType values beyond the benches' (onnx.proto). */
export const UINT8 = 2;

const bytesOf = (d: Decoded, f: number): Uint8Array[] => (d[f] ?? []) as Uint8Array[];
const intOf = (d: Decoded, f: number): number | undefined => (d[f]?.[0] === undefined ? undefined : Number(BigInt.asIntN(64, d[f][0] as bigint)));
const strOf = (d: Decoded, f: number): string => (d[f]?.[0] ? decodeString(d[f][0] as Uint8Array) : '');
/** A repeated int64 field, packed (proto3 writers) or one varint per entry (proto2: onnx.proto). */
const intsOf = (d: Decoded, f: number): number[] =>
  (d[f] ?? []).flatMap((v) => (typeof v === 'bigint' ? [Number(BigInt.asIntN(64, v))] : decodePackedInts(v as Uint8Array).map(Number)));
const f32 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength).getFloat32(0, true);

function decodeAttr(b: Uint8Array): Attr {
  const a = decodeMessage(b);
  const type = intOf(a, 20)!;
  const attr: Attr = { name: strOf(a, 1), type };
  if (type === ATTR_TYPE.INT) attr.i = intOf(a, 3);
  if (type === ATTR_TYPE.INTS) attr.ints = intsOf(a, 8);
  if (type === ATTR_TYPE.FLOAT) attr.f = f32(bytesOf(a, 2)[0]);
  if (type === ATTR_TYPE.STRING) attr.s = strOf(a, 4);
  return attr;
}

/** A TensorProto's values as float64: raw_data of float32, int64 or uint8, or int64_data. */
export function decodeTensor(b: Uint8Array): Init {
  const t = decodeMessage(b);
  const raw = bytesOf(t, 9)[0];
  const dataType = intOf(t, 2)!;
  const copy = raw ? raw.slice().buffer : new ArrayBuffer(0);
  let data: Float64Array;
  if (dataType === DATA_TYPE.INT64) data = raw ? Float64Array.from(new BigInt64Array(copy), Number) : Float64Array.from(intsOf(t, 7));
  else if (dataType === UINT8) data = Float64Array.from(new Uint8Array(copy));
  else data = Float64Array.from(new Float32Array(copy));
  return { name: strOf(t, 8), dims: intsOf(t, 1), dataType, data };
}

function decodeValue(b: Uint8Array): Value {
  const v = decodeMessage(b);
  const msg = (bytes: Uint8Array | undefined): Decoded => (bytes ? decodeMessage(bytes) : {});
  const tensorType = msg(bytesOf(msg(bytesOf(v, 2)[0]), 1)[0]);
  const shape = msg(bytesOf(tensorType, 2)[0]); // absent in some converted models: no dims
  return {
    name: strOf(v, 1),
    elemType: intOf(tensorType, 1)!,
    dims: bytesOf(shape, 1).map((d) => {
      const dim = decodeMessage(d);
      return dim[1] ? intOf(dim, 1)! : strOf(dim, 2);
    }),
  };
}

export function decodeModel(bytes: Uint8Array) {
  const m = decodeMessage(bytes);
  const g = decodeMessage(bytesOf(m, 7)[0]);
  const opset = decodeMessage(bytesOf(m, 8)[0]);
  return {
    irVersion: intOf(m, 1),
    producer: strOf(m, 2),
    opset: { domain: strOf(opset, 1), version: intOf(opset, 2) },
    graph: {
      name: strOf(g, 2),
      nodes: bytesOf(g, 1).map((nb): Node => {
        const n = decodeMessage(nb);
        const attrs = Object.fromEntries(bytesOf(n, 5).map((ab) => decodeAttr(ab)).map((a) => [a.name, a]));
        return { opType: strOf(n, 4), inputs: bytesOf(n, 1).map(decodeString), outputs: bytesOf(n, 2).map(decodeString), attrs };
      }),
      initializers: bytesOf(g, 5).map(decodeTensor),
      inputs: bytesOf(g, 11).map(decodeValue),
      outputs: bytesOf(g, 12).map(decodeValue),
    },
  };
}
