// A small ONNX model encoder (protobuf wire format, proto3 field numbers from onnx/onnx.proto),
// enough to build the anchors' pooling graphs in-process: no Python, no downloads. Plus a generic
// protobuf decoder used by the tests to check what was written.
//
//   const bytes = encodeModel(model({ graph: graph({ nodes, inputs, outputs }), opset: 17 }));
//
// Only the fields the benches need are covered: ModelProto, OperatorSetIdProto, GraphProto,
// NodeProto, AttributeProto (float, int, string, tensor, floats, ints), TensorProto (float32 /
// int64 / raw), ValueInfoProto with a tensor type and a fixed or symbolic shape.

const utf8 = new TextEncoder();

/** Wire types of the protobuf encoding. */
export const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 };
/** onnx.TensorProto.DataType */
export const DATA_TYPE = { FLOAT: 1, INT32: 6, INT64: 7 };
/** onnx.AttributeProto.AttributeType */
export const ATTR_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 };

/** Growable byte sink with the protobuf primitives. */
class Writer {
  constructor() {
    this.buf = new Uint8Array(256);
    this.len = 0;
  }
  reserve(n) {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  byte(b) {
    this.reserve(1);
    this.buf[this.len++] = b;
  }
  bytes(u8) {
    this.reserve(u8.length);
    this.buf.set(u8, this.len);
    this.len += u8.length;
  }
  /** Unsigned or two's-complement 64-bit varint of an integer (number or bigint). */
  varint(v) {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }
  tag(field, wire) {
    this.varint((field << 3) | wire);
  }
  float32(v) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.bytes(b);
  }
  done() {
    return this.buf.slice(0, this.len);
  }
}

/**
 * Encodes a message given as a list of fields `[number, kind, value]`; kind is one of
 * 'int' (varint), 'float' (fixed32), 'string', 'bytes', 'message' (value: another field list),
 * 'packedInt' / 'packedFloat' (arrays). Undefined values are skipped (proto3 defaults).
 */
export function encodeMessage(fields) {
  const w = new Writer();
  for (const [field, kind, value] of fields) {
    if (value === undefined) continue;
    switch (kind) {
      case 'int':
        w.tag(field, WIRE.VARINT);
        w.varint(value);
        break;
      case 'float':
        w.tag(field, WIRE.I32);
        w.float32(value);
        break;
      case 'string':
      case 'bytes': {
        const b = kind === 'string' ? utf8.encode(value) : value;
        w.tag(field, WIRE.LEN);
        w.varint(b.length);
        w.bytes(b);
        break;
      }
      case 'message': {
        const b = encodeMessage(value);
        w.tag(field, WIRE.LEN);
        w.varint(b.length);
        w.bytes(b);
        break;
      }
      case 'packedInt': {
        const inner = new Writer();
        for (const v of value) inner.varint(v);
        const b = inner.done();
        w.tag(field, WIRE.LEN);
        w.varint(b.length);
        w.bytes(b);
        break;
      }
      case 'packedFloat': {
        const b = new Uint8Array(Float32Array.from(value).buffer);
        w.tag(field, WIRE.LEN);
        w.varint(b.length);
        w.bytes(b);
        break;
      }
      default:
        throw new Error(`encodeMessage: kind must be int|float|string|bytes|message|packedInt|packedFloat, got ${kind}`);
    }
  }
  return w.done();
}

// --- ONNX messages, as field lists ---------------------------------------------------------

/** TensorProto: `data` a Float32Array (float), BigInt64Array or number[] (int64). */
export function tensorProto(name, dims, data, dataType = data instanceof Float32Array ? DATA_TYPE.FLOAT : DATA_TYPE.INT64) {
  const f = [
    [1, 'packedInt', dims],
    [2, 'int', dataType],
    [8, 'string', name],
  ];
  if (dataType === DATA_TYPE.FLOAT) f.push([9, 'bytes', new Uint8Array(Float32Array.from(data).buffer)]);
  else if (dataType === DATA_TYPE.INT64) f.push([7, 'packedInt', Array.from(data)]);
  else throw new Error(`tensorProto: dataType must be FLOAT or INT64, got ${dataType}`);
  return f;
}

