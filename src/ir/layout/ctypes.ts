import { InputError } from "../errors.js";
import { GraphBuilder, MAX_CHAIN, type ListGraph } from "../graph.js";
import type { ScalarKind, Target } from "../targets.js";
import type { Member, SourceLoc, Type, TypeId } from "../types.js";

// ctypes lays out Structure and Union classes with its own algorithm, and
// the algorithm is the CPython version's: up to 3.13 it is cfield.c's (one
// open storage unit, continued with a narrower type by placing the field at
// "end of unit minus the field's own size", widened in place for a wider
// type, never reset between a Union's members); from 3.14 it is
// Lib/ctypes/_layout.py's, which follows gcc ('gcc-sysv', the default off
// Windows) or MSVC ('ms', chosen by `_layout_` or implied by `_pack_`).
// These quirks are reproduced, not fixed: the point is to say where the
// CPython the user runs reads the bits. Where cfield.c shifts a bitfield
// outside its own type's storage, C leaves the result undefined (4- and
// 8-byte types aside, which x86-64 and AArch64 shift modulo their width): such a
// field is named, not placed.

/** A CPython release, as `python.version` and `--python-version` name it. */
export interface PythonVersion {
  major: number;
  minor: number;
}

/** The CPython the model follows unless told otherwise: Debian 12's and Ubuntu 23.04's python3. */
export const DEFAULT_PYTHON: PythonVersion = { major: 3, minor: 11 };

/** The releases whose ctypes layout is modelled: 3.6 (the oldest with the cfield.c of today) on. */
export const OLDEST_PYTHON: PythonVersion = { major: 3, minor: 6 };

/** `3.14` to a version; undefined for anything that is not MAJOR.MINOR of a modelled release. */
export function parsePythonVersion(text: string): PythonVersion | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const v = { major: Number(m[1]), minor: Number(m[2]) };
  return v.major === 3 && v.minor >= OLDEST_PYTHON.minor && v.minor < 100 ? v : undefined;
}

export function pythonAtLeast(v: PythonVersion, minor: number): boolean {
  return v.major > 3 || (v.major === 3 && v.minor >= minor);
}

export const formatPython = (v: PythonVersion): string => `${v.major}.${v.minor}`;

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
  /** `_layout_`, which CPython reads from 3.14 on. */
  layout?: "gcc-sysv" | "ms";
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
  /** A bitfield cfield.c shifts outside its own type: what CPython reads there is undefined in C, so it has no IR member. */
  undefinedBits?: true;
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
  python: PythonVersion = DEFAULT_PYTHON,
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
    let base: Sized | undefined;
    if (r.base !== undefined) {
      base = record(r.base, depth + 1);
      const baseType = b.types[base.id];
      if (baseType && (baseType.kind === "struct" || baseType.kind === "union")) members.push(...baseType.members);
    }
    const big = r.byteOrder === "big" || (r.byteOrder === "native" && target.byteOrder === "big");
    const items = r.fields.map((f) => {
      const t = typeOf(f.type, f.loc, depth + 1);
      if (f.bits !== undefined) checkBitfield(f, t, r, file);
      return { ...t, bits: f.bits };
    });
    const how = { union: r.kind === "union", base, pack: inherited(records, index, (x) => x.pack) ?? 0, big };
    const rules = layoutRules(records, index, python);
    const placed = rules === "cfield" ? placeCfield(items, how) : placeLayoutPy(items, how, rules === "gcc-sysv");
    const fields: CtypesFieldInfo[] = placed.fields.map(({ readShift, ...p }, i) => {
      if (!p.undefinedBits) members.push(member(r.fields[i]!, items[i]!, p.offset, readShift ?? p.size & 0xffff, big, r, rules === "cfield"));
      return { name: r.fields[i]!.name, ...p };
    });
    b.set(ids[index]!, { kind: r.kind, name: r.name, size: placed.size, align: placed.align, members, loc: r.loc });
    return { size: placed.size, align: placed.align, fields };
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
function member(f: CtypesField, t: Sized, offset: number, shift: number, big: boolean, r: CtypesRecord, cfield: boolean): Member {
  const anonymous = r.anonymous?.includes(f.name) ?? false;
  const name = anonymous ? "" : f.name;
  // cfield.c's c_bool getter and setter ignore the bitfield's shift and width: the whole byte is the value.
  const wholeByte = cfield && f.type.kind === "scalar" && f.type.name === "c_bool";
  if (!f.bits || wholeByte) return { name, type: t.id, bitOffset: offset * 8, bitSize: 0, loc: f.loc };
  const bitOffset = big ? offset * 8 + t.size * 8 - shift - f.bits : offset * 8 + shift;
  return { name, type: t.id, bitOffset, bitSize: f.bits, loc: f.loc };
}

