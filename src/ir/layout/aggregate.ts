import { cTypeName } from "../c-names.js";
import { InputError } from "../errors.js";
import { MAX_CHAIN, isAggregate, resolve, sizeOf, type TypeGraph } from "../graph.js";
import type { Target } from "../targets.js";
import type { AggregateType, SourceLoc, TypeId } from "../types.js";

// What a finished aggregate looks like in memory: where each member sits,
// the holes between them and the padding at the end. Any reader's graph
// works, since offsets in the IR are final; this only reads them.

export interface MemberLayout {
  name: string;
  typeId: TypeId;
  /** C spelling of the member's type. */
  type: string;
  bitOffset: number;
  /** 0 for a plain member. */
  bitSize: number;
  /** Bytes of the member's type (of the storage unit, for a bitfield). */
  size: number;
  loc?: SourceLoc;
}

/** Unused bits between two members. */
export interface Hole {
  bitOffset: number;
  bits: number;
  /** Index of the member that follows the hole. */
  before: number;
}

/** An aggregate's layout but for the member list: totals, gaps and problems. */
export interface AggregateShape {
  id: TypeId;
  kind: "struct" | "union";
  name: string;
  size: number;
  align: number;
  holes: Hole[];
  /** Unused bits after the last member. */
  tailPaddingBits: number;
  /** Offsets that contradict the size: facts for a finding, not a crash. */
  problems: string[];
  loc?: SourceLoc;
}

export interface AggregateLayout extends AggregateShape {
  members: MemberLayout[];
}

export function describeAggregate(graph: TypeGraph, id: TypeId): AggregateLayout {
  const { shape, type } = aggregateShape(graph, id);
  const members: MemberLayout[] = type.members.map((m) => ({
    name: m.name,
    typeId: m.type,
    type: cTypeName(graph, m.type),
    bitOffset: m.bitOffset,
    bitSize: m.bitSize,
    size: sizeOf(graph, m.type),
    loc: m.loc,
  }));
  const { kind, name, size, align, holes, tailPaddingBits, problems, loc } = shape;
  return { id, kind, name, size, align, members, holes, tailPaddingBits, problems, loc };
}

/**
 * The layout of aggregate `id` without a record per member, for reports of
 * every struct in a kernel that read the members from `type` as they go.
 */
export function aggregateShape(graph: TypeGraph, id: TypeId): { shape: AggregateShape; type: AggregateType } {
  const t = graph.type(id);
  if (!isAggregate(t)) throw new InputError(graph.file, `type id ${id} is a ${t.kind}, not a struct or union`);
  const holes: Hole[] = [];
  const problems: string[] = [];
  const totalBits = t.size * 8;
  let end = 0;
  for (let i = 0; i < t.members.length; i++) {
    const m = t.members[i]!;
    const width = m.bitSize || sizeOf(graph, m.type) * 8;
    if (m.bitOffset + width > totalBits) {
      problems.push(`member ${m.name || "(anonymous)"} ends at bit ${m.bitOffset + width}, past the ${t.kind}'s ${t.size} bytes`);
    }
    if (t.kind === "union") {
      end = Math.max(end, m.bitOffset + width);
      continue;
    }
    if (m.bitOffset > end) holes.push({ bitOffset: end, bits: m.bitOffset - end, before: i });
    else if (m.bitOffset < end) problems.push(`member ${m.name || "(anonymous)"} at bit ${m.bitOffset} overlaps the member before it, which ends at bit ${end}`);
    end = Math.max(end, m.bitOffset + width);
  }
  const shape: AggregateShape = {
    id,
    kind: t.kind,
    name: t.name,
    size: t.size,
    align: alignOf(graph, id),
    holes,
    tailPaddingBits: Math.max(0, totalBits - end),
    problems,
    loc: t.loc,
  };
  return { shape, type: t };
}

const alignCache = new WeakMap<TypeGraph, Map<TypeId, number>>();

/**
 * Alignment in bytes. Source readers record it on aggregates; BTF does not,
 * so it is derived the way libbpf's btf_dump does: the largest member
 * alignment, or 1 where an offset or the size shows the struct is packed.
 */
export function alignOf(graph: TypeGraph, id: TypeId): number {
  let cache = alignCache.get(graph);
  if (!cache) alignCache.set(graph, (cache = new Map()));
  return alignWithin(graph, id, cache, 0);
}

function alignWithin(graph: TypeGraph, id: TypeId, cache: Map<TypeId, number>, depth: number): number {
  if (depth > MAX_CHAIN) throw new InputError(graph.file, `type id ${id}: types nested deeper than ${MAX_CHAIN} (a cycle?)`);
  id = resolve(graph, id);
  const t = graph.type(id);
  switch (t.kind) {
    case "int":
    case "enum":
      return intAlign(graph.target, t.size);
    case "float":
      return floatAlign(graph.target, t.size);
    case "ptr":
      return graph.target.scalars.pointer.align;
    case "array":
      return alignWithin(graph, t.elem, cache, depth + 1);
    case "struct":
    case "union": {
      if (t.align !== undefined) return t.align;
      const known = cache.get(id);
      if (known !== undefined) return known;
      // A struct that contains itself is corrupt input; 1 ends the walk.
      cache.set(id, 1);
      const a = derivedAlign(graph, t, cache, depth);
      cache.set(id, a);
      return a;
    }
    default:
      return 1;
  }
}

function derivedAlign(graph: TypeGraph, t: AggregateType, cache: Map<TypeId, number>, depth: number): number {
  let align = 1;
  let packed = false;
  for (const m of t.members) {
    const a = alignWithin(graph, m.type, cache, depth + 1);
    if (m.bitSize === 0 && m.bitOffset % (a * 8) !== 0) packed = true;
    if (a > align) align = a;
  }
  if (packed || t.size % align !== 0) return 1;
  return align;
}

// Tested one by one rather than looped over in a fresh array: these run
// for every member of every struct of a kernel.
export function intAlign(target: Target, size: number): number {
  const s = target.scalars;
  if (s.char.size === size) return s.char.align;
  if (s.short.size === size) return s.short.align;
  if (s.int.size === size) return s.int.align;
  if (s.longlong.size === size) return s.longlong.align;
  if (s.int128 && s.int128.size === size) return s.int128.align;
  return Math.min(size, 8) || 1;
}

export function floatAlign(target: Target, size: number): number {
  const s = target.scalars;
  if (s.float.size === size) return s.float.align;
  if (s.double.size === size) return s.double.align;
  if (s.longdouble.size === size) return s.longdouble.align;
  return Math.min(size, 16) || 1;
}
