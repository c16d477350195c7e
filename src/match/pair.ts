import { dirname } from "node:path";
import { cTagName } from "../ir/c-names.js";
import { isAggregate, resolve, sizeOf, type TypeGraph } from "../ir/graph.js";
import { COLLECTION_LITERAL, MAPSPEC_LITERAL, mapMode, type BpfModule, type DecodeSite, type LayoutMode, type MapRef, type Registration, type Spanned, type TwinType, type UserspaceModule } from "../ir/bindings.js";
import type { MapDef } from "../ir/maps.js";
import type { SourceLoc, TypeId } from "../ir/types.js";
import { cNameKey, splitCName, twinNameKeys } from "./names.js";
import { proximity } from "./proximity.js";
import { packageOf, programStem, scopes, type Scope } from "./scope.js";
import { TARGETS } from "../ir/targets.js";
import { layoutHash } from "../ir/layout-hash.js";

// Which C type or map each userspace declaration mirrors, and why. A type
// is a twin only on evidence that its bytes cross the kernel boundary: the
// user's config, an `abidrift:mirrors` comment, a generator's record of the
// C name, a map it is passed to or read from (the map's C key or value is
// then its twin), a ring or perf buffer it is decoded from (the record BPF
// emits there, else the C type of its name). A name alone makes a candidate
// for --explain, never a pair. Names resolve in the userspace file's scope:
// the programs it loads (scope.ts), else the nearest program, and where
// several programs are equally near the name stays unresolved.

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
  /** Registered as the C struct's mirror with a checker the project runs (cilium's alignchecker), at `loc`. */
  | { by: "registered"; via: string; loc: SourceLoc }
  | { by: "generated"; generator: string }
  | { by: "map"; map: string; role: "key" | "value"; loc: SourceLoc }
  /** Decoded from map `map` at `loc`, into which BPF emits the C type at `emit`. */
  | { by: "record"; map: string; loc: SourceLoc; emit: SourceLoc }
  /** Its bytes cross the boundary at `loc` (a decode, a map without BTF types); the name says which C type. */
  | { by: "crossing"; what: string; loc: SourceLoc }
  /** A candidate only: never a finding. */
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
  /**
   * How the bytes are encoded where they cross: memory for an unsafe cast
   * or generated code, packed for binary.Read and for cilium/ebpf's map
   * calls (it marshals with encoding/binary unless the memory has no
   * padding, which then is the same bytes).
   */
  mode: LayoutMode;
  /**
   * Userspace only reads the type out of buffers (binary.Read, a cast), in
   * any file of its package or module, and never hands it to a map: a
   * decode of fewer bytes than the record reads a prefix of it.
   */
  decodedOnly: boolean;
  /** Where a sample is cast to a generated type: its memory, not encoding/binary's stream, crosses there. */
  castAt?: SourceLoc;
}

export interface MapPair {
  bpf: BpfModule;
  map: MapDef;
  user: UserspaceModule;
  ref: MapRef;
  /** The programs that each define the map alike, where nothing says which one this file means: any answers. */
  alike?: string[];
}

/** A name that several programs in reach define: no pair, and --explain says which. */
export interface Unresolved {
  user: UserspaceModule;
  name: string;
  loc: SourceLoc;
  kind: "type" | "map";
  /** The programs that define it. */
  programs: string[];
  /** How their definitions differ, for a map. */
  differs?: string;
}

export interface Pairing {
  types: TypePair[];
  maps: MapPair[];
  /** Userspace map names no BPF module, no MapSpec of userspace and no C text of the tree defines. */
  unknownMaps: { user: UserspaceModule; ref: MapRef }[];
  /** Twins that only a name links to a C type: shown by --explain, judged by no rule. */
  candidates: TypePair[];
  unresolved: Unresolved[];
  /** Each userspace module's programs, and what said so. */
  scopes: Map<UserspaceModule, Scope>;
}

/**
 * Whether the tree's C declares a map of this name for this userspace file
 * where no module read has it: a map the preprocessor left out of this
 * build (`#ifdef METRICS`) still exists in some builds.
 */
