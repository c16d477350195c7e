import { InputError } from "../../ir/errors.js";
import { resolve, sizeOf, type TypeGraph } from "../../ir/graph.js";
import { isMapOfMaps, mapTypeName } from "../../ir/map-types.js";
import { structOpsMap, type MapDef } from "../../ir/maps.js";
import { locOf, type Member, type SourceLoc, type TypeId } from "../../ir/types.js";
import { SHF_EXECINSTR, SHT_NOBITS, SHT_PROGBITS, type ElfFile } from "../elf/index.js";
import { alignOf } from "../../ir/layout/aggregate.js";

// Map definitions as libbpf finds them in an object: BTF-defined maps in
// `.maps`, `struct bpf_map_def` in the legacy `maps` section, and the
// sections of globals it turns into single-entry array maps.

const BPF_MAP_TYPE_ARRAY = 2;
/** BPF_F_RDONLY_PROG and BPF_F_MMAPABLE from the kernel's UAPI. */
const BPF_F_RDONLY_PROG = 1 << 7;
const BPF_F_MMAPABLE = 1 << 10;
/** BPF_OBJ_NAME_LEN: map names are cut to 15 characters and a NUL. */
const OBJ_NAME_LEN = 16;

/** BTF-defined maps: every variable of the `.maps` section. */
export function btfMaps(graph: TypeGraph): MapDef[] {
  const maps: MapDef[] = [];
  for (const id of graph.find(".maps")) {
    const sec = graph.type(id);
    if (sec.kind !== "datasec") continue;
    for (const v of sec.vars) {
      const variable = graph.type(v.type);
      if (variable.kind !== "var") throw new InputError(graph.file, `.maps entry type ${v.type} is a ${variable.kind}, not a variable`);
      try {
        maps.push(mapFromDefinition(graph, variable.type, variable.name, variable.loc, 0));
      } catch (e) {
        throw e instanceof InputError ? e.within(`map ${variable.name}`) : e;
      }
    }
  }
  return maps;
}

/** The maps libbpf makes of the variables of `.struct_ops` and `.struct_ops.link`. */
export function structOpsMaps(graph: TypeGraph): MapDef[] {
  const maps: MapDef[] = [];
  // Found by name, in id order: decoding every type to find the sections cost most objects more than their maps.
  const ids = [...graph.find(".struct_ops"), ...graph.find(".struct_ops.link")].sort((a, b) => a - b);
  for (const id of ids) {
    const sec = graph.type(id);
    if (sec.kind !== "datasec") continue;
    for (const v of sec.vars) {
      const variable = graph.type(v.type);
      if (variable.kind !== "var") continue;
      const map = structOpsMap(sec.name, variable.name, variable.type, sizeOf(graph, variable.type), "btf", variable.loc);
      if (map) maps.push(map);
    }
  }
  return maps;
}

/**
 * Reads libbpf's encoding of a map definition: `__uint(name, N)` is a
 * pointer to an array of N elements, `__type(name, T)` a pointer to T,
 * `__ulong(name, N)` an enum whose one value is N, `__array(values, T)` an
 * empty array of pointers to the inner map's definition.
 */
