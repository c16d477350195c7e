import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { BpfModule, UserspaceModule } from "../ir/bindings.js";
import { cTagName, cTypeName } from "../ir/c-names.js";
import { isAggregate, resolve } from "../ir/graph.js";
import { describeAggregate } from "../ir/layout/aggregate.js";
import type { MapDef } from "../ir/maps.js";
import type { SourceLoc, TypeId } from "../ir/types.js";
import { splitCName } from "../match/names.js";
import { describeReason, type TypePair } from "../match/pair.js";
import { programStem } from "../check/c-locate.js";
import { check, type CheckOptions, type CheckResult } from "../check/run.js";
import { layoutText } from "../report/layout/text.js";
import { fixOf, messageOf, sortFindings } from "../report/findings/words.js";
import { TextBuffer } from "../report/text-buffer.js";
import type { Target } from "../ir/targets.js";
import { archDependence } from "./arch.js";
import { AUDIT_FORMAT, type AuditEvent, type AuditFinding, type AuditMap, type AuditStruct, type AuditTwin, type Inventory, type MapSlot, type Place } from "./inventory.js";
import { packing } from "./packing.js";
import { VERSION } from "../version.js";

// An audit: a check, then the inventory a release needs, all from what the
// check read. The shared C types are the ones userspace can see: map keys
// and values, ring and perf buffer records, and whatever a twin mirrors.

const CACHELINE = 64;
const EVENT_MAPS = new Set(["ringbuf", "perf_event_array", "user_ringbuf"]);

export async function audit(opts: CheckOptions): Promise<Inventory> {
  return inventory(await check(opts));
}

const place = (loc: SourceLoc | undefined, file: string): Place => ({ file: loc?.file ?? file, line: loc?.line ?? null });

