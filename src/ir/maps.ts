import type { SourceLoc, TypeId } from "./types.js";

/** Where a map definition came from. */
export type MapOrigin =
  /** A BTF-defined map in the `.maps` section (libbpf's `SEC(".maps")`). */
  | "btf"
  /** A `struct bpf_map_def` in the legacy `maps` section. */
  | "legacy"
  /** A section of globals (.data, .bss, .rodata, .kconfig) that libbpf turns into an array map. */
  | "global"
  /** A declaration in source (libbpf macros or BCC's BPF_* macros). */
  | "source";

export interface MapDef {
  name: string;
  /** The kernel's name without the prefix, lower case: `hash` for BPF_MAP_TYPE_HASH. */
  type: string;
  /** The numeric BPF_MAP_TYPE_* value. */
  typeId: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  /** Type ids in the graph the map was read with, where BTF or source names them. */
  keyType?: TypeId;
  valueType?: TypeId;
  pinning?: number;
  numaNode?: number;
  mapExtra?: bigint;
  /** The template of the maps inside an array or hash of maps. */
  inner?: MapDef;
  /** Sides whose size the source gives in terms it cannot evaluate (`sizeof(u32)` with u32's header absent): their 0 is no size. */
  unsized?: readonly ("key" | "value")[];
  origin: MapOrigin;
  loc?: SourceLoc;
}

const BPF_MAP_TYPE_STRUCT_OPS = 26;
/** BPF_F_LINK: the map is registered and unregistered through a bpf_link. */
const BPF_F_LINK = 1 << 13;

/**
 * A map of libbpf's struct_ops sections, as libbpf makes one of each
 * variable there (a sched_ext scheduler, a TCP congestion control): key 4
 * bytes, the variable's struct as the value, one entry, and BPF_F_LINK in
 * `.struct_ops.link`. Undefined for any other section.
 */
export function structOpsMap(section: string | undefined, name: string, valueType: TypeId, valueSize: number, origin: MapOrigin, loc: SourceLoc | undefined): MapDef | undefined {
  if (section !== ".struct_ops" && section !== ".struct_ops.link") return undefined;
  return {
    name,
    type: "struct_ops",
    typeId: BPF_MAP_TYPE_STRUCT_OPS,
    keySize: 4,
    valueSize,
    maxEntries: 1,
    flags: section === ".struct_ops.link" ? BPF_F_LINK : 0,
    valueType,
    origin,
    ...(loc ? { loc } : {}),
  };
}
