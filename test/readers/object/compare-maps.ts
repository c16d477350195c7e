// Compares abidrift's map definitions with libbpf's reading of the same
// object, map by map and figure by figure.
import type { MapDef } from "../../../src/ir/maps.js";
import type { LibbpfMap } from "../../oracles/libbpf.js";

export function diffMaps(ours: readonly MapDef[], theirs: readonly LibbpfMap[], where: string): string[] {
  const out: string[] = [];
  const byName = new Map(ours.map((m) => [m.name, m]));
  for (const l of theirs) {
    const m = byName.get(l.name);
    if (!m) {
      out.push(`${where}: libbpf has map ${l.name}, abidrift has ${[...byName.keys()].join(", ") || "none"}`);
      continue;
    }
    byName.delete(l.name);
    diffMap(m, l, `${where}: map ${l.name}`, out);
  }
  for (const name of byName.keys()) out.push(`${where}: abidrift has map ${name}, libbpf does not`);
  return out;
}

function diffMap(m: MapDef, l: LibbpfMap, where: string, out: string[]): void {
  const eq = (what: string, ours: unknown, theirs: unknown): void => {
    if (ours !== theirs) out.push(`${where}: ${what} ${String(ours)} (libbpf ${String(theirs)})`);
  };
  eq("type", m.typeId, l.type);
  eq("key size", m.keySize, l.key_size);
  eq("value size", m.valueSize, l.value_size);
  eq("max entries", m.maxEntries, l.max_entries);
  eq("flags", m.flags, l.map_flags);
  eq("numa node", m.numaNode ?? 0, l.numa_node);
  eq("map_extra", m.mapExtra ?? 0n, l.map_extra);
  // LIBBPF_PIN_BY_NAME is 1, the only pinning libbpf acts on.
  eq("pinned by name", (m.pinning ?? 0) === 1, l.pinned);
  eq("key type id", m.keyType ?? 0, l.btf_key_type_id);
  eq("value type id", m.valueType ?? 0, l.btf_value_type_id);
  eq("origin", m.origin === "global", l.internal);
  if (l.inner || m.inner) {
    if (!l.inner || !m.inner) out.push(`${where}: inner map: abidrift ${m.inner ? "has one" : "has none"}, libbpf ${l.inner ? "has one" : "has none"}`);
    else diffMap(m.inner, l.inner, `${where} inner`, out);
  }
}