async function inventory(result: CheckResult): Promise<Inventory> {
  const narrowTargets = result.targets.narrow;
  // Objects first (BTF is the compiler's word), then sources, each by file name.
  const rank = (m: BpfModule): number => (m.origin === "btf" ? 0 : 1);
  const modules = [...result.bpf].sort((a, b) => rank(a) - rank(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const structs = new StructTable(narrowTargets);

  const maps: AuditMap[] = [];
  const mapKeys = new Map<string, AuditMap>();
  for (const m of modules) {
    for (const def of m.maps) {
      const key = `${def.name}@${programStem(m.file)}`;
      if (mapKeys.has(key)) continue;
      const entry: AuditMap = {
        name: def.name,
        type: def.type,
        maxEntries: def.maxEntries,
        flags: def.flags,
        origin: def.origin,
        key: slot(structs, m, def, "key"),
        value: slot(structs, m, def, "value"),
        at: place(def.loc, m.file),
        users: [],
      };
      mapKeys.set(key, entry);
      maps.push(entry);
    }
  }
  for (const p of result.pairing.maps) {
    const entry = mapKeys.get(`${p.map.name}@${programStem(p.bpf.file)}`);
    entry?.users.push({ ...place(p.ref.loc, p.user.file), via: p.ref.via });
  }

  const twins: AuditTwin[] = [];
  for (const u of result.user) {
    for (const twin of u.twins) {
      const p = result.pairing.types.find((t) => t.user === u && t.twin === twin);
      const struct = p ? structs.add(p.c.module, p.c.typeId, null, twin.name) : null;
      twins.push({
        name: twin.name,
        language: u.language,
        at: place(twin.loc, u.file),
        c: p ? { type: p.c.name, ...place(p.c.loc, p.c.module.file), struct } : null,
        reason: p ? describeReason(p.reason) : null,
      });
    }
  }

  const events = eventsOf(modules, result, structs, maps);
  const findings = await findingsOf(result);
  const all = structs.list();
  const unmirrored = all.filter((s) => s.twins.length === 0).map((s) => s.key);
  const count = (sev: AuditFinding["severity"]): number => findings.filter((f) => f.severity === sev).length;
  return {
    format: AUDIT_FORMAT,
    version: VERSION,
    narrowTargets: narrowTargets.map((t) => t.name),
    summary: {
      files: result.files,
      findings: { error: count("error"), warning: count("warning"), note: count("note") },
      maps: maps.length,
      events: events.length,
      structs: all.length,
      twins: twins.length,
      orphanTwins: twins.filter((t) => t.c === null).length,
      unmirrored: unmirrored.length,
      wastedBytes: all.reduce((n, s) => n + s.packing.wasted, 0),
      reorderSaves: all.reduce((n, s) => n + s.packing.saves, 0),
      archDependentMembers: all.reduce((n, s) => n + (s.arch?.members.length ?? 0), 0),
      exitStatus: count("error") ? 1 : 0,
    },
    findings,
    maps,
    events,
    twins,
    structs: all,
    unmirrored,
    notes: result.notes,
  };
}

function slot(structs: StructTable, m: BpfModule, def: MapDef, role: "key" | "value"): MapSlot {
  const id = role === "key" ? def.keyType : def.valueType;
  const size = role === "key" ? def.keySize : def.valueSize;
  if (id === undefined) return { type: null, size, struct: null };
  return { type: cTypeName(m.graph, id), size, struct: structs.add(m, id, `${role} of map ${def.name}`) };
}

/** Records from ring and perf buffers: where BPF C emits them and where userspace decodes them. */
function eventsOf(modules: readonly BpfModule[], result: CheckResult, structs: StructTable, maps: readonly AuditMap[]): AuditEvent[] {
  const byStruct = new Map<string, AuditEvent>();
  const note = (struct: string, type: string, map: string | undefined, site: AuditEvent["sites"][number]): void => {
    let e = byStruct.get(struct);
    if (!e) byStruct.set(struct, (e = { struct, type, maps: [], sites: [] }));
    if (map && !e.maps.includes(map)) e.maps.push(map);
    e.sites.push(site);
  };
  // Two builds of one program (bpfel and bpfeb objects) carry the same sites once.
  const seen = new Set<string>();
  for (const m of modules) {
    for (const s of m.records ?? []) {
      const at = `${s.loc.file}:${s.loc.line}:${s.loc.column}`;
      if (seen.has(at)) continue;
      seen.add(at);
      const found = typeIn(modules, s.loc.file, s.type);
      if (!found) continue;
      const key = structs.add(found.module, found.id, s.map ? `event in map ${s.map}` : "ring or perf buffer record");
      if (key) note(key, structs.get(key)!.type, s.map, { file: s.loc.file, line: s.loc.line ?? null, side: "bpf", how: s.call });
    }
  }
  const mapType = new Map(maps.map((m) => [m.name, m.type]));
  for (const u of result.user) {
    for (const d of u.decodes) {
      // A decode of a map's value (a Lookup) is not an event.
      const kind = d.mapName !== undefined ? mapType.get(d.mapName) : undefined;
      if (kind !== undefined && !EVENT_MAPS.has(kind)) continue;
      const p = pairOf(result.pairing.types, u, d.typeId);
      if (!p) continue;
      // Bytes of unknown origin decoded into a map's key or value type are most likely that map's.
      const known = structs.get(structs.add(p.c.module, p.c.typeId, null) ?? "");
      if (!known || (kind === undefined && known.sharedAs.some((r) => / of map /.test(r)))) continue;
      const key = structs.add(p.c.module, p.c.typeId, d.mapName ? `event in map ${d.mapName}` : "ring or perf buffer record");
      if (key) note(key, p.c.name, d.mapName, { file: d.loc.file, line: d.loc.line ?? null, side: "user", how: d.method });
    }
  }
  return [...byStruct.values()];
}

function pairOf(pairs: readonly TypePair[], u: UserspaceModule, typeId: TypeId): TypePair | undefined {
  return pairs.find((p) => p.user === u && p.twin.typeId === typeId);
}

/** A C type named in `file`, from the module of the same program, else one in the same directory. */
function typeIn(modules: readonly BpfModule[], file: string, cName: string): { module: BpfModule; id: TypeId } | undefined {
  if (!cName) return undefined;
  const { tag, name } = splitCName(cName);
  const near = [...modules.filter((m) => programStem(m.file) === programStem(file)), ...modules.filter((m) => dirname(m.file) === dirname(file))];
  // An object's BTF first; its source for the types clang left out.
  for (const module of [...near, ...near.flatMap((m) => (m.source ? [m.source] : []))]) {
    for (const id of module.graph.find(name)) {
      const t = module.graph.type(id);
      if (tag ? t.kind === tag : isAggregate(t) || t.kind === "typedef") {
        if (isAggregate(module.graph.type(resolve(module.graph, id)))) return { module, id };
      }
    }
  }
  return undefined;
}

async function findingsOf(result: CheckResult): Promise<AuditFinding[]> {
  const lines = new SourceLines();
  const out: AuditFinding[] = [];
  for (const f of sortFindings(result.findings)) {
    const spans = [];
    for (const l of f.locations) {
      spans.push({
        role: l.role,
        file: l.file,
        line: l.line ?? null,
        column: l.column ?? null,
        symbol: l.symbol ?? null,
        text: l.line !== undefined ? await lines.at(l.file, l.line) : null,
      });
    }
    out.push({ code: f.code, severity: f.severity, message: messageOf(f), fix: fixOf(f) ?? null, spans });
  }
  return out;
}

/** Lines of the files findings point at, read once each. */
class SourceLines {
  private readonly files = new Map<string, Promise<string[] | null>>();
  async at(file: string, line: number): Promise<string | null> {
    let p = this.files.get(file);
    if (!p) {
      p = readFile(file)
        .then((b) => (b.includes(0) ? null : b.toString("utf8").split("\n")))
        .catch(() => null);
      this.files.set(file, p);
    }
    const text = (await p)?.[line - 1];
    return text === undefined ? null : text.trim();
  }
}

/** The shared structs, one entry per type per directory, in the order first met. */
class StructTable {
  private readonly entries = new Map<string, AuditStruct>();
  /** Each entry's size and member placements, to tell one declaration read twice from two. */
  private readonly shapes = new Map<AuditStruct, string>();
  constructor(private readonly narrowTargets: readonly Target[]) {}

  get(key: string): AuditStruct | undefined {
    return this.entries.get(key);
  }

  list(): AuditStruct[] {
    return [...this.entries.values()];
  }

  /** Records that `id` (through typedefs) is shared as `role`, or mirrored by `twin`; the entry's key, or null for a scalar. */
  add(module: BpfModule, id: TypeId, role: string | null, twin?: string): string | null {
    const g = module.graph;
    const rid = resolve(g, id);
    const t = g.type(rid);
    if (!isAggregate(t)) return null;
    const named = g.type(id);
    const type = t.name ? cTagName(t) : named.kind === "typedef" ? named.name : cTagName(t);
    const entry = this.entryFor(module, rid, type);
    if (role !== null && !entry.sharedAs.includes(role)) entry.sharedAs.push(role);
    if (twin && !entry.twins.includes(twin)) entry.twins.push(twin);
    return entry.key;
  }

  private entryFor(module: BpfModule, id: TypeId, type: string): AuditStruct {
    const g = module.graph;
    const l = describeAggregate(g, id);
    const shape = `${l.size}:${l.members.map((m) => `${m.name}@${m.bitOffset}/${m.bitSize}:${m.size}`).join(",")}`;
    // The same declaration read from a program's objects and its source is one type.
    const dirKey = `${type}@${dirname(module.file)}`;
    const same = this.entries.get(dirKey);
    if (same && this.shapes.get(same) === shape) return same;
    const key = same ? `${type}@${programStem(module.file)}` : dirKey;
    const known = this.entries.get(key);
    if (known) return known;
    const buf = new TextBuffer();
    layoutText(g, [id], buf, { cachelines: true, cachelineSize: CACHELINE });
    const entry: AuditStruct = {
      key,
      kind: l.kind,
      type,
      at: place(l.loc, module.file),
      size: l.size,
      align: l.align,
      cachelines: Math.ceil(l.size / CACHELINE),
      members: l.members.map((m) => ({ name: m.name, type: m.type, bitOffset: m.bitOffset, bitSize: m.bitSize, size: m.size, line: m.loc?.line ?? null })),
      holes: l.holes.map((h) => ({ bitOffset: h.bitOffset, bits: h.bits })),
      tailPaddingBits: l.tailPaddingBits,
      packing: packing(g, l),
      sharedAs: [],
      twins: [],
      arch: archDependence(g, id, this.narrowTargets),
      pahole: buf.toString().trimEnd(),
    };
    this.shapes.set(entry, shape);
    this.entries.set(key, entry);
    return entry;
  }
}
