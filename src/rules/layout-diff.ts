import { byteOrderOf, declaredByteOrder, type ByteOrder } from "../ir/byte-order.js";
import { MAX_CHAIN, resolve, sizeOf, type TypeGraph } from "../ir/graph.js";
import type { Member, SourceLoc, Type, TypeId } from "../ir/types.js";

// Compares a C aggregate with its userspace twin member by member, the way a
// reader of both files would: padding fields (`_ [4]byte`) and unnamed
// bitfields are not members, an anonymous struct's members belong to their
// parent, a union stands for its first member (what bpf2go writes; a
// decoder's reads past that member are compared with the members that
// hold those bytes), and a run of C bitfields is one storage unit that the twin may
// either name as one integer or leave as padding. Offsets are absolute bytes.
// Byte order is compared where the twin states one (a TypeScript read with
// its little-endian flag): a Go `uint32` or a ctypes field holds the bytes
// as they are, whatever order the C gives them, as bpf2go's output does for
// a `__be32`.

export type KindClass = "int" | "float" | "struct" | "union" | "array" | "other";

export interface Slot {
  /** `key.saddr`, `data[0].pid`. */
  path: string;
  /** Byte offset from the start of the outermost aggregate. */
  offset: number;
  /** Byte offset within the named aggregate that holds it (a nested struct's own decoder counts from there). */
  local: number;
  /** Bytes the member occupies (of the storage unit, for bitfields). */
  size: number;
  kind: KindClass;
  /** The type's own spelling in its language: `__u32`, `uint64`, `[16]int8`. */
  typeName: string;
  /** Signedness of an integer, when it means something (not for `char`, `bool`, enums). */
  signed?: boolean;
  /** A run of C bitfields: the twin may name it as one integer or skip it. */
  bitfields?: boolean;
  loc?: SourceLoc;
  typeId: TypeId;
  /** The C member the twin's declaration says this one mirrors (Go's `align:"c_member"` tag). */
  mirrors?: string;
}

export type Difference =
  | { what: "size"; cSize: number; twinSize: number }
  | { what: "missing"; c: Slot; cSize: number; twinSize: number }
  | { what: "extra"; twin: Slot; cSize: number; twinSize: number }
  | { what: "offset" | "width" | "signedness" | "kind" | "count"; c: Slot; twin: Slot; cSize: number; twinSize: number }
  | { what: "order"; c: Slot; twin: Slot; cOrder: ByteOrder; twinOrder: ByteOrder; cSize: number; twinSize: number };

/**
 * The members of an aggregate as a flat list of comparable slots, in offset
 * order. With `reads`, a union also yields the members of its other members
 * that lie wholly past its first member's end: a decoder reads those bytes,
 * and only those members give them a meaning.
 */
export function slotsOf(graph: TypeGraph, id: TypeId, reads = false): readonly Slot[] {
  return slotsAndPads(graph, id, reads).slots;
}

/** Bytes a side declares as padding: Go's `_` fields, C's `pad`, `__reserved[4]`, cgo's `Pad_cgo_0`. */
interface Range {
  offset: number;
  size: number;
}

const PAD_NAME = /^_*(?:pad(?:ding)?|reserved|rsvd|resv|unused|spare)(?:_?\d+)?_*$|^Pad_cgo_\d+$/i;

/** A member that only holds bytes apart, by the names C and Go give such members. */
export function isPadName(name: string): boolean {
  return PAD_NAME.test(name);
}

/**
 * A type's slots and padding, made once per graph: each pair is compared
 * for every rule and target, and a C type has twins in several languages.
 * Frozen, since every caller shares them.
 */
function slotsAndPads(graph: TypeGraph, id: TypeId, reads: boolean): { readonly slots: readonly Slot[]; readonly pads: readonly Range[] } {
  let known = SLOTS.get(graph);
  if (!known) SLOTS.set(graph, (known = new Map()));
  const key = reads ? -1 - id : id;
  let found = known.get(key);
  if (!found) {
    const slots: Slot[] = [];
    const pads: Range[] = [];
    collect(graph, id, "", 0, slots, 0, reads, pads);
    for (const x of slots) Object.freeze(x);
    for (const x of pads) Object.freeze(x);
    found = Object.freeze({ slots: Object.freeze(slots), pads: Object.freeze(pads) });
    known.set(key, found);
  }
  return found;
}

const SLOTS = new WeakMap<TypeGraph, Map<number, { readonly slots: readonly Slot[]; readonly pads: readonly Range[] }>>();

