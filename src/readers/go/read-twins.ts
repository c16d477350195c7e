import { ListGraph } from "../../ir/graph.js";
import type { TwinType } from "../../ir/bindings.js";
import type { Member, Type, TypeId } from "../../ir/types.js";
import type { GoFieldDecoder } from "./uses.js";

// A Go function that reads a sample field by field, as a twin: a struct
// with a member where each read sits, as wide as the read and, for an
// ordered multi-byte read, through a typedef named for its order (`__be16`),
// the way the TypeScript reader spells a DataView read. The struct is
// appended after the package's own types, so its id is the same in every
// layout. Its name is no Go or C identifier: it pairs by its buffer, never
// by name.

export interface ReadTwins {
  twins: TwinType[];
  /** The decoders' structs and what they are made of, to follow the package's own types in every graph. */
  extra: Type[];
}

export function readTwins(decoders: readonly GoFieldDecoder[], base: number): ReadTwins {
  const extra: Type[] = [];
  const add = (t: Type): TypeId => base + extra.push(t) - 1;
  const twins: TwinType[] = [];
  let byte: TypeId | undefined;
  // Bytes no read touches are padding to the comparison: a member the decoder leaves unread is no finding.
  const unread = (offset: number, size: number): Member => {
    byte ??= add({ kind: "int", name: "byte", size: 1, signed: false, encoding: "none", bits: 8, bitOffset: 0 });
    return { name: "_", type: add({ kind: "array", elem: byte, count: size }), bitOffset: offset * 8, bitSize: 0 };
  };
  for (const d of decoders) {
    const members: Member[] = [];
    let end = 0;
    // A read over bytes an earlier read took (a re-read, a union) adds nothing to compare.
    for (const r of [...d.reads].sort((a, b) => a.offset - b.offset)) {
      if (r.offset < end) continue;
      if (r.offset > end) members.push(unread(end, r.offset - end));
      const { kind, size, signed, order } = r.read;
      const width = size * 8;
      const scalar = kind === "float" ? add({ kind: "float", name: `float${width}`, size }) : add({ kind: "int", name: `${signed ? "int" : "uint"}${width}`, size, signed, encoding: "none", bits: width, bitOffset: 0 });
      const type = order && size > 1 && kind === "int" ? add({ kind: "typedef", name: `__${order === "big" ? "be" : "le"}${width}`, target: scalar }) : scalar;
      members.push({ name: r.into ?? `at ${r.offset}`, type, bitOffset: r.offset * 8, bitSize: 0, loc: r.loc });
      end = r.offset + size;
    }
    if (!members.some((m) => m.name !== "_")) continue;
    const name = `reads of ${d.fn}`;
    const typeId = add({ kind: "struct", name, size: end, members, loc: d.loc });
    twins.push({ name, typeId, loc: d.loc, reads: true });
  }
  return { twins, extra };
}

/** The package's graph with the decoders' structs after its own types. */
export function withReadTwins(g: ListGraph, extra: readonly Type[]): ListGraph {
  if (!extra.length) return g;
  const types: Type[] = [];
  for (let i = 0; i < g.count; i++) types.push(g.type(i));
  return new ListGraph(g.target, g.file, [...types, ...extra]);
}
