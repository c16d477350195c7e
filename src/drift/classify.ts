import { globalSection, typeLabel, type Lock, type LockAggregate, type LockEnum, type LockMap, type LockMember, type LockType } from "./lock.js";
import { count } from "../words.js";

// Drift between two locks, classified the way libabigail's abidiff sorts
// library changes: whatever lets a reader built against the old layout
// misread the new bytes is breaking (a size that changes under a map, a
// member that moves, changes type or goes away); what an old reader simply
// does not see is compatible (a member in what used to be padding, one
// appended to an event, a new map or type).

export type DriftClass = "breaking" | "compatible";

export type DriftKind =
  | "type-added"
  | "type-removed"
  | "kind-changed"
  | "size-changed"
  | "align-changed"
  | "member-removed"
  | "member-moved"
  | "member-resized"
  | "member-retyped"
  | "member-added-in-padding"
  | "member-appended"
  | "member-appended-to-map-type"
  | "enum-value-added"
  | "enum-value-removed"
  | "enum-value-changed"
  | "map-added"
  | "map-removed"
  | "map-type-changed"
  | "map-key-changed"
  | "map-value-changed"
  | "map-flags-changed"
  | "map-max-entries-changed";

export interface Drift {
  kind: DriftKind;
  class: DriftClass;
  /** `struct event`, `map counts`. */
  subject: string;
  /** The member or enum value, where the drift is one. */
  member?: string;
  /** The figures before and after, as reports print them. */
  old: string;
  new: string;
  /** For a member appended to a type some map keys or holds: the map. */
  map?: string;
}

const CLASS: Record<DriftKind, DriftClass> = {
  "type-added": "compatible",
  "type-removed": "breaking",
  "kind-changed": "breaking",
  "size-changed": "breaking",
  "align-changed": "breaking",
  "member-removed": "breaking",
  "member-moved": "breaking",
  "member-resized": "breaking",
  "member-retyped": "breaking",
  "member-added-in-padding": "compatible",
  "member-appended": "compatible",
  "member-appended-to-map-type": "breaking",
  "enum-value-added": "compatible",
  "enum-value-removed": "breaking",
  "enum-value-changed": "breaking",
  "map-added": "compatible",
  "map-removed": "breaking",
  "map-type-changed": "breaking",
  "map-key-changed": "breaking",
  "map-value-changed": "breaking",
  "map-flags-changed": "breaking",
  "map-max-entries-changed": "compatible",
};

export function classOf(kind: DriftKind): DriftClass {
  return CLASS[kind];
}

/** Every difference from `before` to `after`, maps first, each list in lock order. */
export function classify(before: Lock, after: Lock): Drift[] {
  const out: Drift[] = [];
  const push = (kind: DriftKind, subject: string, old: string, now: string, extra: Partial<Drift> = {}): void => {
    out.push({ kind, class: CLASS[kind], subject, old, new: now, ...extra });
  };

  const { pairs, added } = pairMaps(before.maps, after.maps);
  for (const [o, n] of pairs) {
    if (!n) {
      push("map-removed", `map ${o.name}`, mapSummary(o), "");
      continue;
    }
    const subject = `map ${n.name}`;
    if (o.type !== n.type) push("map-type-changed", subject, o.type, n.type);
    if (o.keySize !== n.keySize || o.key !== n.key) push("map-key-changed", subject, sideOf(o.key, o.keySize), sideOf(n.key, n.keySize));
    if (o.valueSize !== n.valueSize || o.value !== n.value) push("map-value-changed", subject, sideOf(o.value, o.valueSize), sideOf(n.value, n.valueSize));
    if (o.flags !== n.flags) push("map-flags-changed", subject, hex(o.flags), hex(n.flags));
    if (o.maxEntries !== n.maxEntries) push("map-max-entries-changed", subject, String(o.maxEntries), String(n.maxEntries));
  }
  for (const n of added) push("map-added", `map ${n.name}`, "", mapSummary(n));

  // A type a map keys or holds has its size fixed by the map: growing it at
  // the end changes key_size or value_size under every reader.
  const mapOf = new Map<string, string>();
  for (const m of [...before.maps, ...after.maps]) {
    for (const side of [m.key, m.value]) if (side && !mapOf.has(side)) mapOf.set(side, m.name);
  }

  const newTypes = new Map(after.types.map((t) => [typeLabel(t), t]));
  const oldTypes = new Set(before.types.map(typeLabel));
  for (const o of before.types) {
    const label = typeLabel(o);
    const n = newTypes.get(label);
    if (!n) push("type-removed", label, typeSummary(o), "");
    else if (o.kind !== n.kind) push("kind-changed", label, o.kind, n.kind);
    else if (o.kind === "enum" && n.kind === "enum") compareEnums(label, o, n, push);
    else compareAggregates(label, o as LockAggregate, n as LockAggregate, mapOf.get(label), push);
  }
  for (const n of after.types) if (!oldTypes.has(typeLabel(n))) push("type-added", typeLabel(n), "", typeSummary(n));
  return out;
}