function mapFromDefinition(graph: TypeGraph, id: TypeId, name: string, loc: SourceLoc | undefined, depth: number): MapDef {
  const def = graph.type(resolve(graph, id));
  if (def.kind !== "struct") throw new InputError(graph.file, `definition is a ${def.kind}, not a struct`, { offset: loc?.offset });
  const map: MapDef = { name, type: "unspec", typeId: 0, keySize: 0, valueSize: 0, maxEntries: 0, flags: 0, origin: "btf", loc };
  for (const m of def.members) {
    switch (m.name) {
      case "type":
        map.typeId = uintField(graph, m);
        map.type = mapTypeName(map.typeId);
        break;
      case "max_entries":
        map.maxEntries = uintField(graph, m);
        break;
      case "map_flags":
        map.flags = uintField(graph, m);
        break;
      case "numa_node":
        map.numaNode = uintField(graph, m);
        break;
      case "pinning":
        map.pinning = uintField(graph, m);
        break;
      case "key_size":
        map.keySize = uintField(graph, m);
        break;
      case "value_size":
        map.valueSize = uintField(graph, m);
        break;
      case "map_extra":
        map.mapExtra = BigInt(uintField(graph, m));
        break;
      case "key":
        map.keyType = pointee(graph, m);
        map.keySize = sizeOf(graph, map.keyType);
        break;
      case "value":
        map.valueType = pointee(graph, m);
        map.valueSize = sizeOf(graph, map.valueType);
        break;
      case "values": {
        // Only maps of maps describe an inner map; prog arrays list programs.
        const inner = innerDefinition(graph, m);
        if (inner !== undefined && depth === 0) map.inner = mapFromDefinition(graph, inner, `${name}.inner`, loc, depth + 1);
        break;
      }
    }
  }
  // The kernel stores file descriptors (u32) in maps of maps; libbpf fills the sizes in.
  if (isMapOfMaps(map.type) && map.inner) {
    map.keySize ||= 4;
    map.valueSize ||= 4;
  }
  return map;
}

function uintField(graph: TypeGraph, m: Member): number {
  const t = graph.type(resolve(graph, m.type));
  if (t.kind === "ptr") {
    const arr = graph.type(resolve(graph, t.target));
    if (arr.kind === "array") return arr.count;
  }
  if (t.kind === "enum" && t.values.length > 0) return Number(t.values[0]!.value);
  throw new InputError(graph.file, `member ${m.name}: expected __uint() (a pointer to an array) or __ulong() (an enum), found ${t.kind}`);
}

function pointee(graph: TypeGraph, m: Member): TypeId {
  const t = graph.type(resolve(graph, m.type));
  if (t.kind !== "ptr") throw new InputError(graph.file, `member ${m.name}: expected __type() (a pointer), found ${t.kind}`);
  return t.target;
}

function innerDefinition(graph: TypeGraph, m: Member): TypeId | undefined {
  const arr = graph.type(resolve(graph, m.type));
  if (arr.kind !== "array") return undefined;
  const ptr = graph.type(resolve(graph, arr.elem));
  if (ptr.kind !== "ptr") return undefined;
  const target = resolve(graph, ptr.target);
  return graph.type(target).kind === "struct" ? target : undefined;
}

/** `struct bpf_map_def` records, one per symbol of the `maps` section. */
export function legacyMaps(elf: ElfFile, graph: TypeGraph): MapDef[] {
  const sec = elf.section("maps");
  if (!sec) return [];
  const le = elf.byteOrder === "little";
  const view = new DataView(sec.data.buffer, sec.data.byteOffset, sec.data.byteLength);
  const maps: MapDef[] = [];
  for (const sym of elf.symbols()) {
    if (sym.shndx !== sec.index || sym.name === "" || sym.type === 3 /* STT_SECTION */) continue;
    const at = elf.baseOffset + sec.offset + sym.value;
    // type, key_size, value_size, max_entries, map_flags: 20 bytes; older loaders used 16.
    if (sym.value + 16 > sec.data.length) throw new InputError(elf.file, `legacy map ${sym.name}: definition runs past the maps section`, { offset: at });
    const word = (i: number) => (sym.value + 4 * i + 4 <= sec.data.length ? view.getUint32(sym.value + 4 * i, le) : 0);
    const typeId = word(0);
    const map: MapDef = {
      name: sym.name,
      type: mapTypeName(typeId),
      typeId,
      keySize: word(1),
      valueSize: word(2),
      maxEntries: word(3),
      flags: sym.size >= 20 ? word(4) : 0,
      origin: "legacy",
      loc: { file: elf.file, offset: at },
    };
    // BPF_ANNOTATE_KV_PAIR leaves `struct ____btf_map_<name> { key; value; }` in BTF.
    for (const id of graph.find(`____btf_map_${sym.name}`)) {
      const kv = graph.type(id);
      if (kv.kind !== "struct") continue;
      map.keyType = kv.members.find((m) => m.name === "key")?.type;
      map.valueType = kv.members.find((m) => m.name === "value")?.type;
    }
    maps.push(map);
  }
  return maps;
}

