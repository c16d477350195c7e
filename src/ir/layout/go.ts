import { GraphBuilder, type ListGraph } from "../graph.js";
import type { LayoutMode } from "../bindings.js";
import type { Target } from "../targets.js";
import type { Member, SourceLoc, Type, TypeId } from "../types.js";

// Go's two layouts of one declaration: the gc compiler's in memory
// (unsafe.Sizeof/Alignof/Offsetof, what an unsafe cast of a ring buffer
// sample sees) and encoding/binary's byte stream (binary.Size, what
// binary.Read consumes). Both follow cmd/compile/internal/types/size.go and
// encoding/binary as of Go 1.19, and are checked against that compiler in
// test/ir/layout-go*.test.ts.

export type GoArch = "amd64" | "arm64" | "386" | "arm";

export const GO_ARCHES: readonly GoArch[] = ["amd64", "arm64", "386", "arm"];

export type GoBasicName =
  | "bool"
  | "int8"
  | "uint8"
  | "byte"
  | "int16"
  | "uint16"
  | "int32"
  | "rune"
  | "uint32"
  | "int64"
  | "uint64"
  | "int"
  | "uint"
  | "uintptr"
  | "float32"
  | "float64"
  | "complex64"
  | "complex128"
  | "string"
  | "unsafe.Pointer";

/** An array length, which may depend on the machine (`[unsafe.Sizeof(x)]byte`). */
export interface GoLength {
  at(arch: GoArch): number;
  /** The length on `arch` where `at` has given it already; never evaluates. */
  evaluated?(arch: GoArch): number | undefined;
}

export interface GoField {
  /** `_` for blank fields; the type's name for embedded ones. */
  name: string;
  type: GoType;
  embedded: boolean;
  /** The raw struct tag, without quotes. */
  tag?: string;
  loc: SourceLoc;
}

export type GoType =
  | { kind: "basic"; name: GoBasicName }
  /** A declared type; `target` is filled once every declaration of the file is known. */
  | { kind: "named"; name: string; alias: boolean; target: GoType; loc?: SourceLoc }
  | { kind: "array"; len: GoLength; elem: GoType; loc?: SourceLoc }
  | { kind: "struct"; fields: GoField[]; loc?: SourceLoc }
  /** Pointers, and the types that are one word pointing elsewhere (map, chan, func); `elem` null for those. */
  | { kind: "pointer"; elem: GoType | null }
  | { kind: "slice"; elem: GoType }
  | { kind: "interface" }
  /** A type declared in another file or package: its layout is not known here. */
  | { kind: "unknown"; name: string; loc?: SourceLoc };

export type GoStruct = Extract<GoType, { kind: "struct" }>;
export type GoNamed = Extract<GoType, { kind: "named" }>;

/** A declaration the layout cannot place: a type from elsewhere, a recursive struct, a bad length. */
export class GoLayoutError extends Error {
  constructor(
    message: string,
    readonly loc?: SourceLoc,
    /** The type is declared in another file or package: a limit of reading one file, not a fault in it. */
    readonly foreign = false,
  ) {
    super(message);
  }
}

/** The Go architecture whose rules lay out a target; the BPF targets have none, and take the 64-bit rules. */
export function goArchOf(target: Target): GoArch {
  return target.goArch ?? (target.scalars.pointer.size === 8 ? "amd64" : "386");
}

const BASIC_NAMES = new Set<string>([
  "bool", "int8", "uint8", "byte", "int16", "uint16", "int32", "rune", "uint32", "int64", "uint64",
  "int", "uint", "uintptr", "float32", "float64", "complex64", "complex128", "string",
]);

export function isGoBasicName(name: string): name is GoBasicName {
  return BASIC_NAMES.has(name);
}

// Beyond this a size stops being a byte count any machine we target holds,
// and bit offsets would leave the range of exact doubles.
const MAX_SIZE = 2 ** 48;
const MAX_DEPTH = 64;

export interface GoShape {
  size: number;
  align: number;
}

/** The gc compiler's layout of types for one architecture. Shapes are cached per type. */
export class GoLayout {
  /** Pointer size, which is also the register size that aligns 8-byte scalars (4 on 386 and arm). */
  readonly ptr: number;
  private readonly shapes = new Map<GoType, GoShape>();
  private readonly offsetCache = new Map<GoStruct, number[]>();
  private readonly busy = new Set<GoType>();

