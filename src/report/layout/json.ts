import type { TypeGraph } from "../../ir/graph.js";
import { describeAggregate } from "../../ir/layout/aggregate.js";
import type { SourceLoc, TypeId } from "../../ir/types.js";

// The shape of schemas/layout.schema.json.

export interface LayoutJsonMember {
  name: string;
  type: string;
  bitOffset: number;
  bitfieldSize: number;
  size: number;
}

export interface LayoutJsonType {
  name: string;
  kind: "struct" | "union";
  size: number;
  align: number;
  members: LayoutJsonMember[];
  holes: { bitOffset: number; bitSize: number }[];
  tailPaddingBits: number;
  /** encoding/binary's size of a Go type (no implicit padding). */
  packedSize?: number;
  problems?: string[];
  location?: SourceLoc;
}

export function layoutJsonTypes(graph: TypeGraph, ids: readonly TypeId[], packedSizes?: ReadonlyMap<TypeId, number>): LayoutJsonType[] {
  return ids.map((id) => {
    const l = describeAggregate(graph, id);
    const t: LayoutJsonType = {
      name: l.name,
      kind: l.kind,
      size: l.size,
      align: l.align,
      members: l.members.map((m) => ({ name: m.name, type: m.type, bitOffset: m.bitOffset, bitfieldSize: m.bitSize, size: m.size })),
      holes: l.holes.map((h) => ({ bitOffset: h.bitOffset, bitSize: h.bits })),
      tailPaddingBits: l.tailPaddingBits,
    };
    const packed = packedSizes?.get(id);
    if (packed !== undefined) t.packedSize = packed;
    if (l.problems.length) t.problems = l.problems;
    if (l.loc) t.location = l.loc;
    return t;
  });
}
