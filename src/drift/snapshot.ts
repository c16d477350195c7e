import type { BpfModule } from "../ir/bindings.js";
import { cTypeName } from "../ir/c-names.js";
import { InputError } from "../ir/errors.js";
import { MAX_CHAIN, isAggregate, resolve, sizeOf, type TypeGraph } from "../ir/graph.js";
import { alignOf } from "../ir/layout/aggregate.js";
import type { AggregateType, SourceLoc, TypeId } from "../ir/types.js";
import { LOCK_VERSION, typeLabel, type Lock, type LockAnonymous, type LockMap, type LockMember, type LockScalar, type LockType } from "./lock.js";

// A snapshot of BPF modules: the lock, plus where each type, member and map
// was declared. The places stay out of the lock (a line moving is not drift)
// but findings about the tree point at them.

export interface Snapshot {
  lock: Lock;
  /** By `typeLabel`, `typeLabel.member` (`struct event.pid`) and `map name`. */
  locs: Map<string, SourceLoc>;
}

/**
 * Every map and every named struct, union and enum of the modules. Objects
 * come before sources (BTF is the compiler's word), then by file name; the
 * first to define a name wins, so `x.bpfel.o` and `x.bpfeb.o`, or an object
 * and the source it was built from, give one entry.
 */
export function snapshot(modules: readonly BpfModule[]): Snapshot {
  const rank = (m: BpfModule): number => (m.origin === "btf" ? 0 : 1);
  const ordered = [...modules].sort((a, b) => rank(a) - rank(b) || cmp(a.file, b.file) || (a.offset ?? 0) - (b.offset ?? 0));
  const types = new Map<string, LockType>();
  const maps = new Map<string, LockMap>();
  const locs = new Map<string, SourceLoc>();
  const scalars = new Map<string, LockScalar>();
  for (const m of ordered) {
    for (const def of m.maps) {
      if (maps.has(def.name)) continue;
      maps.set(def.name, {
        name: def.name,
        type: def.type,
        keySize: def.keySize,
        valueSize: def.valueSize,
        maxEntries: def.maxEntries,
        flags: def.flags,
        key: def.keyType === undefined ? null : cTypeName(m.graph, def.keyType),
        value: def.valueType === undefined ? null : cTypeName(m.graph, def.valueType),
        file: m.file,
      });
      locs.set(`map ${def.name}`, def.loc ?? { file: m.file, ...(m.offset ? { offset: m.offset } : {}) });
    }
    for (const id of sharedTypeIds(m)) {
      const found = new Map<string, SourceLoc>();
      const named = new Map<string, LockScalar>();
      const t = lockType(m, id, found, named);
      if (!t || types.has(typeLabel(t))) continue;
      types.set(typeLabel(t), t);
      for (const [k, v] of found) locs.set(k, v);
      for (const [k, v] of named) if (!scalars.has(k)) scalars.set(k, v);
    }
  }
  // Decoders of the lock need its byte order: the compiler's, where an object says it.
  const target = ordered.find((m) => m.origin === "btf")?.graph.target.name === "bpfeb" ? "bpfeb" : "bpfel";
  return {
    lock: {
      abidrift: LOCK_VERSION,
      target,
      maps: [...maps.values()].sort((a, b) => cmp(a.name, b.name)),
      types: [...types.values()].sort((a, b) => cmp(typeLabel(a), typeLabel(b))),
      scalars: [...scalars.values()].sort((a, b) => cmp(a.name, b.name)),
    },
    locs,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Headers the system gives every BPF program: their types are the kernel's
// and libbpf's, not the project's. BTF only carries the ones a program uses,
// so objects keep them; a source read through vmlinux.h would list thousands.
const SYSTEM_HEADER = /(^|\/)(vmlinux[^/]*\.h|bpf_helper_defs\.h)$|^\/usr\/include\//;

/** Named structs, unions and enums, and typedefs naming an anonymous one. */
function* sharedTypeIds(m: BpfModule): Generator<TypeId> {
  const g = m.graph;
  for (let id = 1; id < g.count; id++) {
    const t = g.type(id);
    if (m.origin === "source" && "loc" in t && t.loc && SYSTEM_HEADER.test(t.loc.file)) continue;
    if ((isAggregate(t) || t.kind === "enum") && t.name) yield id;
    else if (t.kind === "typedef") {
      const target = g.type(t.target);
      if ((isAggregate(target) || target.kind === "enum") && !target.name) yield id;
    }
  }
}

function lockType(m: BpfModule, id: TypeId, locs: Map<string, SourceLoc>, scalars: Map<string, LockScalar>): LockType | undefined {
  const g = m.graph;
  let t = g.type(id);
  let name = "name" in t ? t.name : "";
  const typedef = t.kind === "typedef";
  if (t.kind === "typedef") t = g.type(t.target);
  const where = { file: m.file };
  if (t.kind === "enum") {
    const e: LockType = {
      kind: "enum",
      name,
      ...(typedef ? { typedef: true as const } : {}),
      size: t.size,
      signed: t.signed,
      file: m.file,
      values: t.values.map((v) => ({ name: v.name, value: v.value.toString() })),
    };
    locs.set(typeLabel(e), t.loc ?? where);
    return e;
  }
  if (!isAggregate(t)) return undefined;
  name ||= t.name;
  const label = typedef ? name : `${t.kind} ${name}`;
  const into: Flattened = { members: [], anonymous: [], locs, scalars, label };
  flatten(g, t, "", 0, into, 0);
  locs.set(label, t.loc ?? where);
  const anonymous = into.anonymous.length ? { anonymous: into.anonymous } : {};
  return { kind: t.kind, name, ...(typedef ? { typedef: true as const } : {}), size: t.size, align: alignOf(g, typedef ? resolve(g, id) : id), file: m.file, ...anonymous, members: into.members };
}

interface Flattened {
  members: LockMember[];
  anonymous: LockAnonymous[];
  locs: Map<string, SourceLoc>;
  scalars: Map<string, LockScalar>;
  label: string;
}

/**
 * Members with offsets from the outermost type. A member whose type is an
 * anonymous struct or union is opened in place (`u.a`), as pahole expands
 * it: its own name says nothing, its members are the ABI.
 */
function flatten(g: TypeGraph, t: AggregateType, prefix: string, base: number, into: Flattened, depth: number): void {
  if (depth > MAX_CHAIN) throw new InputError(g.file, `${into.label}: anonymous members nested deeper than ${MAX_CHAIN} (a cycle?)`);
  t.members.forEach((m, i) => {
    const inner = g.type(resolve(g, m.type));
    const path = m.name ? `${prefix}${m.name}` : prefix;
    if (isAggregate(inner) && !inner.name && m.bitSize === 0) {
      const open: LockAnonymous = { kind: inner.kind, name: m.name, bitOffset: base + m.bitOffset, size: inner.size, from: into.members.length, to: 0 };
      into.anonymous.push(open);
      flatten(g, inner, m.name ? `${path}.` : path, base + m.bitOffset, into, depth + 1);
      open.to = into.members.length;
      return;
    }
    const name = path || (m.bitSize ? "" : `(anonymous ${i})`);
    into.members.push({ name, type: cTypeName(g, m.type), bitOffset: base + m.bitOffset, bitSize: m.bitSize, size: sizeOf(g, m.type) });
    if (name && m.loc) into.locs.set(`${into.label}.${name}`, m.loc);
    scalarsOf(g, m.type, into.scalars);
  });
}

/**
 * The typedefs, integers and floats a member's type is spelled with, down
 * to the base type. Pointers stop the walk: a decoder reads an address, not
 * what it points at. Named structs, unions and enums are types of their own.
 */
function scalarsOf(g: TypeGraph, id: TypeId, out: Map<string, LockScalar>): void {
  for (let depth = 0; depth <= MAX_CHAIN; depth++) {
    const t = g.type(id);
    switch (t.kind) {
      case "typedef":
        if (!out.has(t.name)) out.set(t.name, { name: t.name, kind: "typedef", type: cTypeName(g, t.target) });
        id = t.target;
        break;
      case "const":
      case "volatile":
      case "restrict":
      case "type_tag":
        id = t.target;
        break;
      case "array":
        id = t.elem;
        break;
      case "int": {
        const plain = t.bits === t.size * 8 && t.bitOffset === 0;
        out.set(t.name, { name: t.name, kind: "int", size: t.size, signed: t.signed, encoding: t.encoding, ...(plain ? {} : { bits: t.bits, bitOffset: t.bitOffset }) });
        return;
      }
      case "float":
        out.set(t.name, { name: t.name, kind: "float", size: t.size });
        return;
      default:
        return;
    }
  }
  throw new InputError(g.file, `type id ${id}: typedefs chained deeper than ${MAX_CHAIN} (a cycle?)`);
}