/** A slot wholly inside padding; a zero-length array where the padding ends starts past it. */
const within = (s: Slot, ranges: readonly Range[]): boolean => ranges.some((r) => s.offset >= r.offset && s.offset + Math.max(s.size, 1) <= r.offset + r.size);

/** An array of single bytes: raw bytes that mean whatever the other side puts there. */
function isByteArray(graph: TypeGraph, s: Slot): boolean {
  if (s.kind !== "array") return false;
  const a = arrayOf(graph, s.typeId);
  if (!a) return false;
  const e = graph.type(resolve(graph, a.elem));
  return (e.kind === "int" || e.kind === "enum") && sizeOf(graph, a.elem) === 1;
}

/**
 * Two integer arrays of one size whose elements differ in width (`u32[4]`
 * and `c_ushort * 8`): the same bytes, an opaque key's address spelt in
 * other words, as an array of single bytes is.
 */
function otherElementWidth(c: TypeGraph, a: Slot, tw: TypeGraph, b: Slot): boolean {
  const ae = a.kind === "array" ? arrayOf(c, a.typeId) : undefined;
  const be = b.kind === "array" ? arrayOf(tw, b.typeId) : undefined;
  if (!ae || !be) return false;
  const isInt = (g: TypeGraph, id: TypeId): boolean => ["int", "enum"].includes(g.type(resolve(g, id)).kind);
  return isInt(c, ae.elem) && isInt(tw, be.elem) && sizeOf(c, ae.elem) !== sizeOf(tw, be.elem);
}

/**
 * The slots an aggregate member stands for, when the other side spells its
 * bytes flat: a nested struct's members, an array's elements.
 */
function expand(graph: TypeGraph, s: Slot, reads: boolean): Slot[] | undefined {
  if (s.kind === "struct" || s.kind === "union") return shift(slotsOf(graph, s.typeId, reads), `${s.path}.`, s.offset);
  const a = s.kind === "array" ? arrayOf(graph, s.typeId) : undefined;
  if (!a || a.count > 4096) return undefined;
  const size = sizeOf(graph, a.elem);
  const et = graph.type(resolve(graph, a.elem));
  if (size === 0) return undefined;
  return Array.from({ length: a.count }, (_, k) => ({
    ...s,
    path: `${s.path}[${k}]`,
    offset: s.offset + k * size,
    local: s.local + k * size,
    size,
    kind: kindOf(et),
    typeName: typeLabel(graph, a.elem),
    signed: signedness(et),
    typeId: a.elem,
  }));
}

function kindOf(t: Type): KindClass {
  switch (t.kind) {
    case "int":
    case "enum":
    case "ptr":
      return "int";
    case "float":
      return "float";
    case "struct":
    case "union":
    case "array":
      return t.kind;
    default:
      return "other";
  }
}

/** The name a member's type goes by: the outermost typedef or the type's own name. */
export function typeLabel(graph: TypeGraph, id: TypeId): string {
  for (let depth = 0; depth < MAX_CHAIN; depth++) {
    const t = graph.type(id);
    switch (t.kind) {
      case "typedef":
        return t.name;
      case "const":
      case "volatile":
      case "restrict":
      case "type_tag":
        id = t.target;
        continue;
      case "array":
        return `${typeLabel(graph, t.elem)}[${t.count}]`;
      case "ptr":
        return `${typeLabel(graph, t.target)} *`;
      case "struct":
      case "union":
      case "enum":
        return t.name ? `${t.kind} ${t.name}` : `${t.kind} {...}`;
      case "void":
        return "void";
      default:
        return "name" in t ? t.name : t.kind;
    }
  }
  return "?";
}

function signedness(t: Type): boolean | undefined {
  if (t.kind !== "int") return undefined;
  if (t.encoding !== "none" || t.name === "char") return undefined;
  return t.signed;
}