export type DeclaredInC = (name: string, u: UserspaceModule) => boolean;

export function pair(bpf: readonly BpfModule[], user: readonly UserspaceModule[], explicit: readonly ExplicitPair[] = [], declaredInC: DeclaredInC = () => false): Pairing {
  const index = new CIndex(bpf);
  const scopeOf = scopes(bpf, user);
  const maps: MapPair[] = [];
  const unknownMaps: Pairing["unknownMaps"] = [];
  const unresolved: Unresolved[] = [];
  // A map userspace creates itself (`ebpf.NewMap(&ebpf.MapSpec{Name: ...})`) is defined there, for any package that opens it by name.
  const userDefined = new Set(user.flatMap((u) => u.maps.filter((r) => r.via === MAPSPEC_LITERAL || r.via === COLLECTION_LITERAL).map((r) => r.name)));
  for (const u of user) {
    const scope = scopeOf.get(u)!;
    for (const ref of u.maps) {
      if (ref.via === COLLECTION_LITERAL) continue;
      // A ref on a program computed at run time names no map we can see.
      if (ref.programs?.length === 0) continue;
      const all = inPrograms(index.mapsNamed(ref.name), ref.programs, (m) => m.bpf);
      const found = choose(all, u, scope, (m) => m.bpf, ref.programs);
      if (found.pick) maps.push({ bpf: found.pick.bpf, map: found.pick.map, user: u, ref });
      else if (found.programs.length) {
        // Programs that share one definition (a header both include, a pinned map) agree on every byte: the first answers.
        // Builds of one byte order are compared with each other: a bpfeb build's `__u32` is not a bpfel build's.
        const defs = all.filter((m) => found.programs.includes(programKey(m.bpf)));
        const order = (m: Defined): string => m.bpf.graph.target.byteOrder;
        const differs = defs.map((m) => mapDifference(defs.find((d) => order(d) === order(m))!, m)).find((d) => d !== undefined);
        if (differs === undefined) maps.push({ bpf: defs[0]!.bpf, map: defs[0]!.map, user: u, ref, alike: found.programs });
        else unresolved.push({ user: u, name: `map ${ref.name}`, loc: ref.loc, kind: "map", programs: found.programs, differs });
      }
      else if (all.length === 0 && !userDefined.has(ref.name) && !declaredInC(ref.name, u)) unknownMaps.push({ user: u, ref });
    }
  }
  const uses = new PackageUses(user);
  const registered = new Map(user.flatMap((u) => u.registrations ?? []).map((r) => [`${r.twin.loc.file}\0${r.twin.name}`, r]));
  const mapOfRef = new Map(maps.map((m) => [m.ref, m]));
  const types: TypePair[] = [];
  const candidates: TypePair[] = [];
  for (const u of user) {
    const scope = scopeOf.get(u)!;
    const ctx: TwinContext = { index, u, scope, explicit, mapOfRef, uses, unresolved, registered };
    for (const twin of u.twins) {
      const p = pairTwin(ctx, twin);
      if (!p) continue;
      if (p.reason.by === "name") candidates.push(p);
      else types.push(p);
    }
  }
  return { types, maps, unknownMaps, candidates, unresolved, scopes: scopeOf };
}

interface TwinContext {
  index: CIndex;
  u: UserspaceModule;
  scope: Scope;
  explicit: readonly ExplicitPair[];
  /** The map pair of each userspace map reference (a ref belongs to one module). */
  mapOfRef: ReadonlyMap<MapRef, MapPair>;
  uses: PackageUses;
  unresolved: Unresolved[];
  /** Registrations with a layout checker, by the registered type's file and name. */
  registered: ReadonlyMap<string, Registration>;
}

/** The map uses and decodes of a twin, in its own file or, by name, in another file of its package. */
interface TwinUse {
  user: UserspaceModule;
  ref?: MapRef;
  role?: "key" | "value";
  used?: Spanned<TypeId>;
  decode?: DecodeSite;
}

