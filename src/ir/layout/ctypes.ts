import { InputError } from "../errors.js";
import { GraphBuilder, MAX_CHAIN, type ListGraph } from "../graph.js";
import type { ScalarKind, Target } from "../targets.js";
import type { Member, SourceLoc, Type, TypeId } from "../types.js";

// ctypes lays out Structure and Union classes with its own algorithm
// (CPython's Modules/_ctypes/stgdict.c and cfield.c), not the C compiler's.
// Plain members follow the C rules; bitfields do not: CPython 3.11 keeps one
// open storage unit, continues it with a narrower type by placing the field
// at "end of unit minus the field's own size", widens it in place for a
// wider type, and in a Union never resets it between members (so a second
// bitfield lands before the union's start). These quirks are reproduced, not
// fixed: the point is to say where CPython reads the bits.

/** The scalar types of the ctypes module, by the name ctypes gives them. */
export interface CtypesScalar {
  kind: ScalarKind | "wchar";
  signed: boolean;
  float?: boolean;
  encoding?: "char" | "bool";
  /** Whether CPython 3.11 accepts it as a bitfield's type. */
  bitfield: boolean;
  /** Whether BigEndianStructure/LittleEndianStructure have a swapped form of it. */
  swappable: boolean;
}

const int = (kind: ScalarKind, signed: boolean): CtypesScalar => ({ kind, signed, bitfield: true, swappable: true });

export const CTYPES_SCALARS: Readonly<Record<string, CtypesScalar>> = {
  c_bool: { kind: "bool", signed: false, encoding: "bool", bitfield: true, swappable: false },
  c_char: { kind: "char", signed: true, encoding: "char", bitfield: false, swappable: true },
  c_wchar: { kind: "wchar", signed: true, bitfield: false, swappable: false },
  c_byte: int("char", true),
  c_ubyte: int("char", false),
  c_int8: int("char", true),
  c_uint8: int("char", false),
  c_short: int("short", true),
  c_ushort: int("short", false),
  c_int16: int("short", true),
  c_uint16: int("short", false),
  c_int: int("int", true),
  c_uint: int("int", false),
  c_int32: int("int", true),
  c_uint32: int("int", false),
  c_long: int("long", true),
  c_ulong: int("long", false),
  c_ssize_t: int("long", true),
  c_size_t: int("long", false),
  c_time_t: int("long", true),
  c_longlong: int("longlong", true),
  c_ulonglong: int("longlong", false),
  c_int64: int("longlong", true),
  c_uint64: int("longlong", false),
  c_float: { kind: "float", signed: true, float: true, bitfield: false, swappable: true },
  c_double: { kind: "double", signed: true, float: true, bitfield: false, swappable: true },
  c_longdouble: { kind: "longdouble", signed: true, float: true, bitfield: false, swappable: false },
  c_void_p: { kind: "pointer", signed: false, bitfield: false, swappable: false },
  c_char_p: { kind: "pointer", signed: false, bitfield: false, swappable: false },
  c_wchar_p: { kind: "pointer", signed: false, bitfield: false, swappable: false },
};

/** A field's type as written: a ctypes scalar, `POINTER(T)`, `T * n`, or another class. */
export type CtypesTypeRef =
  | { kind: "scalar"; name: string }
  | { kind: "pointer"; to?: CtypesTypeRef }
  | { kind: "array"; elem: CtypesTypeRef; count: number }
  /** Index of another record in the same declaration list. */
  | { kind: "record"; index: number };

export interface CtypesField {
  name: string;
  type: CtypesTypeRef;
  /** Width of a bitfield: the third element of the `_fields_` tuple. */
  bits?: number;
  loc?: SourceLoc;
}

export interface CtypesRecord {
  name: string;
  kind: "struct" | "union";
  /** `BigEndianStructure` and friends; `native` for Structure and Union. */
  byteOrder: "native" | "big" | "little";
  /** `_pack_`; absent or 0 for none. */
  pack?: number;
  /** A base class that is itself a Structure with fields, which come first. */
  base?: number;
  fields: CtypesField[];
  /** Names listed in `_anonymous_`: C's anonymous members. */
  anonymous?: string[];
  loc?: SourceLoc;
}

/** What CPython itself reports for a field: `Field.offset` and `Field.size`. */
export interface CtypesFieldInfo {
  name: string;
  offset: number;
  /** `(bitSize << 16) | bitShift` for a bitfield, the byte size otherwise. */
  size: number;
}

export interface CtypesRecordInfo {
  size: number;
  align: number;
  /** Own fields, without the base class's. */
  fields: CtypesFieldInfo[];
}

export interface CtypesLayout {
  graph: ListGraph;
  /** Type ids of the `extra` references, in order. */
  extraIds: TypeId[];
  /** Type id of each record, in declaration order; the same for every target. */
  ids: TypeId[];
  /** CPython's own figures for each record (`ctypes.sizeof`, `Field.offset`, `Field.size`). */
  records: CtypesRecordInfo[];
}