function collect(graph: TypeGraph, id: TypeId, prefix: string, base: number, out: Slot[], depth: number, reads: boolean, pads?: Range[]): void {
  if (depth > MAX_CHAIN) return;
  const t = graph.type(resolve(graph, id));
  if (t.kind !== "struct" && t.kind !== "union") return;
  if (t.kind === "union") {
    // A union stands for its first member that holds a value: one of only
    // unnamed bitfields (`struct { unsigned : 3; }`) is padding nobody reads.
    const from = out.length;
    const i = t.members.findIndex((m) => {
      collectMembers(graph, [m], prefix, base, out, depth, reads, pads);
      return out.length > from;
    });
    if (i < 0) return;
    const first = t.members[i]!;
    // A bitfield holds only its bits: the bytes of its type past them are another member's to read.
    const firstEnd = first.bitSize > 0 ? Math.ceil((first.bitOffset + first.bitSize) / 8) : first.bitOffset / 8 + sizeOf(graph, first.type);
    if (reads) unionTail(graph, t.members.slice(i), base + firstEnd, prefix, base, out, from, depth);
    return;
  }
  collectMembers(graph, t.members, prefix, base, out, depth, reads, pads);
}

/** Slots of a union's other members that start at or past `firstEnd`, each byte claimed once. */
function unionTail(graph: TypeGraph, members: readonly Member[], firstEnd: number, prefix: string, base: number, out: Slot[], from: number, depth: number): void {
  let end = Math.max(firstEnd, ...out.slice(from).map((s) => s.offset + s.size));
  for (const m of members.slice(1)) {
    const slots: Slot[] = [];
    collectMembers(graph, [m], prefix, base, slots, depth, true);
    for (const s of slots) {
      if (s.offset < end) continue;
      out.push(s);
      end = s.offset + s.size;
    }
  }
}

function collectMembers(graph: TypeGraph, members: readonly Member[], prefix: string, base: number, out: Slot[], depth: number, reads: boolean, pads?: Range[]): void {
  let run: Slot | undefined;
  for (const m of members) {
    if (m.bitSize > 0) {
      if (!m.name) continue;
      const start = base + Math.floor(m.bitOffset / 8);
      const end = base + Math.ceil((m.bitOffset + m.bitSize) / 8);
      if (run && start < run.offset + run.size) {
        run.size = Math.max(run.size, end - run.offset);
        run.path += `,${m.name}`;
        continue;
      }
      run = { path: prefix + m.name, offset: start, local: start, size: end - start, kind: "int", typeName: "bitfield", bitfields: true, loc: m.loc, typeId: m.type };
      out.push(run);
      continue;
    }
    run = undefined;
    const offset = base + m.bitOffset / 8;
    if (m.name === "_" || isPadName(m.name)) {
      pads?.push({ offset, size: sizeOf(graph, m.type) });
      continue;
    }
    const mt = graph.type(resolve(graph, m.type));
    if (!m.name) {
      if (mt.kind === "struct" || mt.kind === "union") collect(graph, m.type, prefix, offset, out, depth + 1, reads, pads);
      continue;
    }
    // A struct or union of nothing but unnamed bitfields (`union { short : 2; } u`) is padding by another name: nothing reads it.
    if ((mt.kind === "struct" || mt.kind === "union") && !holdsData(graph, m.type, depth, reads)) {
      pads?.push({ offset, size: sizeOf(graph, m.type) });
      continue;
    }
    out.push({
      path: prefix + m.name,
      offset,
      local: offset,
      size: sizeOf(graph, m.type),
      kind: kindOf(mt),
      typeName: typeLabel(graph, m.type),
      signed: mt.kind === "int" ? signedness(mt) : undefined,
      loc: m.loc,
      typeId: m.type,
      ...(m.mirrors ? { mirrors: m.mirrors } : {}),
    });
  }
}

/** Whether an aggregate yields any slot as `collect` lays it out: one of nothing but padding and unnamed bitfields yields none. */
function holdsData(graph: TypeGraph, id: TypeId, depth: number, reads: boolean): boolean {
  if (depth + 1 > MAX_CHAIN) return true;
  const inner: Slot[] = [];
  collect(graph, id, "", 0, inner, depth + 1, reads);
  return inner.length > 0;
}

/**
 * Where two sizes part: the bytes one side has past the other's end, and the
 * members (in the larger side's spelling) that hold them.
 */
export interface SizeGap {
  /** The side with the extra bytes. */
  longer: "c" | "twin";
  from: number;
  bytes: number;
  members: Slot[];
}

export function sizeGap(c: TypeGraph, cId: TypeId, tw: TypeGraph, twId: TypeId, reads = false): SizeGap | undefined {
  const cSize = sizeOf(c, cId);
  const twinSize = sizeOf(tw, twId);
  if (cSize === twinSize) return undefined;
  const [longer, graph, id, from, end] = cSize > twinSize ? (["c", c, cId, twinSize, cSize] as const) : (["twin", tw, twId, cSize, twinSize] as const);
  const members = slotsOf(graph, id, reads).filter((s) => s.offset + s.size > from && s.offset < end);
  return { longer, from, bytes: end - from, members };
}