/**
 * Where each package's files use a type by name: Go reads a package as one,
 * so `var ev Event` in main.go is the Event types.go declares, and
 * `var v types.Rec` the Rec of the module's package types. A use in another
 * file names the type (its graph holds a forward declaration, or the type
 * laid out in place with the file that declares it).
 */
class PackageUses {
  private byName = new Map<string, TwinUse[]>();
  constructor(user: readonly UserspaceModule[]) {
    for (const u of user) {
      const declared = (id: TypeId): string | undefined => {
        const g = u.layout(TARGETS.x86_64, "native");
        const t = g.type(id);
        if (t.kind === "fwd") return `${packageOf(u)}\0${t.name}`;
        // Read by package, the Go reader lays out another file's type in place: still that file's twin.
        if (u.language !== "go" || !isAggregate(t) || !t.name || !t.loc || t.loc.file === u.file) return undefined;
        return `go:${dirname(t.loc.file)}\0${t.name}`;
      };
      const add = (id: TypeId, use: TwinUse): void => {
        const key = declared(id);
        if (!key) return;
        const list = this.byName.get(key) ?? [];
        list.push(use);
        this.byName.set(key, list);
      };
      for (const ref of u.maps) {
        if (ref.keyType) add(ref.keyType.value, { user: u, ref, role: "key", used: ref.keyType });
        if (ref.valueType) add(ref.valueType.value, { user: u, ref, role: "value", used: ref.valueType });
      }
      for (const d of u.decodes) add(d.typeId, { user: u, decode: d });
    }
  }

  of(u: UserspaceModule, twin: TwinType): TwinUse[] {
    const own: TwinUse[] = [];
    for (const ref of u.maps) {
      if (ref.keyType?.value === twin.typeId) own.push({ user: u, ref, role: "key", used: ref.keyType });
      if (ref.valueType?.value === twin.typeId) own.push({ user: u, ref, role: "value", used: ref.valueType });
    }
    for (const d of u.decodes) if (d.typeId === twin.typeId) own.push({ user: u, decode: d });
    return [...own, ...(this.byName.get(`${packageOf(u)}\0${twin.name}`) ?? [])];
  }
}

