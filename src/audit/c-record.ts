import { InputError } from "../ir/errors.js";
import { MAX_CHAIN, isAggregate, resolve, sizeOf, type TypeGraph } from "../ir/graph.js";
import { alignOf, floatAlign } from "../ir/layout/aggregate.js";
import { layoutRecord, type CFieldSpec, type CRecordSpec } from "../ir/layout/c.js";
import type { ScalarInfo, Target } from "../ir/targets.js";
import type { AggregateType, Member, TypeId } from "../ir/types.js";

// A BPF-side aggregate turned back into declarations for the C layout engine
// (src/ir/layout/c.ts), so it can be laid out again: on another machine
// (what a 32-bit userspace build of the same header gets) or with its
// members in another order (what reordering would save). BTF keeps final
// offsets but no attributes, so `packed` and `aligned(N)` are inferred from
// what the offsets show, as libbpf's btf_dump does: a packed struct whose
// members all fall on their natural boundaries reads as unpacked.

/** Size and alignment of a type on `target`, where `graph` is the BPF side's. */
export function sizeAlignOn(graph: TypeGraph, id: TypeId, target: Target, depth = 0): ScalarInfo {
  if (depth > MAX_CHAIN) throw new InputError(graph.file, `type id ${id}: types nested deeper than ${MAX_CHAIN} (a cycle?)`);
  const rid = resolve(graph, id);
  const t = graph.type(rid);
  const s = target.scalars;
  switch (t.kind) {
    case "int":
      return intOn(graph, t.name, t.size, target);
    case "enum":
      // An enum holds its values in an int, or in the integer of its BTF size.
      return t.size === s.int.size ? s.int : t.size === 8 ? s.longlong : { size: t.size, align: t.size };
    case "float":
      if (t.size === graph.target.scalars.longdouble.size && t.size !== 4 && t.size !== 8) return s.longdouble;
      return t.size === 4 ? s.float : t.size === 8 ? s.double : { size: t.size, align: floatAlign(target, t.size) };
    case "ptr":
      return s.pointer;
    case "array": {
      const elem = sizeAlignOn(graph, t.elem, target, depth + 1);
      return { size: elem.size * t.count, align: elem.align };
    }
    case "struct":
    case "union": {
      const l = relayout(graph, rid, target, t.members, depth + 1);
      return { size: l.size, align: l.align };
    }
    default:
      return { size: sizeOf(graph, rid), align: 1 };
  }
}

/**
 * The scalar kind an integer is, from its C name (through typedefs: `size_t`
 * is `unsigned long`); `long` is the one whose width is the machine's word.
 */
function intOn(graph: TypeGraph, name: string, size: number, target: Target): ScalarInfo {
  const s = target.scalars;
  const words = name.split(/\s+/);
  const longs = words.filter((w) => w === "long").length;
  if (longs === 1 && size === graph.target.scalars.long.size) return s.long;
  if (longs === 2 || (size === 8 && longs === 0)) return s.longlong;
  if (size === 16) return s.int128 ?? { size: 16, align: 16 };
  if (name === "_Bool" || name === "bool") return s.bool;
  for (const info of [s.char, s.short, s.int]) if (info.size === size) return info;
  return { size, align: size };
}

export interface Relayout {
  size: number;
  align: number;
  /** Offsets in bits, in the order the members were given. */
  bitOffsets: number[];
}

/** `t`'s members (in the order given) laid out by the C rules on `target`. */
export function relayout(graph: TypeGraph, id: TypeId, target: Target, members: readonly Member[], depth = 0): Relayout {
  const t = graph.type(id);
  if (!isAggregate(t)) throw new InputError(graph.file, `type id ${id} is a ${t.kind}, not a struct or union`);
  const spec = recordSpec(graph, id, t, members, target, depth);
  return layoutRecord(spec, target);
}

function recordSpec(graph: TypeGraph, id: TypeId, t: AggregateType, members: readonly Member[], target: Target, depth: number): CRecordSpec {
  const loose = packedMembers(graph, t);
  // Packed when the BPF side's alignment is below what its members ask for.
  const natural = t.members.reduce((a, m) => (loose.has(m) ? a : Math.max(a, alignOf(graph, m.type))), 1);
  const own = loose.size ? natural : alignOf(graph, id);
  const packed = own < natural;
  const fields = members.map((m, i): CFieldSpec => {
    const on = loose.has(m) ? { ...sizeAlignOn(graph, m.type, target, depth + 1), align: 1 } : sizeAlignOn(graph, m.type, target, depth + 1);
    const rt = graph.type(resolve(graph, m.type));
    const flexible = rt.kind === "array" && rt.count === 0 && i === members.length - 1 && m.bitSize === 0;
    const elem = flexible && rt.kind === "array" ? sizeAlignOn(graph, rt.elem, target, depth + 1) : on;
    return {
      size: flexible ? elem.size : on.size,
      align: on.align,
      ...(m.bitSize ? { bitWidth: m.bitSize } : {}),
      named: m.name !== "",
      packed: false,
      alignAttr: 0,
      flexible,
    };
  });
  return { kind: t.kind, packed, alignAttr: !packed && own > natural ? own : 0, pack: 0, fields };
}

/**
 * Members that are themselves packed structs or unions. BTF cannot tell a
 * packed struct from one that holds a packed struct: both put an aggregate
 * member off the boundary its own members ask for, and libbpf's inference
 * calls the holder packed. Where only aggregate members sit off their
 * boundaries and the size is a multiple of what the other members ask for,
 * the holder is laid out with its natural alignment (what clang gave it) and
 * those members are the packed ones; otherwise none is, and the holder's own
 * inference stands.
 */
function packedMembers(graph: TypeGraph, t: AggregateType): Set<Member> {
  const loose = new Set<Member>();
  let rest = 1;
  for (const m of t.members) {
    const a = alignOf(graph, m.type);
    if (m.bitSize === 0 && m.bitOffset % (a * 8) !== 0) {
      if (!isAggregate(graph.type(resolve(graph, m.type)))) return new Set();
      loose.add(m);
    } else if (a > rest) rest = a;
  }
  return loose.size && t.size % rest === 0 ? loose : new Set();
}
