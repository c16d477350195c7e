import { cTagName } from "../ir/c-names.js";
import { isAggregate, resolve, type TypeGraph } from "../ir/graph.js";
import type { BpfModule, MapRef, TwinType, UserspaceModule } from "../ir/bindings.js";
import type { MapDef } from "../ir/maps.js";
import type { SourceLoc, TypeId } from "../ir/types.js";
import { cNameKey, splitCName, twinNameKeys } from "./names.js";
import { proximity } from "./proximity.js";

// Which C type or map each userspace declaration mirrors, and why. The
// reasons are tried strongest first and the first that names a C type wins:
// the user's config, an `abidrift:mirrors` comment, a generator's record of
// the C name, a map whose key or value the type is passed as, a ring or perf
// buffer the type is decoded from and the record BPF emits into it, then the
// naming convention. Where several BPF modules define the name, the nearest in the
// tree wins (same directory, same bpf2go stem and byte order).

/** A pair the user wrote in `abidrift.config.json`. */
export interface ExplicitPair {
  /** `struct dns_key`, `dns_key`. */
  c: string;
  /** The userspace type's name: `DnsKey`. */
  twin: string;
  /** Restricts the pair to userspace files whose path ends with this. */
  file?: string;
  /** Where the config says it. */
  loc: SourceLoc;
}

export type PairReason =
  | { by: "config"; loc: SourceLoc }
  | { by: "annotation"; loc: SourceLoc }
  | { by: "generated"; generator: string }
  | { by: "map"; map: string; role: "key" | "value"; loc: SourceLoc }
  /** Decoded from map `map` at `loc`, into which BPF emits the C type at `emit`. */
  | { by: "record"; map: string; loc: SourceLoc; emit: SourceLoc }
  | { by: "name" };

export interface CTypeRef {
  module: BpfModule;
  typeId: TypeId;
  /** `struct dns_key`. */
  name: string;
  loc?: SourceLoc;
}

export interface TypePair {
  c: CTypeRef;
  user: UserspaceModule;
  twin: TwinType;
  reason: PairReason;
}

export interface MapPair {
  bpf: BpfModule;
  map: MapDef;
  user: UserspaceModule;
  ref: MapRef;
}

export interface Pairing {
  types: TypePair[];
  maps: MapPair[];
  /** Userspace map names no BPF module defines. */
  unknownMaps: { user: UserspaceModule; ref: MapRef }[];
}

export function pair(bpf: readonly BpfModule[], user: readonly UserspaceModule[], explicit: readonly ExplicitPair[] = []): Pairing {
  const index = new CIndex(bpf);
  const maps: MapPair[] = [];
  const unknownMaps: Pairing["unknownMaps"] = [];
  for (const u of user) {
    for (const ref of u.maps) {
      const found = nearest(index.mapsNamed(ref.name), u.file, (m) => m.bpf.file);
      if (found) maps.push({ bpf: found.bpf, map: found.map, user: u, ref });
      else unknownMaps.push({ user: u, ref });
    }
  }
  const types: TypePair[] = [];
  for (const u of user) {
    const mapsOfModule = maps.filter((m) => m.user === u);
    for (const twin of u.twins) {
      const p = pairTwin(index, u, twin, explicit, mapsOfModule);
      if (p) types.push(p);
    }
  }
  return { types, maps, unknownMaps };
}

function pairTwin(index: CIndex, u: UserspaceModule, twin: TwinType, explicit: readonly ExplicitPair[], maps: MapPair[]): TypePair | undefined {
  const found = (c: CTypeRef | undefined, reason: PairReason): TypePair | undefined => (c ? { c, user: u, twin, reason } : undefined);
  for (const e of explicit) {
    if (e.twin !== twin.name || (e.file && !u.file.endsWith(e.file))) continue;
    const p = found(index.typeNamed(e.c, u.file), { by: "config", loc: e.loc });
    if (p) return p;
  }
  if (twin.mirrors) {
    const p = found(index.typeNamed(twin.mirrors.name, u.file), { by: "annotation", loc: twin.mirrors.loc });
    if (p) return p;
  }
  if (twin.generated?.cName) {
    const p = found(index.typeNamed(twin.generated.cName, u.file), { by: "generated", generator: twin.generated.by });
    if (p) return p;
  }
  for (const m of maps) {
    for (const role of ["key", "value"] as const) {
      const used = role === "key" ? m.ref.keyType : m.ref.valueType;
      const cId = role === "key" ? m.map.keyType : m.map.valueType;
      if (!used || used.value !== twin.typeId || cId === undefined) continue;
      const c = aggregateRef(m.bpf, cId);
      const p = found(c, { by: "map", map: m.map.name, role, loc: used.loc });
      if (p) return p;
    }
  }
  for (const d of u.decodes) {
    if (d.typeId !== twin.typeId || d.mapName === undefined) continue;
    const emitted = index.recordInto(d.mapName, u.file);
    const p = emitted && found(emitted.c, { by: "record", map: d.mapName, loc: d.loc, emit: emitted.emit });
    if (p) return p;
  }
  return found(index.typeByConvention(twin.name, u.file), { by: "name" });
}

/** The C aggregate behind an id (through typedefs), or undefined for scalars. */
function aggregateRef(module: BpfModule, id: TypeId): CTypeRef | undefined {
  const g = module.graph;
  const rid = resolve(g, id);
  const t = g.type(rid);
  if (!isAggregate(t)) return undefined;
  const named = g.type(id);
  const name = named.kind === "typedef" ? named.name : cTagName(t);
  return { module, typeId: rid, name, loc: t.loc };
}