interface Sized {
  id: TypeId;
  size: number;
  align: number;
}

/**
 * Lays out ctypes declarations for a machine. Type ids depend only on the
 * declarations, so the graphs of two targets can be compared id by id.
 * `extra` are further types (a map key's `c_int`, a `POINTER(T)`) that need
 * ids in the same graph; `more` may add other nodes before it is built.
 */
export function layoutCtypes(
  records: readonly CtypesRecord[],
  target: Target,
  file: string,
  extra: readonly CtypesTypeRef[] = [],
  more?: (b: GraphBuilder) => void,
): CtypesLayout {
  const b = new GraphBuilder();
  const ids = records.map(() => b.reserve());
  const infos: (CtypesRecordInfo | undefined)[] = records.map(() => undefined);
  const state: ("todo" | "busy" | "done")[] = records.map(() => "todo");
  const memo = new Map<string, Sized>();

  const scalar = (name: string, loc: SourceLoc | undefined): Sized => {
    const key = `s:${name}`;
    const known = memo.get(key);
    if (known) return known;
    const info = CTYPES_SCALARS[name];
    if (!info) throw new InputError(file, `${name} is not a ctypes scalar type`, at(loc));
    const { size, align } = info.kind === "wchar" ? { size: 4, align: 4 } : target.scalars[info.kind] ?? missing(name, loc);
    let t: Type;
    if (info.kind === "pointer") t = { kind: "ptr", target: 0 };
    else if (info.float) t = { kind: "float", name, size };
    else t = { kind: "int", name, size, signed: info.signed, encoding: info.encoding ?? "none", bits: size * 8, bitOffset: 0 };
    const sized = { id: b.add(t), size, align };
    memo.set(key, sized);
    return sized;
  };

  const missing = (name: string, loc: SourceLoc | undefined): never => {
    throw new InputError(file, `${name} does not exist on ${target.name}`, at(loc));
  };

  const typeOf = (ref: CtypesTypeRef, loc: SourceLoc | undefined, depth: number): Sized => {
    if (depth > MAX_CHAIN) throw new InputError(file, `ctypes type nested deeper than ${MAX_CHAIN}`, at(loc));
    switch (ref.kind) {
      case "scalar":
        return scalar(ref.name, loc);
      case "record":
        return record(ref.index, depth + 1);
      case "pointer": {
        const key = `p:${refKey(ref)}`;
        const known = memo.get(key);
        if (known) return known;
        // A pointer's target is only named, never laid out here: a class may
        // point at itself through POINTER before its fields exist.
        const to = ref.to === undefined ? 0 : ref.to.kind === "record" ? ids[ref.to.index]! : typeOf(ref.to, loc, depth + 1).id;
        const p = target.scalars.pointer;
        const sized = { id: b.add({ kind: "ptr", target: to }), size: p.size, align: p.align };
        memo.set(key, sized);
        return sized;
      }
      case "array": {
        const key = `a:${refKey(ref)}`;
        const known = memo.get(key);
        if (known) return known;
        if (!Number.isSafeInteger(ref.count) || ref.count < 0) throw new InputError(file, `array length ${ref.count} is not a count`, at(loc));
        const elem = typeOf(ref.elem, loc, depth + 1);
        const sized = { id: b.add({ kind: "array", elem: elem.id, count: ref.count }), size: elem.size * ref.count, align: elem.align };
        memo.set(key, sized);
        return sized;
      }
    }
  };

  const record = (index: number, depth: number): Sized => {
    const r = records[index];
    if (!r) throw new InputError(file, `ctypes record ${index} does not exist`);
    if (state[index] === "busy") throw new InputError(file, `${r.name} contains itself`, at(r.loc));
    if (state[index] === "todo") {
      state[index] = "busy";
      infos[index] = layoutRecord(index, depth);
      state[index] = "done";
    }
    const info = infos[index]!;
    return { id: ids[index]!, size: info.size, align: info.align };
  };

  const layoutRecord = (index: number, depth: number): CtypesRecordInfo => {
    const r = records[index]!;
    const members: Member[] = [];
    let size = 0;
    let totalAlign = 1;
    if (r.base !== undefined) {
      const base = record(r.base, depth + 1);
      const baseType = b.types[base.id];
      if (baseType && (baseType.kind === "struct" || baseType.kind === "union")) members.push(...baseType.members);
      size = base.size;
      totalAlign = base.align || 1;
    }
    const pack = effectivePack(records, index);
    const big = r.byteOrder === "big" || (r.byteOrder === "native" && target.byteOrder === "big");
    // cfield.c's running state: the open bitfield unit (bits) and the next bit in it.
    let unitBits = 0;
    let bitPos = 0;
    let offset = size;
    let unionSize = 0;
    const fields: CtypesFieldInfo[] = [];
    for (const f of r.fields) {
      const t = typeOf(f.type, f.loc, depth + 1);
      const bits = f.bits ?? 0;
      if (f.bits !== undefined) checkBitfield(f, t, r, file);
      if (r.kind === "union") {
        size = 0;
        offset = 0;
      }
      let fieldOffset: number;
      let fieldSize: number;
      let align = 0;
      const shiftOf = (pos: number): number => (big ? unitBits - pos - bits : pos);
      const unitSize = t.size * 8;
      if (bits && unitBits && unitSize <= unitBits && bitPos + bits <= unitBits) {
        // Continue the open unit, even with a narrower type.
        fieldSize = (bits << 16) | shiftOf(bitPos);
        fieldOffset = offset - t.size;
        bitPos += bits;
      } else if (bits && unitBits && unitSize >= unitBits && bitPos + bits <= unitSize) {
        // Widen the open unit in place to this wider type.
        offset += t.size - unitBits / 8;
        size += t.size - unitBits / 8;
        unitBits = unitSize;
        fieldSize = (bits << 16) | shiftOf(bitPos);
        fieldOffset = offset - t.size;
        bitPos += bits;
      } else {
        if (bits) {
          bitPos = 0;
          unitBits = unitSize;
          fieldSize = (bits << 16) | shiftOf(0);
          bitPos = bits;
        } else {
          unitBits = 0;
          bitPos = 0;
          fieldSize = t.size;
        }
        align = pack ? Math.min(pack, t.align) : t.align;
        if (align && offset % align) {
          const delta = align - (offset % align);
          size += delta;
          offset += delta;
        }
        size += t.size;
        fieldOffset = offset;
        offset += t.size;
      }
      if (r.kind === "union") unionSize = Math.max(size, unionSize);
      totalAlign = Math.max(align, totalAlign);
      fields.push({ name: f.name, offset: fieldOffset, size: fieldSize });
      members.push(member(f, t, fieldOffset, fieldSize, big, r));
    }
    if (r.kind === "union") size = unionSize;
    size = Math.ceil(size / totalAlign) * totalAlign;
    b.set(ids[index]!, { kind: r.kind, name: r.name, size, align: totalAlign, members, loc: r.loc });
    return { size, align: totalAlign, fields };
  };

  records.forEach((_, i) => record(i, 0));
  const extraIds = extra.map((ref) => typeOf(ref, undefined, 0).id);
  more?.(b);
  return { graph: b.build(target, file), ids, extraIds, records: infos.map((i) => i!) };
}

