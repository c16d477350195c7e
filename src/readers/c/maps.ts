import { resolve as resolveId, sizeOf, type TypeGraph } from "../../ir/graph.js";
import { mapTypeName, mapTypeValue } from "../../ir/map-types.js";
import { structOpsMap, type MapDef } from "../../ir/maps.js";
import type { Member, TypeId } from "../../ir/types.js";
import { bccMapType, type BccUse } from "./bcc.js";
import type { GlobalVar, Resolved } from "./resolve.js";
import type { SourceProblem } from "./preprocess.js";

// Map declarations read from source, in the ways programs write them:
// libbpf's `SEC(".maps")` structs of `__uint`/`__type`/`__array`/`__ulong`
// members (read from the types, as libbpf reads BTF), struct_ops
// variables (`SEC(".struct_ops.link")`), legacy
// `struct bpf_map_def SEC("maps")` initializers, and BCC's macros.

export function readMaps(graph: TypeGraph, r: Resolved, bcc: BccUse[], problems: SourceProblem[]): MapDef[] {
  const maps: MapDef[] = [];
  for (const v of r.vars) {
    if (v.section === ".maps") {
      const def = btfStyle(graph, v.name, v.type, problems, v);
      if (def) maps.push({ ...def, loc: v.loc });
    } else if (v.section === "maps" || v.section?.startsWith("maps/")) {
      const def = legacy(r, v, problems);
      if (def) maps.push(def);
    } else {
      const def = structOpsMap(v.section, v.name, v.type, sizeOf(graph, v.type), "source", v.loc);
      if (def) maps.push(def);
    }
  }
  for (const use of bcc) {
    const got = r.bcc.get(use.index);
    const loc = { file: use.file, line: use.line, column: use.column };
    if (got?.key === undefined || got.leaf === undefined) {
      problems.push({ ...loc, message: `${use.macro}(${use.name}): key or leaf type cannot be resolved` });
      continue;
    }
    const keySize = sizeOf(graph, got.key);
    const valueSize = sizeOf(graph, got.leaf);
    const key = graph.type(resolveId(graph, got.key));
    const keyIsInt = key.kind === "int" && key.name === "int";
    const type = bccMapType(use.table, keyIsInt);
    let max = got.max;
    if (max !== undefined && use.maxIs === "pow2") max = max <= 1n ? 1n : 1n << BigInt((max - 1n).toString(2).length);
    // BCC multiplies by the kernel's PAGE_SIZE, 4096 on every target abidrift knows.
    if (max !== undefined && use.maxIs === "pages") max *= 4096n;
    if (max === undefined) problems.push({ ...loc, message: `${use.macro}(${use.name}): max_entries is not a constant this reader can evaluate` });
    maps.push({
      name: use.name,
      type,
      typeId: mapTypeValue(type) ?? -1,
      keySize,
      valueSize,
      maxEntries: Number(max ?? 0n),
      flags: Number(got.flags ?? 0n),
      keyType: got.key,
      valueType: got.leaf,
      origin: "source",
      loc,
    });
  }
  return maps;
}

