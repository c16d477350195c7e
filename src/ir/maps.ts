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
  origin: MapOrigin;
  loc?: SourceLoc;
}