/** Element type and count of an array, through typedefs. */
function arrayOf(graph: TypeGraph, id: TypeId): { elem: TypeId; count: number } | undefined {
  const t = graph.type(resolve(graph, id));
  return t.kind === "array" ? { elem: t.elem, count: t.count } : undefined;
}

/**
 * The first difference between a C aggregate and its twin, in offset order,
 * or undefined when they agree. With `reads`, the twin is what a decoder
 * reads (TypeScript): a gap in its reads is a member it does not read, and
 * it may read a nested struct's members in the struct's place. Nested aggregates and arrays of them are
 * compared member by member; the sizes come last, since a member that moved
 * explains a size that changed.
 */
export function firstDifference(c: TypeGraph, cId: TypeId, tw: TypeGraph, twId: TypeId, opts: { reads?: boolean } = {}): Difference | undefined {
  const reads = opts.reads ?? false;
  let byTwin = asked.get(c);
  if (!byTwin) asked.set(c, (byTwin = new WeakMap()));
  let answers = byTwin.get(tw);
  if (!answers) byTwin.set(tw, (answers = new Map()));
  const key = `${cId} ${twId} ${reads}`;
  if (answers.has(key)) return answers.get(key);
  const cSize = sizeOf(c, cId);
  const twinSize = sizeOf(tw, twId);
  const d = diffWithin(c, cId, tw, twId, "", 0, cSize, twinSize, 0, reads) ?? (cSize !== twinSize ? ({ what: "size", cSize, twinSize } as const) : undefined);
  answers.set(key, d);
  return d;
}

/**
 * Answers given, by C graph and twin graph: the rules ask the same pair
 * about the same layout one after another (struct-mismatch first, then
 * arch-dependent-type and binary-read-padding before they look further).
 */
const asked = new WeakMap<TypeGraph, WeakMap<TypeGraph, Map<string, Difference | undefined>>>();