  constructor(readonly arch: GoArch) {
    this.ptr = arch === "amd64" || arch === "arm64" ? 8 : 4;
  }

  basic(name: GoBasicName): GoShape {
    switch (name) {
      case "bool":
      case "int8":
      case "uint8":
      case "byte":
        return { size: 1, align: 1 };
      case "int16":
      case "uint16":
        return { size: 2, align: 2 };
      case "int32":
      case "uint32":
      case "rune":
      case "float32":
        return { size: 4, align: 4 };
      case "int64":
      case "uint64":
      case "float64":
        return { size: 8, align: this.ptr };
      case "complex64":
        return { size: 8, align: 4 };
      case "complex128":
        return { size: 16, align: this.ptr };
      case "int":
      case "uint":
      case "uintptr":
      case "unsafe.Pointer":
        return { size: this.ptr, align: this.ptr };
      case "string":
        return { size: 2 * this.ptr, align: this.ptr };
    }
  }

  shape(t: GoType): GoShape {
    const known = this.shapes.get(t);
    if (known) return known;
    if (this.busy.has(t)) throw new GoLayoutError(`invalid recursive type ${describeGo(t)}`, locOf(t));
    if (this.busy.size > MAX_DEPTH) throw new GoLayoutError(`types nested deeper than ${MAX_DEPTH}`, locOf(t));
    this.busy.add(t);
    try {
      const s = this.compute(t);
      this.shapes.set(t, s);
      return s;
    } finally {
      this.busy.delete(t);
    }
  }

  private compute(t: GoType): GoShape {
    switch (t.kind) {
      case "basic":
        return this.basic(t.name);
      case "named":
        return this.shape(t.target);
      case "pointer":
        return { size: this.ptr, align: this.ptr };
      case "slice":
        return { size: 3 * this.ptr, align: this.ptr };
      case "interface":
        return { size: 2 * this.ptr, align: this.ptr };
      case "unknown":
        throw new GoLayoutError(`type ${t.name} is not declared in this file`, t.loc, true);
      case "array": {
        const n = t.len.at(this.arch);
        const e = this.shape(t.elem);
        const size = n * e.size;
        if (size > MAX_SIZE) throw new GoLayoutError(`array of ${n} elements of ${e.size} bytes is too large`, t.loc);
        return { size, align: e.align };
      }
      case "struct": {
        const { size, align } = this.placeStruct(t);
        return { size, align };
      }
    }
  }

  /** Byte offsets of a struct's fields. */
  offsets(t: GoStruct): readonly number[] {
    this.shape(t);
    return this.offsetCache.get(t) ?? [];
  }

  private placeStruct(t: GoStruct): GoShape {
    const offsets: number[] = [];
    let align = 1;
    let o = 0;
    // A struct that ends in a zero-size field gets one byte more, so the
    // field's address cannot point at the next object (Go issue 9401).
    let lastZero = -1;
    for (const f of t.fields) {
      const s = this.shape(f.type);
      if (s.align > align) align = s.align;
      o = roundUp(o, s.align);
      offsets.push(o);
      if (s.size === 0) lastZero = o;
      o += s.size;
      if (o > MAX_SIZE) throw new GoLayoutError(`struct is too large`, f.loc);
    }
    if (o > 0 && o === lastZero) o++;
    this.offsetCache.set(t, offsets);
    return { size: roundUp(o, align), align };
  }

  /**
   * encoding/binary's size of a type (binary.Size), or undefined where it
   * refuses the type: int, uint, uintptr, pointers, strings, slices, maps,
   * interfaces anywhere inside.
   */
  binarySize(t: GoType): number | undefined {
    const s = this.packedShape(t);
    return s.encodable ? s.size : undefined;
  }