/**
 * The array maps libbpf makes of the `.data*`, `.rodata*` and `.bss*`
 * sections of an object and of its `.kconfig` externs, named as libbpf names
 * them: the object's name cut to fit, then the section's (`execsnoo.rodata`).
 */
export function globalMaps(graph: TypeGraph, elf: ElfFile, objectName: string): MapDef[] {
  const maps: MapDef[] = [];
  const datasecs = new Map<string, TypeId>();
  for (let id = 1; id < graph.count; id++) {
    const t = graph.type(id);
    if (t.kind === "datasec") datasecs.set(t.name, id);
  }
  for (const sec of elf.sections) {
    const data = sec.type === SHT_PROGBITS && sec.size > 0 && !(sec.flags & SHF_EXECINSTR) && (isSection(sec.name, ".data") || isSection(sec.name, ".rodata"));
    const bss = sec.type === SHT_NOBITS && isSection(sec.name, ".bss");
    if (!data && !bss) continue;
    const valueType = datasecs.get(sec.name);
    maps.push(globalMap(graph, objectName, sec.name, sec.size, valueType, sec.name.startsWith(".rodata")));
  }
  // .kconfig is no ELF section: libbpf lays its externs out itself.
  const kconfig = datasecs.get(".kconfig");
  if (kconfig !== undefined) maps.push(globalMap(graph, objectName, ".kconfig", kconfigSize(graph, kconfig), kconfig, true));
  return maps;
}

function isSection(name: string, prefix: string): boolean {
  return name === prefix || name.startsWith(`${prefix}.`);
}

function globalMap(graph: TypeGraph, objectName: string, section: string, size: number, valueType: TypeId | undefined, readonly: boolean): MapDef {
  return {
    name: internalMapName(objectName, section),
    type: mapTypeName(BPF_MAP_TYPE_ARRAY),
    typeId: BPF_MAP_TYPE_ARRAY,
    keySize: 4,
    valueSize: size,
    maxEntries: 1,
    flags: (readonly ? BPF_F_RDONLY_PROG : 0) | (mmapable(graph, valueType) ? BPF_F_MMAPABLE : 0),
    valueType,
    origin: "global",
    loc: valueType === undefined ? undefined : locOf(graph.type(valueType)),
  };
}

/** libbpf maps a section into userspace only when some variable in it is not static. */
function mmapable(graph: TypeGraph, datasec: TypeId | undefined): boolean {
  if (datasec === undefined) return false;
  const sec = graph.type(datasec);
  if (sec.kind !== "datasec") return false;
  return sec.vars.some((v) => {
    const variable = graph.type(v.type);
    return variable.kind === "var" && variable.linkage !== "static";
  });
}

/** libbpf packs kconfig externs by falling alignment, then name: no padding between. */
function kconfigSize(graph: TypeGraph, datasec: TypeId): number {
  const sec = graph.type(datasec);
  if (sec.kind !== "datasec") return 0;
  const externs = sec.vars.map((v) => {
    const variable = graph.type(v.type);
    const type = variable.kind === "var" ? variable.type : v.type;
    return { name: variable.kind === "var" ? variable.name : "", size: sizeOf(graph, type), align: alignOf(graph, type) };
  });
  externs.sort((a, b) => b.align - a.align || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let off = 0;
  for (const e of externs) off = Math.ceil(off / e.align) * e.align + e.size;
  return off;
}

export function internalMapName(objectName: string, section: string): string {
  const sfx = Math.max(7, section.length);
  const custom = sfx >= OBJ_NAME_LEN || section.indexOf(".", 1) >= 0;
  const pfx = custom ? 0 : Math.min(OBJ_NAME_LEN - sfx - 1, objectName.length);
  const name = (objectName.slice(0, pfx) + section).slice(0, OBJ_NAME_LEN - 1);
  return name.replace(/[^A-Za-z0-9_.]/g, "_");
}
