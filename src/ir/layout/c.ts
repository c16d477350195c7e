import type { Target } from "../targets.js";

// C record layout as clang lays out C on the SysV/Itanium ABIs and ARM's
// AAPCS (ItaniumRecordLayoutBuilder): the one place that turns declarations
// into offsets. Readers of C source describe each member by the size and
// alignment of its declared type plus its attributes; this decides where it
// goes. Sizes and alignments are in bytes, offsets in bits.

export interface CFieldSpec {
  /** Bytes of the declared type (of one element for a flexible array member). */
  size: number;
  /** Alignment of the declared type, typedef `aligned(N)` included. */
  align: number;
  /** Width of a bitfield; undefined for a plain member. */
  bitWidth?: number;
  /** Unnamed bitfields do not align the record except where the target says so. */
  named: boolean;
  /** `__attribute__((packed))` on the member itself. */
  packed: boolean;
  /** The largest `aligned(N)` on the member, 0 when none. */
  alignAttr: number;
  /** `T name[]` at the end of a struct: no size, its element's alignment. */
  flexible: boolean;
}

export interface CRecordSpec {
  kind: "struct" | "union";
  /** `__attribute__((packed))` on the record. */
  packed: boolean;
  /** The largest `aligned(N)` on the record, 0 when none. */
  alignAttr: number;
  /** `#pragma pack(N)` in force where the record was defined, 0 when none. */
  pack: number;
  fields: CFieldSpec[];
}

export interface CRecordLayout {
  size: number;
  align: number;
  /** Offset of each field, in bits, in the order given. */
  bitOffsets: number[];
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export function layoutRecord(spec: CRecordSpec, target: Target): CRecordLayout {
  const isUnion = spec.kind === "union";
  const maxField = spec.pack * 8;
  let dataBits = 0;
  let sizeBits = 0;
  // Bits after the last bitfield that a following bitfield may still use.
  let unfilled = 0;
  let align = Math.max(8, spec.alignAttr * 8);
  const bitOffsets: number[] = [];

  for (const f of spec.fields) {
    const typeAlign = f.align * 8;
    const explicit = f.alignAttr * 8;
    const fieldPacked = spec.packed || f.packed;
    if (f.bitWidth !== undefined) {
      const width = f.bitWidth;
      const unitBits = f.size * 8;
      let offset = isUnion ? 0 : dataBits - unfilled;
      let fieldAlign = typeAlign;
      let unpacked = fieldAlign;
      // A packed bitfield goes at the very next bit.
      if (fieldPacked && width !== 0) fieldAlign = 1;
      if (explicit) {
        fieldAlign = Math.max(fieldAlign, explicit);
        unpacked = Math.max(unpacked, explicit);
      }
      if (maxField && width) {
        unpacked = Math.min(unpacked, maxField);
        fieldAlign = fieldPacked ? unpacked : Math.min(fieldAlign, maxField);
      }
      const allowPadding = maxField === 0;
      if (width === 0 || (allowPadding && (offset % fieldAlign) + width > unitBits)) {
        offset = alignUp(offset, fieldAlign);
      } else if (explicit && (maxField === 0 || explicit <= maxField)) {
        offset = alignUp(offset, explicit);
      }
      bitOffsets.push(offset);
      if (!target.unnamedBitfieldsAlign && !f.named) fieldAlign = 8;
      if (isUnion) {
        dataBits = Math.max(dataBits, alignUp(width, 8));
      } else {
        const end = offset + width;
        dataBits = alignUp(end, 8);
        unfilled = dataBits - end;
      }
      sizeBits = Math.max(sizeBits, dataBits);
      align = Math.max(align, fieldAlign);
      continue;
    }

    unfilled = 0;
    const fieldBits = f.flexible ? 0 : f.size * 8;
    let packedAlign = Math.max(8, explicit);
    let unpacked = Math.max(typeAlign, explicit);
    if (maxField) {
      packedAlign = Math.min(packedAlign, maxField);
      unpacked = Math.min(unpacked, maxField);
    }
    const fieldAlign = fieldPacked ? packedAlign : unpacked;
    const offset = isUnion ? 0 : alignUp(dataBits, fieldAlign);
    bitOffsets.push(offset);
    dataBits = isUnion ? Math.max(dataBits, fieldBits) : offset + fieldBits;
    sizeBits = Math.max(sizeBits, dataBits);
    align = Math.max(align, fieldAlign);
  }
  return { size: alignUp(sizeBits, align) / 8, align: align / 8, bitOffsets };
}

export interface CEnumLayout {
  size: number;
  signed: boolean;
}

/**
 * The integer type clang gives an enum from its values: `int` or `unsigned
 * int` when they fit, then `long`, then `long long`; with
 * `__attribute__((packed))` the smallest type that holds them.
 */
export function layoutEnum(values: readonly bigint[], packed: boolean, target: Target): CEnumLayout {
  let min = 0n;
  let max = 0n;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const signed = min < 0n;
  const fits = (bytes: number): boolean => {
    const bits = BigInt(bytes * 8);
    if (signed) return min >= -(1n << (bits - 1n)) && max < 1n << (bits - 1n);
    return max < 1n << bits;
  };
  const s = target.scalars;
  const ladder = packed ? [s.char.size, s.short.size, s.int.size, s.long.size, s.longlong.size] : [s.int.size, s.long.size, s.longlong.size];
  const size = ladder.find(fits) ?? s.longlong.size;
  return { size, signed };
}