function nearest<T>(candidates: T[], toFile: string, fileOf: (c: T) => string): T | undefined {
  let best: T | undefined;
  let bestScore = -1;
  for (const c of candidates) {
    const s = proximity(fileOf(c), toFile);
    if (s > bestScore) {
      best = c;
      bestScore = s;
    }
  }
  return best;
}

/** Name lookups over every BPF module, built on first use. */
class CIndex {
  private byMap?: Map<string, { bpf: BpfModule; map: MapDef }[]>;
  private byKey = new Map<BpfModule, Map<string, TypeId[]>>();
  constructor(private readonly modules: readonly BpfModule[]) {}

  mapsNamed(name: string): { bpf: BpfModule; map: MapDef }[] {
    if (!this.byMap) {
      this.byMap = new Map();
      for (const bpf of this.modules) {
        for (const map of bpf.maps) {
          const list = this.byMap.get(map.name) ?? [];
          list.push({ bpf, map });
          this.byMap.set(map.name, list);
        }
      }
    }
    const exact = this.byMap.get(name);
    if (exact) return exact;
    // libbpf names global sections `<object>.rodata`; cilium/ebpf and bpf2go say `.rodata`.
    if (name.startsWith(".")) {
      return [...this.byMap.entries()].filter(([n]) => n.endsWith(name)).flatMap(([, l]) => l);
    }
    return [];
  }

  typeNamed(cName: string, nearFile: string): CTypeRef | undefined {
    const refs: CTypeRef[] = [];
    for (const module of this.modules) {
      const ref = this.typeIn(module, cName);
      if (ref) refs.push(ref);
    }
    return nearest(refs, nearFile, (r) => r.module.file);
  }

  /**
   * The C type BPF emits into map `map`, from the nearest module that emits
   * one there: only when that module's emits all name the same type, since
   * a buffer shared by several record types says nothing of which is which.
   */
  recordInto(map: string, nearFile: string): { c: CTypeRef; emit: SourceLoc } | undefined {
    const candidates: { c: CTypeRef; emit: SourceLoc }[] = [];
    for (const module of this.modules) {
      const emits = (module.records ?? []).filter((r) => r.map === map);
      const types = new Set(emits.map((r) => r.type));
      if (types.size !== 1 || !emits[0]!.type) continue;
      const type = emits[0]!.type;
      const c = this.typeIn(module, type) ?? (module.source && this.typeIn(module.source, type));
      if (c) candidates.push({ c, emit: emits[0]!.loc });
    }
    return nearest(candidates, nearFile, (x) => x.c.module.file);
  }

  private typeIn(module: BpfModule, cName: string): CTypeRef | undefined {
    const { tag, name } = splitCName(cName);
    for (const id of module.graph.find(name)) {
      const t = module.graph.type(id);
      if (tag ? t.kind !== tag : !isAggregate(t) && t.kind !== "typedef") continue;
      const ref = aggregateRef(module, id);
      if (ref) return ref;
    }
    return undefined;
  }

  typeByConvention(twinName: string, nearFile: string): CTypeRef | undefined {
    const keys = twinNameKeys(twinName);
    // Only the modules that have one of the keys, in module order: walking
    // every module per twin made a check of a thousand programs quadratic.
    const holders = new Set<number>();
    for (const key of keys) for (const i of this.holdersOf(key)) holders.add(i);
    const refs: CTypeRef[] = [];
    for (const i of [...holders].sort((a, b) => a - b)) {
      const module = this.modules[i]!;
      const byKey = this.keysOf(module);
      for (const key of keys) {
        for (const id of byKey.get(key) ?? []) {
          const ref = aggregateRef(module, id);
          if (ref) refs.push(ref);
        }
      }
    }
    return nearest(refs, nearFile, (r) => r.module.file);
  }

  private holders?: Map<string, number[]>;

  /** Indexes (in `modules`) of the modules with a type of this name key. */
  private holdersOf(key: string): readonly number[] {
    if (!this.holders) {
      this.holders = new Map();
      this.modules.forEach((module, i) => {
        for (const k of this.keysOf(module).keys()) {
          const list = this.holders!.get(k);
          if (list) list.push(i);
          else this.holders!.set(k, [i]);
        }
      });
    }
    return this.holders.get(key) ?? [];
  }

  private keysOf(module: BpfModule): Map<string, TypeId[]> {
    let keys = this.byKey.get(module);
    if (keys) return keys;
    keys = new Map();
    const g: TypeGraph = module.graph;
    for (let id = 1; id < g.count; id++) {
      const t = g.type(id);
      if (!(isAggregate(t) || t.kind === "typedef") || !t.name) continue;
      const key = cNameKey(t.name);
      const list = keys.get(key) ?? [];
      list.push(id);
      keys.set(key, list);
    }
    this.byKey.set(module, keys);
    return keys;
  }
}

/** Why a pair was made, in words for reports and `--explain`. */
export function describeReason(r: PairReason): string {
  switch (r.by) {
    case "config":
      return `paired in ${where(r.loc)}`;
    case "annotation":
      return `abidrift:mirrors comment at ${where(r.loc)}`;
    case "generated":
      return `generated by ${r.generator} from the C type`;
    case "map":
      return `used as the ${r.role} of map ${r.map} at ${where(r.loc)}`;
    case "record":
      return `decoded from map ${r.map} at ${where(r.loc)}, which BPF fills at ${where(r.emit)}`;
    case "name":
      return "naming convention";
  }
}

function where(loc: SourceLoc): string {
  return loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file;
}