function pairTwin(ctx: TwinContext, twin: TwinType): TypePair | undefined {
  const { index, u, scope } = ctx;
  if (!hasBytes(u, twin)) return undefined;
  const uses = ctx.uses.of(u, twin);
  const decodedOnly = uses.length > 0 && uses.every((use) => use.decode && !use.decode.method.startsWith("Map."));
  const made = (c: CTypeRef | undefined, reason: PairReason, mode: LayoutMode = "native"): TypePair | undefined => (c ? { c, user: u, twin, reason, mode, decodedOnly } : undefined);
  const named = (cName: string, loc: SourceLoc): CTypeRef | undefined => {
    const r = choose(index.typesNamed(cName), u, scope, (c) => c.module, undefined, sameLayout);
    if (r.programs.length) ctx.unresolved.push({ user: u, name: cName, loc, kind: "type", programs: r.programs });
    return r.pick;
  };
  for (const e of ctx.explicit) {
    if (e.twin !== twin.name || (e.file && !u.file.endsWith(e.file))) continue;
    const p = made(named(e.c, e.loc), { by: "config", loc: e.loc });
    if (p) return p;
  }
  if (twin.mirrors) {
    const p = made(named(twin.mirrors.name, twin.mirrors.loc), { by: "annotation", loc: twin.mirrors.loc });
    if (p) return p;
  }
  const reg = ctx.registered.get(`${u.file}\0${twin.name}`);
  if (reg) {
    // alignchecker compares the Go type's memory with C's.
    const p = made(named(reg.cName, reg.loc), { by: "registered", via: reg.via, loc: reg.loc });
    if (p) return p;
  }
  if (twin.generated?.cName) {
    // bpf2go spells C's padding as `_ [N]byte` but cannot spell `packed`: its
    // type's memory may differ from C's while encoding/binary, which
    // binary.Read and cilium/ebpf's map calls use for such a type, puts every
    // byte where C has it. Only a cast of a sample holds the memory to C's.
    const cast = uses.find((use) => use.decode?.mode === "native")?.decode?.loc;
    const p = made(named(twin.generated.cName, twin.loc), { by: "generated", generator: twin.generated.by }, cast ? "native" : mapMode(u));
    if (p) return cast ? { ...p, castAt: cast } : p;
  }
  let crossing: { what: string; loc: SourceLoc; mode: LayoutMode } | undefined;
  for (const use of uses) {
    if (use.ref && use.role && use.used) {
      const m = ctx.mapOfRef.get(use.ref);
      const cId = m && (use.role === "key" ? m.map.keyType : m.map.valueType);
      const mode = use.ref.encoding ?? mapMode(u);
      const p = m && cId !== undefined ? made(aggregateRef(m.bpf, cId), { by: "map", map: m.map.name, role: use.role, loc: use.used.loc }, mode) : undefined;
      if (p) return p;
      crossing ??= { what: `the ${use.role} of map ${use.ref.name}`, loc: use.used.loc, mode };
    }
    const d = use.decode;
    if (d) {
      if (d.mapName !== undefined) {
        if (d.programs?.length === 0) continue;
        const emitted = index.recordInto(d.mapName, u, scope, d.programs);
        const p = emitted && made(emitted.c, { by: "record", map: d.mapName, loc: d.loc, emit: emitted.emit }, d.mode);
        if (p) return p;
      }
      crossing ??= { what: `decoded by ${d.method}`, loc: d.loc, mode: d.mode };
    }
  }
  // A twin decoded from a buffer of a known program is that program's record, or no other program's.
  const programs = u.decodes.filter((d) => d.typeId === twin.typeId && d.programs !== undefined).flatMap((d) => d.programs!);
  // Bytes that cross with no C type said: the name in scope says which, exactly as spelled.
  const byName = index.typeByConvention(twin.name, u, scope, !!crossing, programs.length ? programs : undefined);
  if (byName.programs.length && crossing) ctx.unresolved.push({ user: u, name: twin.name, loc: twin.loc, kind: "type", programs: byName.programs });
  if (crossing) return made(byName.pick, { by: "crossing", what: crossing.what, loc: crossing.loc }, crossing.mode);
  return made(byName.pick, { by: "name" });
}

type Defined = { bpf: BpfModule; map: MapDef };

/** How two programs' definitions of one map differ, in words; undefined where they agree on every byte userspace sees. */
function mapDifference(a: Defined, b: Defined): string | undefined {
  const [pa, pb] = [programKey(a.bpf), programKey(b.bpf)];
  const [x, y] = [a.map, b.map];
  if (x.type !== y.type) return `${pa} makes it a ${x.type} map, ${pb} a ${y.type}`;
  for (const side of ["key", "value"] as const) {
    const [sx, sy] = side === "key" ? [x.keySize, y.keySize] : [x.valueSize, y.valueSize];
    if (sx !== sy) return `its ${side} is ${sx} bytes in ${pa}, ${sy} in ${pb}`;
    const [tx, ty] = side === "key" ? [x.keyType, y.keyType] : [x.valueType, y.valueType];
    if (tx !== undefined && ty !== undefined && !sameLayout({ module: a.bpf, typeId: tx }, { module: b.bpf, typeId: ty })) return `its ${side} is laid out differently in ${pa} and ${pb}`;
  }
  if (x.maxEntries !== y.maxEntries) return `it holds ${x.maxEntries} entries in ${pa}, ${y.maxEntries} in ${pb}`;
  if (x.flags !== y.flags) return `its flags are ${x.flags} in ${pa}, ${y.flags} in ${pb}`;
  if (x.inner && y.inner) return mapDifference({ bpf: a.bpf, map: x.inner }, { bpf: b.bpf, map: y.inner });
  return undefined;
}

/**
 * The same size, and members of the same names, offsets and sizes; a type
 * that is no struct or union (a map's `__u32` key) alike in every byte.
 */
