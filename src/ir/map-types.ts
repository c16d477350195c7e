// enum bpf_map_type from the kernel's UAPI (include/uapi/linux/bpf.h), by
// value. test/ir/map-types.test.ts checks every entry against the enum in
// the running kernel's BTF.
const MAP_TYPES: readonly string[] = [
  "unspec",
  "hash",
  "array",
  "prog_array",
  "perf_event_array",
  "percpu_hash",
  "percpu_array",
  "stack_trace",
  "cgroup_array",
  "lru_hash",
  "lru_percpu_hash",
  "lpm_trie",
  "array_of_maps",
  "hash_of_maps",
  "devmap",
  "sockmap",
  "cpumap",
  "xskmap",
  "sockhash",
  "cgroup_storage",
  "reuseport_sockarray",
  "percpu_cgroup_storage",
  "queue",
  "stack",
  "sk_storage",
  "devmap_hash",
  "struct_ops",
  "ringbuf",
  "inode_storage",
  "task_storage",
  "bloom_filter",
  "user_ringbuf",
  "cgrp_storage",
  "arena",
];

/** `hash` for 1; `type_N` for a value newer than this table. */
export function mapTypeName(value: number): string {
  return MAP_TYPES[value] ?? `type_${value}`;
}

/** 1 for `hash`, `BPF_MAP_TYPE_HASH` or `HASH`; undefined when unknown. */
export function mapTypeValue(name: string): number | undefined {
  const short = name.toLowerCase().replace(/^bpf_map_type_/, "");
  const i = MAP_TYPES.indexOf(short);
  if (i >= 0) return i;
  if (short === "cgroup_storage_deprecated") return 19;
  if (short === "percpu_cgroup_storage_deprecated") return 21;
  return undefined;
}

/** Map types whose values are events streamed to userspace, with no key or value type. */
export function isEventStream(type: string): boolean {
  return type === "ringbuf" || type === "perf_event_array" || type === "user_ringbuf";
}

export function isMapOfMaps(type: string): boolean {
  return type === "array_of_maps" || type === "hash_of_maps";
}
