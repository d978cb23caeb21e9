// ONNX graphs of the anchors' pooling compositions (channels-first, no padding, floor mode), for
// 1D/2D/3D alike (the rank comes from the input shape):
//   softPool  y  = AveragePool(x·Exp(x)) / AveragePool(Exp(x))   (the naive composition, as in
//                 the issue: it overflows for x ≳ 44, unlike our max-subtracted kernels)
//   maxPool   y  = MaxPool(x);   avgPool  y = AveragePool(x);   lpPool  y = LpPool(x), p = 2
// and, as forward graphs, the vector-Jacobian products (ORT has no training backward here):
//   maxPool   dx = ScatterElements(0, argmax, dy, reduction add)  (MaxPool's second output)
//   avgPool   dx = U(dy)
//   softPool  dx = e^x·((1 + x)·U(dy/D) − U(dy·y/D)),  D = AveragePool(e^x)
//   lpPool    dx = x·U(|K|·dy/y)   (p = 2: ∂y/∂x = x/y, summed over the windows)
// where U is the adjoint of average pooling: a nearest Resize times 1/|K| when the windows tile
// the input (kernel = stride, divisible sizes), else a depthwise ConvTranspose with weights 1/|K|.
import { DATA_TYPE, encodeModel, graph, model, node, tensorProto, valueInfo } from './onnx.mjs';

export const OPSET = 17;

function geometry(shape, kernel, stride) {
  const n = shape.length - 2;
  if (n < 1 || n > 3) throw new Error(`onnx graphs: input rank must be 3..5 (N, C, 1-3 spatial dims), got shape [${shape}]`);
  const k = Array.isArray(kernel) ? kernel : new Array(n).fill(kernel);
  const s = Array.isArray(stride) ? stride : new Array(n).fill(stride ?? kernel);
  const spatial = shape.slice(2);
  const out = spatial.map((d, i) => Math.floor((d - k[i]) / s[i]) + 1);
  if (out.some((o) => o < 1)) throw new Error(`onnx graphs: kernel [${k}] larger than input [${spatial}]`);
  return { n, k, s, spatial, out, outShape: [shape[0], shape[1], ...out], taps: k.reduce((a, b) => a * b, 1) };
}

const poolAttrs = (g) => ({ kernel_shape: g.k, strides: g.s });
const avgAttrs = (g) => ({ ...poolAttrs(g), count_include_pad: 0 });

/** U(z): adjoint of AveragePool with geometry g, from `z` (output shape) to `out` (input shape). */
function adjointAvg(g, shape, z, out, prefix, nodes, inits) {
  const tiles = g.k.every((k, i) => k === g.s[i] && g.spatial[i] % k === 0);
  if (tiles) {
    inits.push(tensorProto(`${prefix}_scales`, [shape.length], new Float32Array([1, 1, ...g.k])));
    inits.push(tensorProto(`${prefix}_invK`, [], new Float32Array([1 / g.taps])));
    nodes.push(
      node('Resize', [z, '', `${prefix}_scales`], [`${prefix}_up`], {
        mode: 'nearest',
        nearest_mode: 'floor',
        coordinate_transformation_mode: 'asymmetric',
      }),
      node('Mul', [`${prefix}_up`, `${prefix}_invK`], [out]),
    );
    return;
  }
  const C = shape[1];
  inits.push(tensorProto(`${prefix}_w`, [C, 1, ...g.k], new Float32Array(C * g.taps).fill(1 / g.taps)));
  const outputPadding = g.spatial.map((d, i) => d - ((g.out[i] - 1) * g.s[i] + g.k[i]));
  nodes.push(node('ConvTranspose', [z, `${prefix}_w`], [out], { group: C, kernel_shape: g.k, strides: g.s, output_padding: outputPadding }));
}

/**
 * Builds the model bytes for `op` ('softPool' | 'maxPool' | 'avgPool') and `dir` ('forward' |
 * 'backward'). Inputs: `x` (and `dy` for backward); output `y` (or `dx`).
 */
/** The naive SoftPool composition y = AveragePool(x·eˣ) / AveragePool(eˣ), keeping e and den. */
function softPoolNodes(g) {
  return [
    node('Exp', ['x'], ['e']),
    node('Mul', ['x', 'e'], ['xe']),
    node('AveragePool', ['xe'], ['num'], avgAttrs(g)),
    node('AveragePool', ['e'], ['den'], avgAttrs(g)),
    node('Div', ['num', 'den'], ['y']),
  ];
}

