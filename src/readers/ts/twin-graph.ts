import { GraphBuilder, type ListGraph } from "../../ir/graph.js";
import type { Target } from "../../ir/targets.js";
import type { Member, TypeId } from "../../ir/types.js";
import type { FieldElem, TwinDecl, TwinField } from "./twin-decl.js";

// Twins as IR structs: each field a member at the offset the code reads it,
// as wide and as signed as the read. A multi-byte integer goes through a
// typedef named for its byte order (`__be32`, `__le16`), the spelling BTF
// keeps for the C side, so one comparison of typedef chains tells a
// big-endian read of a little-endian field. Fields the code reads over each
// other (a union's members) become an anonymous union, first read first.

export interface TwinGraph {
  graph: ListGraph;
  /** Type id of each twin, by name; the same for every target. */
  ids: Map<string, TypeId>;
}

export function buildTwinGraph(all: readonly TwinDecl[], target: Target, file: string): TwinGraph {
  const decls = withoutCycles(all);
  const b = new GraphBuilder();
  const ids = new Map<string, TypeId>();
  const sizes = new Map<string, number>();
  const byName = new Map(decls.map((d) => [d.name, d]));
  // Reserve every twin's id first so fields can name twins declared later.
  for (const d of decls) ids.set(d.name, b.reserve());
  const scalars = new Map<string, TypeId>();
  const scalar = (name: string, size: number, signed: boolean, kind: "int" | "float", order?: "little" | "big"): TypeId => {
    const key = `${kind}/${name}/${order ?? ""}`;
    let id = scalars.get(key);
    if (id !== undefined) return id;
    const base = kind === "float" ? b.add({ kind: "float", name, size }) : b.add({ kind: "int", name, size, signed, encoding: "none", bits: size * 8, bitOffset: 0 });
    id = order && size > 1 && kind === "int" ? b.add({ kind: "typedef", name: `__${order === "big" ? "be" : "le"}${size * 8}`, target: base }) : base;
    scalars.set(key, id);
    return id;
  };

  const elemType = (e: FieldElem): { id: TypeId; size: number; align: number } => {
    switch (e.kind) {
      case "scalar": {
        const r = e.read;
        const name = r.kind === "float" ? (r.size === 4 ? "float" : "double") : `__${r.signed ? "s" : "u"}${r.size * 8}`;
        return { id: scalar(name, r.size, r.signed, r.kind, r.order), size: r.size, align: Math.min(r.size, 8) };
      }
      case "char":
        return { id: scalar("char", 1, true, "int"), size: 1, align: 1 };
      case "u8":
        return { id: scalar("__u8", 1, false, "int"), size: 1, align: 1 };
      case "s8":
        return { id: scalar("__s8", 1, true, "int"), size: 1, align: 1 };
      case "struct":
        return { id: ids.get(e.twin)!, size: sizeOfTwin(e.twin, 0), align: 1 };
      case "array": {
        const inner = elemType(e.elem);
        return { id: b.add({ kind: "array", elem: inner.id, count: e.count }), size: inner.size * e.count, align: inner.align };
      }
    }
  };

  const fieldType = (f: TwinField): { id: TypeId; bits: number; align: number } => {
    const e = elemType(f.elem);
    if (!f.count) return { id: e.id, bits: e.size * 8, align: e.align };
    return { id: b.add({ kind: "array", elem: e.id, count: f.count }), bits: e.size * 8 * f.count, align: e.align };
  };

  // A twin's size: its constant where the code has one, else its reads' end rounded to their widest alignment.
  function sizeOfTwin(name: string, depth: number): number {
    const known = sizes.get(name);
    if (known !== undefined) return known;
    const d = byName.get(name);
    if (!d || depth > 16) return 0;
    if (d.size !== undefined) {
      sizes.set(name, d.size);
      return d.size;
    }
    let align = 1;
    if (!d.packed) for (const f of d.fields) align = Math.max(align, elemType(f.elem).align);
    const size = Math.ceil(Math.ceil(readEnd(d) / 8) / align) * align;
    sizes.set(name, size);
    return size;
  }

  /** Bits from a twin's start to the end of its last read. */
  function readEnd(d: TwinDecl): number {
    let end = 0;
    for (const f of d.fields) end = Math.max(end, f.bitOffset + (f.bitSize || extent(f)));
    return end;
  }

  /**
   * The bits a field's reads cover. A nested twin's own reads may stop short
   * of its rounded size: a decoder that steps past a nested struct by the sum
   * of its members, not its size, reads the next field inside that padding,
   * and that read belongs to the parent, not to a union with the nested struct.
   */
  function extent(f: TwinField): number {
    const e = elemType(f.elem);
    const nested = f.elem.kind === "struct" ? byName.get(f.elem.twin) : undefined;
    const last = nested && nested.size === undefined ? readEnd(nested) : e.size * 8;
    return (Math.max(1, f.count) - 1) * e.size * 8 + last;
  }

  /**
   * Reads over each other: a union placed at the first byte they share. Its
   * first member, the one C compares, is the run of reads that come first in
   * the code and follow each other without overlapping: a union's anonymous
   * struct, read member by member (`{ lo, hi, whole }`).
   */
  const overlapping = (fields: { f: TwinField; id: TypeId; bits: number; at: number }[], start: number, end: number): Member => {
    const base = Math.floor(start / 8) * 8;
    const inCode = [...fields].sort((x, y) => x.at - y.at);
    const run = [inCode[0]!];
    for (const g of inCode.slice(1)) {
      const last = run[run.length - 1]!;
      if (g.f.bitOffset < last.f.bitOffset + last.bits) break;
      run.push(g);
    }
    const member = (g: { f: TwinField; id: TypeId }, from: number): Member => ({ name: g.f.name, type: g.id, bitOffset: g.f.bitOffset - from, bitSize: g.f.bitSize, loc: g.f.loc });
    let first = member(run[0]!, base);
    if (run.length > 1) {
      const runEnd = Math.max(...run.map((g) => g.f.bitOffset + g.bits));
      const struct = b.add({ kind: "struct", name: "", size: Math.ceil((runEnd - base) / 8), members: run.map((g) => member(g, base)) });
      first = { name: "", type: struct, bitOffset: 0, bitSize: 0, loc: run[0]!.f.loc };
    }
    const rest = inCode.filter((g) => !run.includes(g)).map((g) => member(g, base));
    const union = b.add({ kind: "union", name: "", size: Math.ceil((end - base) / 8), members: [first, ...rest] });
    return { name: "", type: union, bitOffset: base, bitSize: 0, loc: first.loc };
  };

  for (const d of decls) {
    const members: Member[] = [];
    // Sorted by offset to find the reads that overlap; `at` keeps the order they come in the code.
    const fields = d.fields.map((f, at) => ({ f, at })).sort((x, y) => x.f.bitOffset - y.f.bitOffset);
    let group: { start: number; end: number; fields: { f: TwinField; id: TypeId; bits: number; at: number }[] } | undefined;
    const flush = (): void => {
      if (!group) return;
      if (group.fields.length === 1) {
        const { f, id } = group.fields[0]!;
        members.push({ name: f.name, type: id, bitOffset: f.bitOffset, bitSize: f.bitSize, loc: f.loc });
      } else {
        members.push(overlapping(group.fields, group.start, group.end));
      }
      group = undefined;
    };
    for (const { f, at } of fields) {
      const t = fieldType(f);
      const bits = f.bitSize || extent(f);
      if (group && f.bitOffset < group.end) {
        group.fields.push({ f, id: t.id, bits, at });
        group.end = Math.max(group.end, f.bitOffset + bits);
        continue;
      }
      flush();
      group = { start: f.bitOffset, end: f.bitOffset + bits, fields: [{ f, id: t.id, bits, at }] };
    }
    flush();
    b.set(ids.get(d.name)!, { kind: "struct", name: d.name, size: sizeOfTwin(d.name, 0), members, ...(d.packed ? { align: 1 } : {}), loc: d.loc });
  }
  return { graph: b.build(target, file), ids };
}

/** The twin a field holds by value, through arrays of it. */
function nestedTwin(e: FieldElem): string | undefined {
  return e.kind === "struct" ? e.twin : e.kind === "array" ? nestedTwin(e.elem) : undefined;
}

/**
 * Decls without the fields that would hold a record inside itself: a
 * decoder that calls itself (a linked list walked in place, a tree) reads
 * another record there, not a member of this one.
 */
function withoutCycles(decls: readonly TwinDecl[]): TwinDecl[] {
  const byName = new Map(decls.map((d) => [d.name, d]));
  const state = new Map<string, "open" | "done">();
  const cut = new Set<TwinField>();
  const visit = (d: TwinDecl): void => {
    state.set(d.name, "open");
    for (const f of d.fields) {
      const inner = nestedTwin(f.elem);
      const next = inner === undefined ? undefined : byName.get(inner);
      if (!next) continue;
      const s = state.get(next.name);
      if (s === "open") cut.add(f);
      else if (s === undefined) visit(next);
    }
    state.set(d.name, "done");
  };
  for (const d of decls) if (!state.has(d.name)) visit(d);
  return cut.size ? decls.map((d) => ({ ...d, fields: d.fields.filter((f) => !cut.has(f)) })) : [...decls];
}