/** `_pack_` and `_layout_` are class attributes: a subclass without its own inherits its base's. */
function inherited<T>(records: readonly CtypesRecord[], index: number, get: (r: CtypesRecord) => T | undefined): T | undefined {
  for (let i: number | undefined = index, depth = 0; i !== undefined && depth <= MAX_CHAIN; depth++) {
    const r: CtypesRecord | undefined = records[i];
    const v = r && get(r);
    if (v !== undefined) return v;
    i = r?.base;
  }
  return undefined;
}

/** Which algorithm lays out a class: cfield.c's before 3.14; _layout.py's gcc or MSVC rules from 3.14 (`_pack_` implies MSVC's off Windows). */
export function layoutRules(records: readonly CtypesRecord[], index: number, python: PythonVersion): "cfield" | "gcc-sysv" | "ms" {
  if (!pythonAtLeast(python, 14)) return "cfield";
  return inherited(records, index, (r) => r.layout) ?? (inherited(records, index, (r) => r.pack) ? "ms" : "gcc-sysv");
}

/**
 * Why the CPython version named would refuse to create this class, when it
 * would: the checks that depend on the version, in CPython's own words.
 */
export function ctypesRejects(records: readonly CtypesRecord[], index: number, python: PythonVersion): string | undefined {
  const r = records[index]!;
  const v = formatPython(python);
  if (r.kind === "union" && r.byteOrder !== "native" && !pythonAtLeast(python, 11)) {
    return `${r.byteOrder === "big" ? "BigEndianUnion" : "LittleEndianUnion"} is new in CPython 3.11; CPython ${v} has none`;
  }
  const scalars = (ref: CtypesTypeRef): string[] => (ref.kind === "scalar" ? [ref.name] : ref.kind === "array" ? scalars(ref.elem) : ref.kind === "pointer" && ref.to ? scalars(ref.to) : []);
  if (!pythonAtLeast(python, 12) && r.fields.some((f) => scalars(f.type).includes("c_time_t"))) return `c_time_t is new in CPython 3.12; CPython ${v} has none`;
  if (pythonAtLeast(python, 14) && inherited(records, index, (x) => x.pack) !== undefined && layoutRules(records, index, python) === "gcc-sysv") {
    return `_pack_ is not compatible with gcc-sysv layout (CPython ${v})`;
  }
  return undefined;
}

interface Item {
  size: number;
  align: number;
  bits?: number;
}

interface How {
  union: boolean;
  base?: Sized;
  /** 0 for none. */
  pack: number;
  big: boolean;
}

interface Placement {
  size: number;
  align: number;
  /** `readShift`: the shift the getter ends up applying, when it is not Field.size's. */
  fields: (Omit<CtypesFieldInfo, "name"> & { readShift?: number })[];
}

/**
 * cfield.c's running state up to CPython 3.13: one open bitfield unit (bits)
 * and the next bit in it, continued by any bitfield that fits, whatever its type.
 */
