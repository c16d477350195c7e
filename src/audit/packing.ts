import { resolve, type TypeGraph } from "../ir/graph.js";
import { alignOf, type AggregateLayout } from "../ir/layout/aggregate.js";
import type { Member } from "../ir/types.js";
import { relayout } from "./c-record.js";

// Bytes a struct wastes in holes and tail padding, and what it would take
// with its members reordered: largest alignment first, as pahole's
// --reorganize starts. Every C type's size is a multiple of its alignment,
// so in that order no member waits for an aligned offset and only the tail
// rounding to the struct's alignment is left: the smallest size any order
// reaches. A run of bitfields moves as one block, since splitting it changes
// which storage units its bits share. The new order is laid out by the C
// engine, not estimated.

export interface Packing {
  /** Whole bytes in holes between members. */
  holeBytes: number;
  /** Bits in holes that do not make a whole byte (around bitfields). */
  holeBits: number;
  tailPadding: number;
  /** holeBytes + tailPadding, and its share of the size in percent (one decimal). */
  wasted: number;
  wastedPercent: number;
  /** The size with members by descending alignment, and the bytes that saves. */
  reorderedSize: number;
  saves: number;
  /** Member names in that order, where it differs from the declared one. */
  order: string[] | null;
}

export function packing(graph: TypeGraph, l: AggregateLayout): Packing {
  let holeBits = 0;
  let holeBytes = 0;
  for (const h of l.holes) {
    const lead = Math.min(h.bits, (8 - (h.bitOffset % 8)) % 8);
    holeBytes += Math.floor((h.bits - lead) / 8);
    holeBits += lead + ((h.bits - lead) % 8);
  }
  const tailPadding = l.kind === "struct" ? Math.floor(l.tailPaddingBits / 8) : 0;
  const wasted = holeBytes + tailPadding;
  const base = { holeBytes, holeBits, tailPadding, wasted, wastedPercent: l.size ? Math.round((wasted * 1000) / l.size) / 10 : 0 };
  const t = graph.type(l.id);
  if (t.kind !== "struct" || t.members.length < 2) return { ...base, reorderedSize: l.size, saves: 0, order: null };
  const order = reorder(graph, t.members);
  const size = relayout(graph, l.id, graph.target, order).size;
  // A struct the engine cannot shrink (packed, or already in order) keeps its size.
  const reorderedSize = Math.min(size, l.size);
  const same = order.every((m, i) => m === t.members[i]);
  return { ...base, reorderedSize, saves: l.size - reorderedSize, order: same || reorderedSize === l.size ? null : order.map((m) => m.name || `(anonymous ${t.members.indexOf(m)})`) };
}

/**
 * Members by descending alignment, stable, with each run of bitfields kept
 * whole and a flexible array member kept last.
 */
function reorder(graph: TypeGraph, members: readonly Member[]): Member[] {
  const last = members[members.length - 1];
  const lt = last && graph.type(resolve(graph, last.type));
  const flexible = last && lt?.kind === "array" && lt.count === 0 && !last.bitSize ? last : undefined;
  const blocks: { align: number; members: Member[] }[] = [];
  for (const m of flexible ? members.slice(0, -1) : members) {
    const a = alignOf(graph, m.type);
    const prev = blocks[blocks.length - 1];
    if (m.bitSize && prev && prev.members[prev.members.length - 1]!.bitSize) {
      prev.members.push(m);
      prev.align = Math.max(prev.align, a);
    } else {
      blocks.push({ align: a, members: [m] });
    }
  }
  return blocks
    .map((b, i) => ({ ...b, i }))
    .sort((x, y) => y.align - x.align || x.i - y.i)
    .flatMap((b) => b.members)
    .concat(flexible ? [flexible] : []);
}