  /**
   * The packed layout. Fields encoding/binary refuses keep their memory size
   * so that offsets after them stay meaningful; `encodable` says whether
   * binary.Read would accept the whole type.
   */
  packedShape(t: GoType, depth = 0): { size: number; encodable: boolean } {
    if (depth > MAX_DEPTH) throw new GoLayoutError(`types nested deeper than ${MAX_DEPTH}`, locOf(t));
    switch (t.kind) {
      case "basic": {
        const size = this.basic(t.name).size;
        const refused = t.name === "int" || t.name === "uint" || t.name === "uintptr" || t.name === "string" || t.name === "unsafe.Pointer";
        return { size, encodable: !refused };
      }
      case "named":
        return this.packedShape(t.target, depth + 1);
      case "array": {
        const e = this.packedShape(t.elem, depth + 1);
        return { size: t.len.at(this.arch) * e.size, encodable: e.encodable };
      }
      case "struct": {
        let size = 0;
        let encodable = true;
        for (const f of t.fields) {
          const s = this.packedShape(f.type, depth + 1);
          size += s.size;
          encodable &&= s.encodable;
        }
        return { size, encodable };
      }
      default:
        return { size: this.shape(t).size, encodable: false };
    }
  }
}

function roundUp(n: number, align: number): number {
  return align > 1 ? Math.ceil(n / align) * align : n;
}

function locOf(t: GoType): SourceLoc | undefined {
  return "loc" in t ? t.loc : undefined;
}

/** Go spelling of a type, for messages and synthetic names. */
export function describeGo(t: GoType, depth = 0): string {
  if (depth > 8) return "...";
  switch (t.kind) {
    case "basic":
      return t.name;
    case "named":
    case "unknown":
      return t.name;
    case "array":
      return `[N]${describeGo(t.elem, depth + 1)}`;
    case "struct":
      return "struct{...}";
    case "pointer":
      return t.elem ? `*${describeGo(t.elem, depth + 1)}` : "unsafe.Pointer";
    case "slice":
      return `[]${describeGo(t.elem, depth + 1)}`;
    case "interface":
      return "interface{}";
  }
}

/** Follows declared names and aliases to the type that decides the layout. */
export function underlying(t: GoType): GoType {
  for (let depth = 0; t.kind === "named" && depth < MAX_DEPTH; depth++) t = t.target;
  return t;
}

/**
 * Go types as an IR graph for one machine and one mode. Nodes are created in
 * the same order whatever the target, so a type has the same id in every
 * graph built from the same roots. `broken` types (their layout failed on
 * some machine) become forward declarations: a name without a layout.
 */
/**
 * cilium's alignchecker names the C member a field mirrors in its tag,
 * `align:"family"`; `$union0` stands for C's unnamed unions, which have no
 * name to meet.
 */
function alignTag(f: GoField): { mirrors?: string } {
  const m = f.tag === undefined ? null : /(?:^|\s)align:"([A-Za-z_]\w*)"/.exec(f.tag);
  return m?.[1] ? { mirrors: m[1] } : {};
}