/**
 * Each old map with its new self, by name; then the maps libbpf makes of
 * global sections, by section. Those are named after the object
 * (`execsnoo.bss`: no C identifier has a dot), so a renamed object would
 * otherwise lose every one and gain it back. A section is matched only when
 * one map on each side is left with it.
 */
function pairMaps(before: readonly LockMap[], after: readonly LockMap[]): { pairs: [LockMap, LockMap | undefined][]; added: LockMap[] } {
  const byName = new Map(after.map((m) => [m.name, m]));
  const left = new Set(after.filter((m) => !before.some((o) => o.name === m.name)));
  const section = (m: LockMap): string | undefined => globalSection(m.name);
  const only = (list: Iterable<LockMap>, s: string): LockMap | undefined => {
    const found = [...list].filter((m) => section(m) === s);
    return found.length === 1 ? found[0] : undefined;
  };
  const gone = before.filter((o) => !byName.has(o.name));
  const pairs = before.map((o): [LockMap, LockMap | undefined] => {
    const same = byName.get(o.name);
    if (same) return [o, same];
    const s = section(o);
    const moved = s !== undefined && only(gone, s) === o ? only(left, s) : undefined;
    if (moved) left.delete(moved);
    return [o, moved];
  });
  return { pairs, added: after.filter((m) => left.has(m)) };
}

type Push = (kind: DriftKind, subject: string, old: string, now: string, extra?: Partial<Drift>) => void;

function compareAggregates(label: string, o: LockAggregate, n: LockAggregate, map: string | undefined, push: Push): void {
  const named = (list: LockMember[]): Map<string, LockMember> => new Map(list.filter((m) => m.name).map((m) => [m.name, m]));
  const before = named(o.members);
  const after = named(n.members);
  let broken = false;
  for (const m of o.members) {
    if (!m.name) continue;
    const now = after.get(m.name);
    const member = { member: m.name };
    if (!now) {
      push("member-removed", label, memberSummary(m), "", member);
      broken = true;
    } else if (now.bitOffset !== m.bitOffset) {
      // A member that moved and changed type says both, so nobody fixes half.
      const same = now.type === m.type && now.size === m.size && now.bitSize === m.bitSize;
      push("member-moved", label, same ? place(m) : memberSummary(m), same ? place(now) : memberSummary(now), member);
      broken = true;
    } else if (now.size !== m.size || now.bitSize !== m.bitSize) {
      push("member-resized", label, memberSummary(m), memberSummary(now), member);
      broken = true;
    } else if (now.type !== m.type) {
      push("member-retyped", label, m.type, now.type, member);
      broken = true;
    }
  }
  const oldBits = o.size * 8;
  let appended = false;
  for (const m of n.members) {
    if (!m.name || before.has(m.name)) continue;
    const end = m.bitOffset + (m.bitSize || m.size * 8);
    if (end <= oldBits) push("member-added-in-padding", label, "", memberSummary(m), { member: m.name });
    else {
      const extra = map === undefined ? {} : { map };
      push(map === undefined ? "member-appended" : "member-appended-to-map-type", label, `${o.size} bytes`, `${n.size} bytes`, { member: m.name, ...extra });
      appended = true;
    }
  }
  // Growth that appended members explain is theirs to report; any other
  // change of size is the type's own.
  const explained = appended && !broken && n.size > o.size;
  if (o.size !== n.size && !explained) push("size-changed", label, `${o.size} bytes`, `${n.size} bytes`, map ? { map } : {});
  if (o.align !== n.align && o.size === n.size) push("align-changed", label, `align ${o.align}`, `align ${n.align}`);
}

function compareEnums(label: string, o: LockEnum, n: LockEnum, push: Push): void {
  if (o.size !== n.size) push("size-changed", label, `${o.size} bytes`, `${n.size} bytes`);
  const after = new Map(n.values.map((v) => [v.name, v.value]));
  const before = new Set(o.values.map((v) => v.name));
  for (const v of o.values) {
    const now = after.get(v.name);
    if (now === undefined) push("enum-value-removed", label, `${v.name} = ${v.value}`, "", { member: v.name });
    else if (now !== v.value) push("enum-value-changed", label, v.value, now, { member: v.name });
  }
  for (const v of n.values) if (!before.has(v.name)) push("enum-value-added", label, "", `${v.name} = ${v.value}`, { member: v.name });
}

function sideOf(type: string | null, size: number): string {
  return type ? `${type} of ${count(size, "byte")}` : count(size, "byte");
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function mapSummary(m: LockMap): string {
  return `${m.type}, key ${sideOf(m.key, m.keySize)}, value ${sideOf(m.value, m.valueSize)}`;
}

function typeSummary(t: LockType): string {
  return count(t.size, "byte");
}

function place(m: LockMember): string {
  const byte = Math.floor(m.bitOffset / 8);
  const bit = m.bitOffset % 8;
  return bit || m.bitSize ? `offset ${byte} bit ${bit}` : `offset ${byte}`;
}

function memberSummary(m: LockMember): string {
  return `${m.type}${m.bitSize ? `:${m.bitSize}` : ""} (${count(m.size, "byte")}) at ${place(m)}`;
}
