// Writes raw BTF blobs by hand for the shapes no compiler emits: reference
// cycles, self-containing structs, ids past the end, vlen larger than the
// data. Kind numbers come from the kernel's btf.rst (as the reader's wire
// module spells them); every record is the common 12 bytes plus u32 words.
import { Kind } from "../../src/readers/btf/wire.js";

export { Kind };

export interface RawType {
  kind: number;
  name?: string;
  vlen?: number;
  kindFlag?: boolean;
  /** size or type, the third word of every record. */
  sizeOrType: number;
  /** The words after the common part, as the kind lays them out. */
  words?: number[];
}

export function writeBtf(types: readonly RawType[], opts: { bigEndian?: boolean; strings?: string[] } = {}): Uint8Array {
  const le = !opts.bigEndian;
  const strs: string[] = [""];
  const offsets = new Map<string, number>([["", 0]]);
  let strLen = 1;
  const nameOff = (s: string): number => {
    const known = offsets.get(s);
    if (known !== undefined) return known;
    offsets.set(s, strLen);
    strs.push(s);
    strLen += Buffer.byteLength(s) + 1;
    return offsets.get(s)!;
  };
  for (const s of opts.strings ?? []) nameOff(s);
  const words: number[] = [];
  for (const t of types) {
    words.push(nameOff(t.name ?? ""), ((t.kindFlag ? 1 : 0) << 31) | (t.kind << 24) | (t.vlen ?? 0), t.sizeOrType, ...(t.words ?? []));
  }
  const strBytes = Buffer.from(strs.map((s) => `${s}\0`).join(""), "utf8");
  const typeLen = words.length * 4;
  const out = new Uint8Array(24 + typeLen + strBytes.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 0xeb9f, le);
  v.setUint8(2, 1);
  v.setUint32(4, 24, le);
  v.setUint32(8, 0, le);
  v.setUint32(12, typeLen, le);
  v.setUint32(16, typeLen, le);
  v.setUint32(20, strBytes.length, le);
  words.forEach((w, i) => v.setUint32(24 + 4 * i, w >>> 0, le));
  out.set(strBytes, 24 + typeLen);
  return out;
}

/** An INT record: `bits` wide, signed or not. */
export const int = (name: string, size: number, signed = false): RawType => ({
  kind: Kind.INT,
  name,
  sizeOrType: size,
  words: [((signed ? 1 : 0) << 24) | (size * 8)],
});