/**
 * The IR member: a bitfield's absolute bit offset is where CPython's getter
 * reads it: little-endian counts from bit 0 of the field's own storage at
 * `offset`, big-endian from its most significant bit, as BTF numbers bits.
 */
function member(f: CtypesField, t: Sized, offset: number, size: number, big: boolean, r: CtypesRecord): Member {
  const anonymous = r.anonymous?.includes(f.name) ?? false;
  const name = anonymous ? "" : f.name;
  if (!f.bits) return { name, type: t.id, bitOffset: offset * 8, bitSize: 0, loc: f.loc };
  const shift = size & 0xffff;
  const bitOffset = big ? offset * 8 + t.size * 8 - shift - f.bits : offset * 8 + shift;
  return { name, type: t.id, bitOffset, bitSize: f.bits, loc: f.loc };
}

/** `_pack_` is a class attribute: a subclass without its own inherits its base's. */
function effectivePack(records: readonly CtypesRecord[], index: number): number {
  for (let i: number | undefined = index, depth = 0; i !== undefined && depth <= MAX_CHAIN; depth++) {
    const r: CtypesRecord | undefined = records[i];
    if (r?.pack !== undefined) return r.pack;
    i = r?.base;
  }
  return 0;
}

function checkBitfield(f: CtypesField, t: Sized, r: CtypesRecord, file: string): void {
  const ok = f.type.kind === "scalar" && CTYPES_SCALARS[f.type.name]?.bitfield === true;
  if (!ok) throw new InputError(file, `${r.name}.${f.name}: bit fields not allowed for this type`, at(f.loc));
  if (!Number.isInteger(f.bits) || f.bits! <= 0 || f.bits! > t.size * 8) {
    throw new InputError(file, `${r.name}.${f.name}: number of bits invalid for bit field`, at(f.loc));
  }
}

function refKey(ref: CtypesTypeRef): string {
  switch (ref.kind) {
    case "scalar":
      return ref.name;
    case "record":
      return `#${ref.index}`;
    case "pointer":
      return `*(${ref.to ? refKey(ref.to) : "void"})`;
    case "array":
      return `[${ref.count}](${refKey(ref.elem)})`;
  }
}

function at(loc: SourceLoc | undefined): { line?: number; column?: number } {
  return loc ? { line: loc.line, column: loc.column } : {};
}
