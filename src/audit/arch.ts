import { sizeOf, type TypeGraph } from "../ir/graph.js";
import { cTypeName } from "../ir/c-names.js";
import type { Target } from "../ir/targets.js";
import type { TypeId } from "../ir/types.js";
import { relayout, sizeAlignOn } from "./c-record.js";

// Which members of a BPF-side struct a 32-bit userspace build of the same
// declaration places differently: `long`, pointers and `size_t` shrink to 4
// bytes, and i386 aligns 8-byte members to 4, so what follows them moves.
// The BPF side is always 64-bit, so any such member is a trap for a C or
// ctypes twin compiled for i386 or 32-bit ARM.

export interface ArchPlacement {
  target: string;
  offset: number;
  size: number;
}

export interface ArchMember {
  name: string;
  type: string;
  /** On the BPF side. */
  offset: number;
  size: number;
  /** `word` when the member's own size changes, `moved` when only its offset does. */
  why: "word" | "moved";
  on: ArchPlacement[];
}

export interface ArchReport {
  /** The struct's size on each 32-bit target. */
  sizes: { target: string; size: number }[];
  members: ArchMember[];
}

export function archDependence(graph: TypeGraph, id: TypeId, targets: readonly Target[]): ArchReport | null {
  const t = graph.type(id);
  if (t.kind !== "struct" && t.kind !== "union") return null;
  const laid = targets.map((target) => ({ target, l: relayout(graph, id, target, t.members) }));
  const members: ArchMember[] = [];
  t.members.forEach((m, i) => {
    const size = sizeOf(graph, m.type);
    const on = laid.map(({ target, l }) => ({
      target: target.name,
      offset: Math.floor(l.bitOffsets[i]! / 8),
      size: m.bitSize ? size : sizeAlignOn(graph, m.type, target).size,
    }));
    const offset = Math.floor(m.bitOffset / 8);
    const word = on.some((p) => p.size !== size);
    const moved = on.some((p) => p.offset !== offset);
    if (!word && !moved) return;
    members.push({ name: m.name || `(anonymous ${i})`, type: cTypeName(graph, m.type), offset, size, why: word ? "word" : "moved", on });
  });
  const sizes = laid.map(({ target, l }) => ({ target: target.name, size: l.size }));
  if (!members.length && sizes.every((s) => s.size === t.size)) return null;
  return { sizes, members };
}