export function poolModel(op, dir, shape, kernel, stride) {
  const g = geometry(shape, kernel, stride);
  const nodes = [];
  const inits = [];
  const inputs = [valueInfo('x', shape)];
  let output;
  if (dir === 'forward') {
    output = valueInfo('y', g.outShape);
    if (op === 'maxPool') nodes.push(node('MaxPool', ['x'], ['y'], poolAttrs(g)));
    else if (op === 'avgPool') nodes.push(node('AveragePool', ['x'], ['y'], avgAttrs(g)));
    else if (op === 'lpPool') nodes.push(node('LpPool', ['x'], ['y'], { ...poolAttrs(g), p: 2 }));
    else if (op === 'softPool') {
      nodes.push(...softPoolNodes(g));
    } else throw new Error(`poolModel: op must be softPool, maxPool, avgPool or lpPool, got ${op}`);
  } else if (dir === 'backward') {
    inputs.push(valueInfo('dy', g.outShape));
    output = valueInfo('dx', shape);
    if (op === 'maxPool') {
      // dx = scatter-add of dy at the argmax of each window (MaxPool's flat NCHW indices).
      const total = shape.reduce((a, b) => a * b, 1);
      inits.push(tensorProto('flat', [1], [-1]), tensorProto('total', [1], [total]), tensorProto('inShape', [shape.length], shape));
      nodes.push(
        node('MaxPool', ['x'], ['y', 'argmax'], { ...poolAttrs(g), storage_order: 0 }),
        node('Reshape', ['argmax', 'flat'], ['argmaxFlat']),
        node('Reshape', ['dy', 'flat'], ['dyFlat']),
        node('ConstantOfShape', ['total'], ['zeros']),
        node('ScatterElements', ['zeros', 'argmaxFlat', 'dyFlat'], ['dxFlat'], { axis: 0, reduction: 'add' }),
        node('Reshape', ['dxFlat', 'inShape'], ['dx']),
      );
    } else if (op === 'avgPool') adjointAvg(g, shape, 'dy', 'dx', 'U', nodes, inits);
    else if (op === 'lpPool') {
      inits.push(tensorProto('taps', [], new Float32Array([g.taps])));
      nodes.push(node('LpPool', ['x'], ['y'], { ...poolAttrs(g), p: 2 }), node('Div', ['dy', 'y'], ['q']), node('Mul', ['q', 'taps'], ['qk']));
      adjointAvg(g, shape, 'qk', 'Uq', 'Uq', nodes, inits);
      nodes.push(node('Mul', ['x', 'Uq'], ['dx']));
    }
    else if (op === 'softPool') {
      inits.push(tensorProto('one', [], new Float32Array([1])));
      nodes.push(
        ...softPoolNodes(g),
        node('Div', ['dy', 'den'], ['a']),
        node('Mul', ['a', 'y'], ['b']),
      );
      adjointAvg(g, shape, 'a', 'Ua', 'Ua', nodes, inits);
      adjointAvg(g, shape, 'b', 'Ub', 'Ub', nodes, inits);
      nodes.push(
        node('Add', ['x', 'one'], ['onePlusX']),
        node('Mul', ['Ua', 'onePlusX'], ['t']),
        node('Sub', ['t', 'Ub'], ['t2']),
        node('Mul', ['e', 't2'], ['dx']),
      );
    } else throw new Error(`poolModel: op must be softPool, maxPool, avgPool or lpPool, got ${op}`);
  } else throw new Error(`poolModel: dir must be forward or backward, got ${dir}`);
  return encodeModel(model({ graph: graph({ name: `${op}_${dir}`, nodes, inputs, outputs: [output], initializers: inits }), opset: OPSET }));
}

/** y = Exp(x): the exp-throughput bound the SoftPool compositions (and kernels) sit on. */
export function expModel(shape) {
  const nodes = [node('Exp', ['x'], ['y'])];
  return encodeModel(model({ graph: graph({ name: 'exp', nodes, inputs: [valueInfo('x', shape)], outputs: [valueInfo('y', shape)] }), opset: OPSET }));
}

export { DATA_TYPE };
