// Builds ONNX models in memory, so the runtime can hand onnxruntime exactly the graph it needs
// (a MatMulNBits over one expert's stored bytes, a fused block) without any file or Python
// tool in between. Protobuf encoding is the `onnx-proto` package's; this is a typed front.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX TensorProto element types, by the name onnxruntime-node's Tensor uses. */
export const ElementType = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  bfloat16: 16,
} as const;
export type ElementTypeName = keyof typeof ElementType;

const ELEMENT_BYTES: Record<ElementTypeName, number> = {
  float32: 4, uint8: 1, int8: 1, uint16: 2, int16: 2, int32: 4, int64: 8, bool: 1, float16: 2, float64: 8, bfloat16: 2,
};

/**
 * An attribute value. A whole number is an INT attribute; write `{ float: 1 }` for a FLOAT that
 * happens to be whole. Number arrays are INTS when every entry is whole, else FLOATS.
 */
export type AttributeValue = number | string | readonly number[] | { float: number } | { floats: readonly number[] } | Uint8Array;

export interface GraphNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, AttributeValue | undefined>>;
  /** '' (the default) for standard ONNX ops; 'com.microsoft' for onnxruntime's contrib ops. */
  domain?: string;
  name?: string;
}

/** A graph input or output; a string dimension is symbolic (e.g. 'tokens'). */
export interface GraphValue {
  name: string;
  type: ElementTypeName;
  dims: readonly (number | string)[];
}

/**
 * A constant tensor: its raw little-endian bytes, or where they live outside the model
 * (onnxruntime then takes them from the `externalData` session option or a file beside the model).
 */
export type Initializer = {
  name: string;
  type: ElementTypeName;
  dims: readonly number[];
} & ({ bytes: ArrayBufferView } | { external: { location: string; offset: number; length: number } });

export interface GraphSpec {
  nodes: readonly GraphNode[];
  inputs: readonly GraphValue[];
  outputs: readonly GraphValue[];
  initializers?: readonly Initializer[];
  /** Default opset 21 with IR version 10: what onnxruntime 1.20+ runs. */
  opset?: number;
  irVersion?: number;
  /** The com.microsoft opset, always imported (MatMulNBits, QMoE, … live there). */
  microsoftOpset?: number;
  name?: string;
}

/** Shorthand for a node. */
export const node = (
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes?: GraphNode['attributes'],
  domain = '',
): GraphNode => ({ opType, inputs, outputs, attributes, domain });

const ATTRIBUTE = onnx.AttributeProto.AttributeType;

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  if (typeof value === 'string') return { name, type: ATTRIBUTE.STRING, s: Buffer.from(value, 'utf8') };
  if (value instanceof Uint8Array) return { name, type: ATTRIBUTE.STRING, s: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { name, type: ATTRIBUTE.INT, i: value } : { name, type: ATTRIBUTE.FLOAT, f: value };
  if ('float' in value) return { name, type: ATTRIBUTE.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: ATTRIBUTE.FLOATS, floats: [...value.floats] };
  const list = value as readonly number[];
  return list.every(Number.isInteger) ? { name, type: ATTRIBUTE.INTS, ints: [...list] } : { name, type: ATTRIBUTE.FLOATS, floats: [...list] };
}

const valueInfo = (v: GraphValue): onnxProto.onnx.IValueInfoProto => ({
  name: v.name,
  type: { tensorType: { elemType: ElementType[v.type], shape: { dim: v.dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
});

function initializer(t: Initializer): onnxProto.onnx.ITensorProto {
  const base = { name: t.name, dataType: ElementType[t.type], dims: [...t.dims] };
  const expected = t.dims.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[t.type];
  if ('external' in t) {
    if (t.external.length !== expected) throw new Error(`initializer ${t.name}: ${t.external.length} external bytes for dims [${t.dims}] of ${t.type} (needs ${expected})`);
    return {
      ...base,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: t.external.location },
        { key: 'offset', value: String(t.external.offset) },
        { key: 'length', value: String(t.external.length) },
      ],
    };
  }
  if (t.bytes.byteLength !== expected) throw new Error(`initializer ${t.name}: ${t.bytes.byteLength} bytes for dims [${t.dims}] of ${t.type} (needs ${expected})`);
  return { ...base, rawData: new Uint8Array(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength) };
}

/** Encodes the graph as an ONNX model, ready for `InferenceSession.create(bytes)`. */
export function buildModel(spec: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: spec.irVersion ?? 10,
    producerName: 'loupe',
    opsetImport: [
      { domain: '', version: spec.opset ?? 21 },
      { domain: 'com.microsoft', version: spec.microsoftOpset ?? 1 },
    ],
    graph: {
      name: spec.name ?? 'graph',
      node: spec.nodes.map((n, i) => ({
        opType: n.opType,
        domain: n.domain ?? '',
        name: n.name ?? `${n.opType}_${i}`,
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attributes ?? {})
          .filter((entry): entry is [string, AttributeValue] => entry[1] !== undefined)
          .map(([k, v]) => attribute(k, v)),
      })),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      initializer: (spec.initializers ?? []).map(initializer),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