function diffWithin(
  c: TypeGraph,
  cId: TypeId,
  tw: TypeGraph,
  twId: TypeId,
  prefix: string,
  base: number,
  cSize: number,
  twinSize: number,
  depth: number,
  reads: boolean,
): Difference | undefined {
  if (depth > MAX_CHAIN) return undefined;
  // Bytes one side calls padding are the other side's to name or not: neither reads them for the other.
  const cAll = slotsAndPads(c, cId, reads);
  const tAll = slotsAndPads(tw, twId, reads);
  const cs = shift(cAll.slots.filter((x) => !within(x, tAll.pads)), prefix, base);
  const ts = shift(tAll.slots.filter((x) => !within(x, cAll.pads)), prefix, base);
  let j = 0;
  for (let i = 0; i < cs.length; i++) {
    const a = cs[i]!;
    const b = ts[j];
    // A member that names the C member it mirrors is held to that member's
    // offset: the right bytes under another member's name are still the wrong member.
    const tagged = b?.mirrors !== undefined ? cAll.slots.find((x) => x.path === b.mirrors) : undefined;
    if (b && tagged && tagged.offset + base !== b.offset) {
      return { what: "offset", c: { ...tagged, path: prefix + tagged.path, offset: tagged.offset + base }, twin: b, cSize, twinSize };
    }
    if (b && a.offset === b.offset && !a.bitfields) {
      // Raw bytes of the member's size (a union as `[16]byte`) carry it whole.
      if (a.size === b.size && (isByteArray(c, a) || isByteArray(tw, b) || otherElementWidth(c, a, tw, b))) {
        j++;
        continue;
      }
      // One side spells nested or repeated members flat: compare the leaves.
      // Names break the tie: a member named like one further on the other side is missing or moved, not flattened.
      // Two structs, or two arrays, are compared as such below.
      const shaped = a.kind === b.kind || (a.kind === "union" && b.kind === "struct");
      if (!shaped && !namedElsewhere(a, b, cAll.slots, tAll.slots, base)) {
        const flatC = expand(c, a, reads);
        if (flatC && b.size <= a.size) {
          cs.splice(i, 1, ...flatC);
          i--;
          continue;
        }
        const flatT = expand(tw, b, reads);
        if (flatT && a.size <= b.size) {
          ts.splice(j, 1, ...flatT);
          i--;
          continue;
        }
      }
    }
    if (a.bitfields && (!b || b.offset >= a.offset + a.size || b.offset < a.offset)) continue;
    if (!b) return { what: "missing", c: a, cSize, twinSize };
    if (reads) {
      // Nothing read from this member's bytes: the decoder's next read starts past it.
      if (a.size > 0 && b.offset >= a.offset + a.size) return { what: "missing", c: a, cSize, twinSize };
      // A flat decoder reads the nested struct's members in its place.
      if (a.kind === "struct" && a.offset === b.offset && b.kind !== "struct" && b.kind !== "union") {
        cs.splice(i, 1, ...shift(slotsOf(c, a.typeId, reads), `${a.path}.`, a.offset));
        i--;
        continue;
      }
    }
    if (!a.bitfields && (a.offset !== b.offset || a.size !== b.size || a.kind !== b.kind)) {
      const named = byName(a, b, cAll.slots, tAll.slots, base);
      if (named === "missing") return { what: "missing", c: a, cSize, twinSize };
      if (named === "extra") return { what: "extra", twin: b, cSize, twinSize };
    }
    j++;
    const pair = { c: a, twin: b, cSize, twinSize };
    if (a.offset !== b.offset) return { what: "offset", ...pair };
    if (a.bitfields) {
      if (b.size > a.size && b.kind === "int") return { what: "width", ...pair };
      continue;
    }
    const kindsAgree = a.kind === b.kind || (a.kind === "union" && b.kind === "struct");
    if (!kindsAgree) return { what: "kind", ...pair };
    if (a.size !== b.size) {
      const ac = arrayOf(c, a.typeId);
      const bc = arrayOf(tw, b.typeId);
      if (ac && bc && ac.count !== bc.count) return { what: "count", ...pair };
      return { what: "width", ...pair };
    }
    if (a.kind === "int" && a.signed !== undefined && b.signed !== undefined && a.signed !== b.signed) {
      return { what: "signedness", ...pair };
    }
    if (a.kind === "int") {
      const d = orderDifference(c, a, tw, b);
      if (d) return { ...d, cSize, twinSize };
    }
    if (a.kind === "struct" || a.kind === "union") {
      const d = diffWithin(c, a.typeId, tw, b.typeId, `${a.path}.`, a.offset, cSize, twinSize, depth + 1, reads);
      if (d) return d;
    }
    if (a.kind === "array") {
      const ac = arrayOf(c, a.typeId);
      const bc = arrayOf(tw, b.typeId);
      if (ac && bc) {
        if (ac.count !== bc.count) return { what: "count", ...pair };
        const ae = c.type(resolve(c, ac.elem));
        const be = tw.type(resolve(tw, bc.elem));
        const aSlot = { ...a, kind: kindOf(ae), size: sizeOf(c, ac.elem), signed: signedness(ae) };
        const bSlot = { ...b, kind: kindOf(be), size: sizeOf(tw, bc.elem), signed: signedness(be) };
        if (aSlot.kind !== bSlot.kind && !(aSlot.kind === "union" && bSlot.kind === "struct")) return { what: "kind", c: aSlot, twin: bSlot, cSize, twinSize };
        if (aSlot.size !== bSlot.size) return { what: "width", c: aSlot, twin: bSlot, cSize, twinSize };
        if (aSlot.signed !== undefined && bSlot.signed !== undefined && aSlot.signed !== bSlot.signed) {
          return { what: "signedness", c: aSlot, twin: bSlot, cSize, twinSize };
        }
        if (aSlot.kind === "int") {
          const d = orderDifference(c, { ...aSlot, typeId: ac.elem }, tw, { ...bSlot, typeId: bc.elem });
          if (d) return { ...d, cSize, twinSize };
        }
        if (ae.kind === "struct" || ae.kind === "union") {
          const d = diffWithin(c, ac.elem, tw, bc.elem, `${a.path}[0].`, a.offset, cSize, twinSize, depth + 1, reads);
          if (d) return d;
        }
      }
    }
  }
  const extra = ts[j];
  if (extra) return { what: "extra", twin: extra, cSize, twinSize };
  return reads ? undefined : unionMembers(c, cId, tw, twId, prefix, base, cSize, twinSize, depth);
}

/**
 * A union twin declared member for member (a ctypes `Union`) writes through
 * any of them, so each member past the one the slots compare is held to its
 * C namesake, or to its peer by position where the names differ.
 */