function sameLayout(a: Pick<CTypeRef, "module" | "typeId">, b: Pick<CTypeRef, "module" | "typeId">): boolean {
  const ta = a.module.graph.type(resolve(a.module.graph, a.typeId));
  const tb = b.module.graph.type(resolve(b.module.graph, b.typeId));
  if (!isAggregate(ta) && !isAggregate(tb)) return layoutHash(a.module.graph, a.typeId) === layoutHash(b.module.graph, b.typeId);
  if (!isAggregate(ta) || !isAggregate(tb) || ta.kind !== tb.kind || ta.size !== tb.size || ta.members.length !== tb.members.length) return false;
  return ta.members.every((m, i) => {
    const n = tb.members[i]!;
    return m.name === n.name && m.bitOffset === n.bitOffset && m.bitSize === n.bitSize && sizeOf(a.module.graph, m.type) === sizeOf(b.module.graph, n.type);
  });
}

/** A twin of no bytes (a method receiver, `struct{}`) mirrors nothing. */
function hasBytes(u: UserspaceModule, twin: TwinType): boolean {
  if (u.language === "typescript") return true;
  const t = u.layout(TARGETS.x86_64, "native").type(twin.typeId);
  return !(isAggregate(t) && (t.size === 0 || t.members.length === 0));
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

/** The candidates from the programs the userspace code names, where it names them (`programOf`). */
function inPrograms<T>(candidates: readonly T[], programs: readonly string[] | undefined, moduleOf: (c: T) => BpfModule): readonly T[] {
  return programs === undefined ? candidates : candidates.filter((c) => programs.includes(programOf(moduleOf(c))));
}

/** A BPF module's program, as `MapRef.programs` names it. */
export function programOf(m: BpfModule): string {
  return m.program ?? m.file;
}

/**
 * The candidate a userspace module means: among the programs it loads when
 * it says which, else the nearest; none when the nearest are
 * several programs (`programs` then names them). Builds of one program (per
 * target and byte order) are one program; the nearest build wins.
 */
function choose<T>(
  candidates: readonly T[],
  u: UserspaceModule,
  scope: Scope,
  bpfOf: (c: T) => BpfModule,
  named?: readonly string[],
  alike?: (a: T, b: T) => boolean,
): { pick?: T; programs: string[] } {
  if (candidates.length === 0) return { programs: [] };
  // A file that says what it loads resolves names there only: another program's type of the same name is not its.
  const pool = scope.modules.size ? candidates.filter((c) => scope.modules.has(bpfOf(c))) : candidates;
  if (pool.length === 0) return { programs: [] };
  let best = -1;
  let top: T[] = [];
  for (const c of pool) {
    const s = proximity(bpfOf(c).file, u.file);
    if (s > best) {
      best = s;
      top = [c];
    } else if (s === best) top.push(c);
  }
  // Several programs of one file (BCC's BPF(text=...) each) are told apart by their `program`.
  const programs = new Set(top.map((c) => programKey(bpfOf(c))));
  // Programs the code itself names are alternatives of one tool (`b = BPF(text=a)` or
  // `BPF(text=b)` by kernel version): either may run, so the nearest answers for both.
  // Programs that all lay the type out alike (one shared header) agree on its bytes: the nearest answers.
  if (programs.size > 1 && !named?.length && !(alike && top.every((c) => alike(c, top[0]!)))) return { programs: [...programs].sort() };
  return { pick: top[0], programs: [] };
}

/** A program as ambiguity names it: builds of one program are one. */
function programKey(m: BpfModule): string {
  return m.program ?? programStem(m.file);
}

const SYSTEM_HEADER = /^\/usr\/(local\/)?include\//;

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

  typesNamed(cName: string): CTypeRef[] {
    const refs: CTypeRef[] = [];
    for (const module of this.modules) {
      const ref = this.typeIn(module, cName);
      if (ref) refs.push(ref);
    }
    return refs;
  }

  /**
   * The C type BPF emits into map `map`, from the program in reach that
   * emits one there: only when that program's emits all name the same type,
   * since a buffer shared by several record types says nothing of which is which.
   */
  recordInto(map: string, u: UserspaceModule, scope: Scope, programs?: readonly string[]): { c: CTypeRef; emit: SourceLoc } | undefined {
    const candidates: { c: CTypeRef; emit: SourceLoc; bpf: BpfModule }[] = [];
    for (const module of inPrograms(this.modules, programs, (m) => m)) {
      const emits = (module.records ?? []).filter((r) => r.map === map);
      const types = new Set(emits.map((r) => r.type));
      if (types.size !== 1 || !emits[0]!.type) continue;
      const type = emits[0]!.type;
      const c = this.typeIn(module, type) ?? (module.source && this.typeIn(module.source, type));
      if (c) candidates.push({ c, emit: emits[0]!.loc, bpf: module });
    }
    return choose(candidates, u, scope, (x) => x.bpf, programs).pick;
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

  /**
   * C types named like `twinName` in reach. With `exact`, only the spelling
   * itself (`DnsKey` for `dns_key`); a candidate may also drop a lower-case
   * prefix (`bpfDnsKey`), which a hand-written `perfEvent` is not.
   */
  typeByConvention(twinName: string, u: UserspaceModule, scope: Scope, exact: boolean, programs?: readonly string[]): { pick?: CTypeRef; programs: string[] } {
    const keys = exact ? twinNameKeys(twinName).slice(0, 1) : twinNameKeys(twinName);
    // Only the modules that have one of the keys, in module order: walking
    // every module per twin made a check of a thousand programs quadratic.
    const holders = new Set<number>();
    for (const key of keys) for (const i of this.holdersOf(key)) holders.add(i);
    const inReach = inPrograms([...holders].sort((a, b) => a - b).map((i) => this.modules[i]!), programs, (m) => m);
    const refs: { ref: CTypeRef; bpf: BpfModule }[] = [];
    for (const bpf of inReach) {
      // An object's BTF lacks types only reached through pointers; its source, where read, has them.
      for (const module of bpf.source ? [bpf, bpf.source] : [bpf]) {
        const byKey = this.keysOf(module);
        const before = refs.length;
        for (const key of keys) {
          for (const id of byKey.get(key) ?? []) {
            const ref = aggregateRef(module, id);
            if (ref) refs.push({ ref, bpf });
          }
        }
        if (refs.length > before) break;
      }
    }
    const r = choose(refs, u, scope, (x) => x.bpf, programs, (a, b) => sameLayout(a.ref, b.ref));
    return { programs: r.programs, ...(r.pick ? { pick: r.pick.ref } : {}) };
  }

  private holders?: Map<string, number[]>;

  /** Indexes (in `modules`) of the modules with a type of this name key. */
  private holdersOf(key: string): readonly number[] {
    if (!this.holders) {
      this.holders = new Map();
      this.modules.forEach((module, i) => {
        const keys = new Set(this.keysOf(module).keys());
        if (module.source) for (const k of this.keysOf(module.source).keys()) keys.add(k);
        for (const k of keys) {
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
      // A struct of a system header the C happens to include (`timespec` from <time.h>) is no twin's by name.
      if (t.loc && SYSTEM_HEADER.test(t.loc.file)) continue;
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
    case "registered":
      return `registered with ${r.via} at ${where(r.loc)}`;
    case "generated":
      return `generated by ${r.generator} from the C type`;
    case "map":
      return `used as the ${r.role} of map ${r.map} at ${where(r.loc)}`;
    case "record":
      return `decoded from map ${r.map} at ${where(r.loc)}, which BPF fills at ${where(r.emit)}`;
    case "crossing":
      return `${r.what} at ${where(r.loc)}; the C type by its name`;
    case "name":
      return "naming convention only: a candidate, not checked";
  }
}

function where(loc: SourceLoc): string {
  return loc.line !== undefined ? `${loc.file}:${loc.line}` : loc.file;
}