/** AttributeProto from a JS value: number (int if integral and `asFloat` not set), string, number[] (ints), {floats}, {tensor}. */
export function attribute(name, value) {
  const f = [[1, 'string', name]];
  if (typeof value === 'number') {
    if (Number.isInteger(value)) f.push([3, 'int', value], [20, 'int', ATTR_TYPE.INT]);
    else f.push([2, 'float', value], [20, 'int', ATTR_TYPE.FLOAT]);
  } else if (typeof value === 'string') f.push([4, 'string', value], [20, 'int', ATTR_TYPE.STRING]);
  else if (Array.isArray(value)) f.push([8, 'packedInt', value], [20, 'int', ATTR_TYPE.INTS]);
  else if (value && value.floats) f.push([7, 'packedFloat', value.floats], [20, 'int', ATTR_TYPE.FLOATS]);
  else if (value && value.float !== undefined) f.push([2, 'float', value.float], [20, 'int', ATTR_TYPE.FLOAT]);
  else if (value && value.tensor) f.push([5, 'message', value.tensor], [20, 'int', ATTR_TYPE.TENSOR]);
  else throw new Error(`attribute ${name}: value must be a number, string, int array, {floats}, {float} or {tensor}, got ${String(value)}`);
  return f;
}

/** NodeProto. `attrs`: plain object of attribute values (see `attribute`). */
export function node(opType, inputs, outputs, attrs = {}, name = undefined) {
  return [
    ...inputs.map((i) => [1, 'string', i]),
    ...outputs.map((o) => [2, 'string', o]),
    [3, 'string', name ?? `${opType}_${outputs[0]}`],
    [4, 'string', opType],
    ...Object.entries(attrs).map(([k, v]) => [5, 'message', attribute(k, v)]),
  ];
}

/** ValueInfoProto of a tensor; dims are numbers (fixed) or strings (symbolic). */
export function valueInfo(name, dims, elemType = DATA_TYPE.FLOAT) {
  const shape = dims.map((d) => [1, 'message', typeof d === 'string' ? [[2, 'string', d]] : [[1, 'int', d]]]);
  const tensorType = [
    [1, 'int', elemType],
    [2, 'message', shape],
  ];
  return [
    [1, 'string', name],
    [2, 'message', [[1, 'message', tensorType]]],
  ];
}

/** GraphProto. */
export function graph({ name = 'graph', nodes, inputs, outputs, initializers = [] }) {
  return [
    ...nodes.map((n) => [1, 'message', n]),
    [2, 'string', name],
    ...initializers.map((t) => [5, 'message', t]),
    ...inputs.map((v) => [11, 'message', v]),
    ...outputs.map((v) => [12, 'message', v]),
  ];
}

/** ModelProto with the default ONNX domain at `opset` (IR version 8 covers opsets up to 18). */
export function model({ graph: g, opset = 17, irVersion = 8, producer = 'adapool-benches' }) {
  return [
    [1, 'int', irVersion],
    [2, 'string', producer],
    [3, 'string', '0.0.0'],
    [7, 'message', g],
    [8, 'message', [[1, 'string', ''], [2, 'int', opset]]],
  ];
}

export const encodeModel = encodeMessage;

// --- decoding (for tests and debugging) ----------------------------------------------------

/**
 * Decodes one protobuf message into `{ [field]: value[] }` without a schema: varints as bigint,
 * fixed32 as a Uint8Array of 4 bytes, fixed64 as 8 bytes, length-delimited as Uint8Array (decode
 * nested messages by calling again). Throws on truncated or malformed input.
 */
export function decodeMessage(bytes) {
  const out = {};
  let p = 0;
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (p >= bytes.length) throw new Error('decodeMessage: truncated varint');
      if (shift > 63n) throw new Error('decodeMessage: varint longer than 10 bytes');
      const b = bytes[p++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
  };
  const take = (n) => {
    if (p + n > bytes.length) throw new Error(`decodeMessage: field runs past the end (${n} bytes at ${p} of ${bytes.length})`);
    const s = bytes.subarray(p, p + n);
    p += n;
    return s;
  };
  while (p < bytes.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    let value;
    if (wire === WIRE.VARINT) value = varint();
    else if (wire === WIRE.I64) value = take(8);
    else if (wire === WIRE.LEN) value = take(Number(varint()));
    else if (wire === WIRE.I32) value = take(4);
    else throw new Error(`decodeMessage: unsupported wire type ${wire} for field ${field}`);
    (out[field] ??= []).push(value);
  }
  return out;
}

/** Decodes a packed repeated varint field (int64, as signed bigints). */
export function decodePackedInts(bytes) {
  const vals = [];
  let p = 0;
  while (p < bytes.length) {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (p >= bytes.length) throw new Error("decodePackedInts: truncated varint");
      const b = bytes[p++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    vals.push(BigInt.asIntN(64, v));
  }
  return vals;
}

export const decodeString = (bytes) => new TextDecoder().decode(bytes);
