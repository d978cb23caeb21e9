/**
 * One declaration of a uniform parameter block produces both its WGSL struct text and the code
 * that packs values into the bytes a uniform buffer holds (WGSL uniform layout: scalars align
 * to 4, `vec4<i32>` to 16, struct size a multiple of 16). TypeGPU-style, with no dependency.
 */
export type FieldType = 'i32' | 'f32' | 'vec4i';

const WGSL_TYPE: Record<FieldType, string> = { i32: 'i32', f32: 'f32', vec4i: 'vec4<i32>' };
const ALIGN: Record<FieldType, number> = { i32: 4, f32: 4, vec4i: 16 };
const SIZE: Record<FieldType, number> = { i32: 4, f32: 4, vec4i: 16 };

export type FieldValue<T extends FieldType> = T extends 'vec4i' ? readonly number[] : number;
export type BlockValues<F extends Record<string, FieldType>> = { [K in keyof F]?: FieldValue<F[K]> };

export interface ParamBlock<F extends Record<string, FieldType>> {
  readonly name: string;
  /** Byte size of the packed block. */
  readonly size: number;
  /** The WGSL struct declaration. */
  readonly wgsl: string;
  /** Packs values (missing fields are 0; a vec4i takes up to 4 numbers, the rest 0). */
  pack(values: BlockValues<F>): ArrayBuffer;
}

export function paramBlock<F extends Record<string, FieldType>>(name: string, fields: F): ParamBlock<F> {
  const layout: { key: string; type: FieldType; offset: number }[] = [];
  let offset = 0;
  for (const [key, type] of Object.entries(fields)) {
    offset = Math.ceil(offset / ALIGN[type]) * ALIGN[type];
    layout.push({ key, type, offset });
    offset += SIZE[type];
  }
  const size = Math.ceil(offset / 16) * 16;
  const wgsl = `struct ${name} {\n${layout.map((f) => `  ${f.key}: ${WGSL_TYPE[f.type]},`).join('\n')}\n}`;
  return {
    name,
    size,
    wgsl,
    pack(values) {
      const buf = new ArrayBuffer(size);
      const view = new DataView(buf);
      for (const { key, type, offset } of layout) {
        const v = (values as Record<string, number | readonly number[] | undefined>)[key];
        if (v === undefined) continue;
        if (type === 'vec4i') {
          const arr = v as readonly number[];
          if (arr.length > 4) throw new RangeError(`${name}.${key}: a vec4 takes at most 4 values, got ${arr.length}`);
          arr.forEach((x, i) => view.setInt32(offset + 4 * i, x, true));
        } else if (type === 'i32') view.setInt32(offset, v as number, true);
        else view.setFloat32(offset, v as number, true);
      }
      return buf;
    },
  };
}