function unionMembers(c: TypeGraph, cId: TypeId, tw: TypeGraph, twId: TypeId, prefix: string, base: number, cSize: number, twinSize: number, depth: number): Difference | undefined {
  const ct = c.type(resolve(c, cId));
  const tt = tw.type(resolve(tw, twId));
  if (ct.kind !== "union" || tt.kind !== "union") return undefined;
  for (let i = 0; i < tt.members.length; i++) {
    const tm = tt.members[i]!;
    const cm = ct.members.find((m) => m.name !== "" && m.name === tm.name) ?? ct.members[i];
    if (!cm) continue;
    const cs: Slot[] = [];
    const ts: Slot[] = [];
    collectMembers(c, [cm], prefix, base, cs, depth, false);
    collectMembers(tw, [tm], prefix, base, ts, depth, false);
    // Anonymous members open into several slots: their leaves are beyond a pairwise look.
    if (cs.length !== 1 || ts.length !== 1) continue;
    const a = cs[0]!;
    const b = ts[0]!;
    if (a.bitfields || b.bitfields) continue;
    const pair = { c: a, twin: b, cSize, twinSize };
    if (a.kind !== b.kind && !(a.kind === "union" && b.kind === "struct")) return { what: "kind", ...pair };
    if (a.size !== b.size) {
      const ac = arrayOf(c, a.typeId);
      const bc = arrayOf(tw, b.typeId);
      return { what: ac && bc && ac.count !== bc.count ? "count" : "width", ...pair };
    }
    if (a.kind === "int" && a.signed !== undefined && b.signed !== undefined && a.signed !== b.signed) return { what: "signedness", ...pair };
    if (a.kind === "struct" || a.kind === "union") {
      const d = diffWithin(c, a.typeId, tw, b.typeId, `${a.path}.`, a.offset, cSize, twinSize, depth + 1, false);
      if (d) return d;
    }
  }
  return undefined;
}

/** A multi-byte integer the twin reads in another order than C stores it; single bytes have none. */
export function orderDifference(c: TypeGraph, a: Slot, tw: TypeGraph, b: Slot): { what: "order"; c: Slot; twin: Slot; cOrder: ByteOrder; twinOrder: ByteOrder } | undefined {
  if (a.size < 2) return undefined;
  const twinOrder = declaredByteOrder(tw, b.typeId);
  if (twinOrder === undefined) return undefined;
  const cOrder = byteOrderOf(c, a.typeId);
  return cOrder === twinOrder ? undefined : { what: "order", c: a, twin: b, cOrder, twinOrder };
}

/** `ts_ns`, `TsNs` and `tsNs` are one name: how the languages spell a C member. */
const spelled = (path: string): string => path.slice(path.lastIndexOf(".") + 1).replace(/_/g, "").toLowerCase();

/** A slot's name for breaking ties: the C member it says it mirrors, else its own. */
const nameOf = (s: Slot): string => spelled(s.mirrors ?? s.path);

/**
 * Where slots a and b disagree, their names may say why: a
 * twin slot named like a later C member means C's member is missing from the
 * twin, a C slot named like a later twin slot means the twin has one too
 * many. Comparing positions alone would call both a member of another kind.
 */
function byName(a: Slot, b: Slot, cAll: readonly Slot[], tAll: readonly Slot[], base: number): "missing" | "extra" | undefined {
  const an = nameOf(a);
  const bn = nameOf(b);
  if (an === bn) return undefined;
  const laterC = cAll.some((x) => x.offset + base > a.offset && nameOf(x) === bn);
  const laterTwin = tAll.some((y) => y.offset + base > b.offset && nameOf(y) === an);
  if (laterC && !laterTwin) return "missing";
  if (laterTwin && !laterC) return "extra";
  return undefined;
}

/** Whether either slot's name is that of a later member of the other side, padding or not. */
function namedElsewhere(a: Slot, b: Slot, cAll: readonly Slot[], tAll: readonly Slot[], base: number): boolean {
  const an = nameOf(a);
  const bn = nameOf(b);
  return an !== bn && (cAll.some((x) => x.offset + base > a.offset && nameOf(x) === bn) || tAll.some((y) => y.offset + base > b.offset && nameOf(y) === an));
}

function shift(slots: readonly Slot[], prefix: string, base: number): Slot[] {
  if (!prefix && !base) return [...slots];
  return slots.map((s) => ({ ...s, path: prefix + s.path, offset: s.offset + base }));
}
