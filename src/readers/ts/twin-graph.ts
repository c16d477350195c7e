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

export function buildTwinGraph(decls: readonly TwinDecl[], target: Target, file: string): TwinGraph {
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
    let end = 0;
    let align = 1;
    for (const f of d.fields) {
      const e = elemType(f.elem);
      end = Math.max(end, f.bitOffset + (f.bitSize || e.size * 8 * Math.max(1, f.count)));
      if (!d.packed) align = Math.max(align, e.align);
    }
    const bytes = Math.ceil(end / 8);
    const size = Math.ceil(bytes / align) * align;
    sizes.set(name, size);
    return size;
  }

  for (const d of decls) {
    const members: Member[] = [];
    const fields = [...d.fields].sort((x, y) => x.bitOffset - y.bitOffset);
    let group: { start: number; end: number; fields: { f: TwinField; id: TypeId; bits: number }[] } | undefined;
    const flush = (): void => {
      if (!group) return;
      if (group.fields.length === 1) {
        const { f, id } = group.fields[0]!;
        members.push({ name: f.name, type: id, bitOffset: f.bitOffset, bitSize: f.bitSize, loc: f.loc });
      } else {
        // Overlapping reads: a union placed at the first byte they share.
        const base = Math.floor(group.start / 8) * 8;
        const size = Math.ceil((group.end - base) / 8);
        const union = b.add({
          kind: "union",
          name: "",
          size,
          members: group.fields.map(({ f, id }) => ({ name: f.name, type: id, bitOffset: f.bitOffset - base, bitSize: f.bitSize, loc: f.loc })),
        });
        members.push({ name: "", type: union, bitOffset: base, bitSize: 0, loc: group.fields[0]!.f.loc });
      }
      group = undefined;
    };
    for (const f of fields) {
      const t = fieldType(f);
      const bits = f.bitSize || t.bits;
      if (group && f.bitOffset < group.end) {
        group.fields.push({ f, id: t.id, bits });
        group.end = Math.max(group.end, f.bitOffset + bits);
        continue;
      }
      flush();
      group = { start: f.bitOffset, end: f.bitOffset + bits, fields: [{ f, id: t.id, bits }] };
    }
    flush();
    b.set(ids.get(d.name)!, { kind: "struct", name: d.name, size: sizeOfTwin(d.name, 0), members, ...(d.packed ? { align: 1 } : {}), loc: d.loc });
  }
  return { graph: b.build(target, file), ids };
}