export function buildGoGraph(
  roots: readonly GoType[],
  broken: ReadonlySet<GoType>,
  target: Target,
  mode: LayoutMode,
  file: string,
): { graph: ListGraph; ids: Map<GoType, TypeId> } {
  const layout = new GoLayout(goArchOf(target));
  const b = new GraphBuilder();
  const ids = new Map<GoType, TypeId>();
  const basics = new Map<string, TypeId>();
  const packed = mode === "packed";

  const basicId = (name: string, make: () => Type): TypeId => {
    let id = basics.get(name);
    if (id === undefined) basics.set(name, (id = b.add(make())));
    return id;
  };

  const intNode = (name: GoBasicName): TypeId =>
    basicId(name, () => {
      const size = layout.basic(name).size;
      const signed = name === "int" || name.startsWith("int") || name === "rune";
      return { kind: "int", name, size, signed, encoding: name === "bool" ? "bool" : "none", bits: size * 8, bitOffset: 0 };
    });

  // Go's multi-word builtins as structs of their words, so that sizes and
  // offsets inside them are real.
  const words = (name: string, members: [string, TypeId][], shape: GoShape): TypeId =>
    basicId(name, () => {
      const word = layout.ptr;
      const m: Member[] = members.map(([n, type], i) => ({ name: n, type, bitOffset: i * word * 8, bitSize: 0 }));
      return { kind: "struct", name, size: shape.size, members: m, align: packed ? 1 : shape.align };
    });

  const basic = (name: GoBasicName): TypeId => {
    switch (name) {
      case "float32":
      case "float64":
        return basicId(name, () => ({ kind: "float", name, size: layout.basic(name).size }));
      case "complex64":
      case "complex128": {
        const part = name === "complex64" ? "float32" : "float64";
        const p = basic(part);
        const half = layout.basic(part).size;
        const shape = layout.basic(name);
        return basicId(name, () => ({
          kind: "struct",
          name,
          size: shape.size,
          members: [
            { name: "real", type: p, bitOffset: 0, bitSize: 0 },
            { name: "imag", type: p, bitOffset: half * 8, bitSize: 0 },
          ],
          align: packed ? 1 : shape.align,
        }));
      }
      case "string": {
        const data = basicId("*byte", () => ({ kind: "ptr", target: intNode("uint8") }));
        return words("string", [["data", data], ["len", intNode("int")]], layout.basic("string"));
      }
      case "unsafe.Pointer":
        return basicId(name, () => ({ kind: "ptr", target: 0 }));
      default:
        return intNode(name);
    }
  };

  const emit = (t: GoType, depth: number): TypeId => {
    const known = ids.get(t);
    if (known !== undefined) return known;
    if (depth > MAX_DEPTH) throw new GoLayoutError(`types nested deeper than ${MAX_DEPTH}`, locOf(t));
    if (t.kind === "basic") {
      const id = basic(t.name);
      ids.set(t, id);
      return id;
    }
    if (broken.has(t) || t.kind === "unknown") {
      const name = t.kind === "named" || t.kind === "unknown" ? t.name : "";
      const id = b.add({ kind: "fwd", name, union: false, loc: locOf(t) });
      ids.set(t, id);
      return id;
    }
    // Reserve first: a struct may point at itself.
    const id = b.reserve();
    ids.set(t, id);
    switch (t.kind) {
      case "named": {
        const inner = underlying(t);
        if (!t.alias && inner.kind === "struct" && t.target === inner && !ids.has(inner)) {
          b.set(id, structNode(t.name, inner, t.loc, depth));
          ids.set(inner, id);
        } else {
          b.set(id, { kind: "typedef", name: t.name, target: emit(t.target, depth + 1), loc: t.loc });
        }
        break;
      }
      case "array":
        b.set(id, { kind: "array", elem: emit(t.elem, depth + 1), count: t.len.at(layout.arch), loc: t.loc });
        break;
      case "struct":
        b.set(id, structNode("", t, t.loc, depth));
        break;
      case "pointer":
        b.set(id, { kind: "ptr", target: t.elem ? emit(t.elem, depth + 1) : 0 });
        break;
      case "slice": {
        const data = b.add({ kind: "ptr", target: emit(t.elem, depth + 1) });
        const len = intNode("int");
        const shape = layout.shape(t);
        const m: Member[] = [
          { name: "data", type: data, bitOffset: 0, bitSize: 0 },
          { name: "len", type: len, bitOffset: layout.ptr * 8, bitSize: 0 },
          { name: "cap", type: len, bitOffset: layout.ptr * 16, bitSize: 0 },
        ];
        b.set(id, { kind: "struct", name: describeGo(t), size: shape.size, members: m, align: packed ? 1 : shape.align });
        break;
      }
      case "interface": {
        const word = basic("unsafe.Pointer");
        const shape = layout.shape(t);
        const m: Member[] = [
          { name: "tab", type: word, bitOffset: 0, bitSize: 0 },
          { name: "data", type: word, bitOffset: layout.ptr * 8, bitSize: 0 },
        ];
        b.set(id, { kind: "struct", name: "interface{}", size: shape.size, members: m, align: packed ? 1 : shape.align });
        break;
      }
    }
    return id;
  };

  const structNode = (name: string, t: GoStruct, loc: SourceLoc | undefined, depth: number): Type => {
    const members: Member[] = [];
    if (packed) {
      let o = 0;
      for (const f of t.fields) {
        members.push({ name: f.name, type: emit(f.type, depth + 1), bitOffset: o * 8, bitSize: 0, loc: f.loc, ...alignTag(f) });
        o += layout.packedShape(f.type).size;
      }
      return { kind: "struct", name, size: o, members, align: 1, loc };
    }
    const offsets = layout.offsets(t);
    t.fields.forEach((f, i) => {
      members.push({ name: f.name, type: emit(f.type, depth + 1), bitOffset: (offsets[i] ?? 0) * 8, bitSize: 0, loc: f.loc, ...alignTag(f) });
    });
    const shape = layout.shape(t);
    return { kind: "struct", name, size: shape.size, members, align: shape.align, loc };
  };

  for (const r of roots) emit(r, 0);
  return { graph: b.build(target, file), ids };
}