function placeCfield(items: readonly Item[], how: How): Placement {
  let size = how.base?.size ?? 0;
  let totalAlign = how.base ? how.base.align || 1 : 1;
  let unitBits = 0;
  let bitPos = 0;
  let offset = size;
  let unionSize = 0;
  const fields: Placement["fields"] = [];
  for (const t of items) {
    const bits = t.bits ?? 0;
    if (how.union) {
      size = 0;
      offset = 0;
    }
    let fieldOffset: number;
    let fieldSize: number;
    let align = 0;
    const shiftOf = (pos: number): number => (how.big ? unitBits - pos - bits : pos);
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
        unitBits = unitSize;
        fieldSize = (bits << 16) | shiftOf(0);
        bitPos = bits;
      } else {
        unitBits = 0;
        bitPos = 0;
        fieldSize = t.size;
      }
      align = how.pack ? Math.min(how.pack, t.align) : t.align;
      if (align && offset % align) {
        const delta = align - (offset % align);
        size += delta;
        offset += delta;
      }
      size += t.size;
      fieldOffset = offset;
      offset += t.size;
    }
    if (how.union) unionSize = Math.max(size, unionSize);
    totalAlign = Math.max(align, totalAlign);
    // The getter shifts the field's own type by the unit's shift. Past its
    // width C says nothing of the result; x86-64 and AArch64 take a 32- or
    // 64-bit shift count modulo the width, so a 4- or 8-byte type reads a
    // clean range there, while a 1- or 2-byte one, promoted to int first,
    // reads nothing. A Union's carried-over unit puts the storage before the
    // union's start: memory that is not the object's.
    const width = t.size * 8;
    let readShift = fieldSize & 0xffff;
    if (bits && readShift + bits > width && t.size >= 4) readShift %= width;
    const outside = bits > 0 && (readShift + bits > width || fieldOffset < 0);
    fields.push({ offset: fieldOffset, size: fieldSize, readShift, ...(outside ? { undefinedBits: true as const } : {}) });
  }
  if (how.union) size = unionSize;
  size = Math.ceil(size / totalAlign) * totalAlign;
  return { size, align: totalAlign, fields };
}

/**
 * Lib/ctypes/_layout.py from CPython 3.14: gcc's rule (a bitfield never
 * straddles a slot of its own type's size and alignment) or MSVC's (a
 * bitfield continues the open unit only with a type of the same size).
 */
function placeLayoutPy(items: readonly Item[], how: How, gcc: boolean): Placement {
  let align = Math.max(1, how.base?.align ?? 1);
  let lastFieldBits = 0;
  let nextBit = 0;
  let nextByte = 0;
  let structSize = how.base?.size ?? 0;
  let unionSize = 0;
  if (gcc) nextBit = structSize * 8;
  else nextByte = structSize;
  const fields: Placement["fields"] = [];
  for (const t of items) {
    if (how.union) {
      lastFieldBits = 0;
      nextBit = 0;
      nextByte = 0;
    }
    const typeBits = t.size * 8;
    const bitSize = t.bits ?? typeBits;
    let typeAlign = t.align || 1;
    let offset: number;
    let bitOffset = 0;
    if (gcc) {
      const bitAlign = typeAlign * 8;
      if (nextBit + bitSize > roundDown(nextBit, bitAlign) + typeBits) nextBit = roundUp(nextBit, bitAlign);
      offset = roundDown(nextBit, bitAlign) / 8;
      bitOffset = nextBit - 8 * offset;
      nextBit += bitSize;
      structSize = roundUp(nextBit, 8) / 8;
    } else {
      if (how.pack) typeAlign = Math.min(how.pack, typeAlign);
      if (nextBit + bitSize > 0 || typeBits !== lastFieldBits) {
        nextByte = roundUp(nextByte, typeAlign) + t.size;
        lastFieldBits = typeBits;
        nextBit = -lastFieldBits;
      }
      offset = nextByte - lastFieldBits / 8;
      bitOffset = lastFieldBits + nextBit;
      nextBit += bitSize;
      structSize = nextByte;
    }
    if (t.bits !== undefined && how.big) bitOffset = typeBits - bitSize - bitOffset;
    fields.push({ offset, size: t.bits !== undefined ? (bitSize << 16) | bitOffset : t.size });
    align = Math.max(align, typeAlign);
    if (how.union) unionSize = Math.max(structSize, unionSize);
  }
  return { size: roundUp(how.union ? unionSize : structSize, align), align, fields };
}

const roundDown = (n: number, m: number): number => Math.floor(n / m) * m;
const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

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