function btfStyle(graph: TypeGraph, name: string, typeId: TypeId, problems: SourceProblem[], at: GlobalVar, outer: readonly TypeId[] = []): Omit<MapDef, "loc"> | undefined {
  const id = resolveId(graph, typeId);
  // `__array(values, struct m)` naming the map's own definition: libbpf nests one level, never a cycle.
  if (outer.includes(id)) {
    problems.push({ file: at.loc.file, line: at.loc.line ?? 0, message: `map ${at.name}: its inner map's definition is the map itself` });
    return undefined;
  }
  const t = graph.type(id);
  if (t.kind !== "struct") {
    problems.push({ file: at.loc.file, line: at.loc.line ?? 0, message: `map ${name} in SEC(".maps") is not a struct` });
    return undefined;
  }
  const def: Omit<MapDef, "loc"> = { name, type: "unspec", typeId: 0, keySize: 0, valueSize: 0, maxEntries: 0, flags: 0, origin: "source" };
  for (const m of t.members) {
    const num = (): number | undefined => uintMember(graph, m);
    switch (m.name) {
      case "type":
        def.typeId = num() ?? 0;
        def.type = mapTypeName(def.typeId);
        break;
      case "max_entries":
        def.maxEntries = num() ?? 0;
        break;
      case "map_flags":
        def.flags = num() ?? 0;
        break;
      case "key_size":
        def.keySize = num() ?? 0;
        break;
      case "value_size":
        def.valueSize = num() ?? 0;
        break;
      case "pinning":
        def.pinning = num() ?? 0;
        break;
      case "numa_node":
        def.numaNode = num() ?? 0;
        break;
      case "map_extra": {
        // __uint(map_extra, N), or __ulong's enum for values past 32 bits.
        const e = graph.type(resolveId(graph, m.type));
        if (e.kind === "enum" && e.values[0]) def.mapExtra = e.values[0].value;
        else if (num() !== undefined) def.mapExtra = BigInt(num()!);
        break;
      }
      case "key":
      case "value": {
        const p = graph.type(resolveId(graph, m.type));
        if (p.kind !== "ptr") break;
        const size = sizeOf(graph, p.target);
        // A type whose declaration was never read (its header is absent) has no size to compare.
        if (graph.type(resolveId(graph, p.target)).kind === "fwd") def.unsized = [...(def.unsized ?? []), m.name];
        if (m.name === "key") {
          def.keyType = p.target;
          def.keySize = size;
        } else {
          def.valueType = p.target;
          def.valueSize = size;
        }
        break;
      }
      case "values": {
        // __array(values, struct inner): an array of pointers to the inner map's definition.
        const a = graph.type(resolveId(graph, m.type));
        if (a.kind !== "array") break;
        const p = graph.type(resolveId(graph, a.elem));
        if (p.kind !== "ptr") break;
        const inner = btfStyle(graph, "", p.target, problems, at, [...outer, id]);
        if (inner) def.inner = inner;
        if (!def.valueSize) def.valueSize = 4;
        break;
      }
    }
  }
  return def;
}

/** `__uint(name, N)` is `int (*name)[N]`: the number is the array's length. */
function uintMember(graph: TypeGraph, m: Member): number | undefined {
  const p = graph.type(resolveId(graph, m.type));
  if (p.kind !== "ptr") return undefined;
  const a = graph.type(resolveId(graph, p.target));
  return a.kind === "array" ? a.count : undefined;
}

const LEGACY_FIELDS: Readonly<Record<string, keyof MapDef>> = {
  type: "typeId",
  key_size: "keySize",
  value_size: "valueSize",
  max_entries: "maxEntries",
  map_flags: "flags",
  // iproute2's struct bpf_elf_map
  size_key: "keySize",
  size_value: "valueSize",
  max_elem: "maxEntries",
  flags: "flags",
  pinning: "pinning",
};

function legacy(r: Resolved, v: GlobalVar, problems: SourceProblem[]): MapDef | undefined {
  if (v.init?.k !== "init") {
    problems.push({ file: v.loc.file, line: v.loc.line ?? 0, message: `map ${v.name} in SEC("${v.section}") has no initializer to read` });
    return undefined;
  }
  const def: MapDef = { name: v.name, type: "unspec", typeId: 0, keySize: 0, valueSize: 0, maxEntries: 0, flags: 0, origin: "source", loc: v.loc };
  for (const item of v.init.items) {
    const field = item.field && LEGACY_FIELDS[item.field];
    if (!field) continue;
    const value = r.eval(item.value);
    if (value === undefined) {
      problems.push({ file: v.loc.file, line: v.loc.line ?? 0, message: `map ${v.name}: .${item.field} is not a constant this reader can evaluate` });
      if (field === "keySize" || field === "valueSize") def.unsized = [...(def.unsized ?? []), field === "keySize" ? "key" : "value"];
      continue;
    }
    (def as unknown as Record<string, number>)[field] = Number(value);
  }
  def.type = mapTypeName(def.typeId);
  return def;
}
