// BCC's map macros (BPF_HASH, BPF_ARRAY, ... from bcc's helpers.h) as data:
// which argument is which, and BCC's defaults for those left out. The
// preprocessor replaces each use with marker declarations the resolver reads
// back (key and leaf types, max_entries and flags as constant expressions),
// so the types go through the same C reader as everything else.
// test/readers/c/bcc.test.ts checks every default against the helpers.h
// compiled into the installed libbcc.

/** `ignored`: a pin path or an inner map's name, which change no layout. */
export type BccArg = "table" | "name" | "key" | "leaf" | "max" | "flags" | "ignored";

export interface BccMacro {
  /** Argument lists by count, as the macro's own variants take them. */
  variants: Readonly<Record<number, readonly BccArg[]>>;
  table?: string;
  key?: string;
  leaf?: string;
  max?: string;
  flags?: string;
  /** How BCC turns the max argument into max_entries. */
  maxIs?: "pow2" | "pages";
  /** Queues and stacks have values only: their key is 0 bytes. */
  keyless?: true;
}

const hashLike = (table: string, flags?: string): BccMacro => ({
  variants: { 1: ["name"], 2: ["name", "key"], 3: ["name", "key", "leaf"], 4: ["name", "key", "leaf", "max"] },
  table,
  key: "u64",
  leaf: "u64",
  max: "10240",
  ...(flags ? { flags } : {}),
});

const arrayLike = (table: string): BccMacro => ({
  variants: { 1: ["name"], 2: ["name", "leaf"], 3: ["name", "leaf", "max"] },
  table,
  key: "int",
  leaf: "u64",
  max: "10240",
});

// No prototype: a C identifier such as `valueOf` or `constructor` must not
// find Object's methods and be taken for a map macro.
export const BCC_MACROS: Readonly<Record<string, BccMacro>> = Object.assign(Object.create(null) as Record<string, BccMacro>, {
  BPF_TABLE: { variants: { 5: ["table", "key", "leaf", "name", "max"] } },
  BPF_F_TABLE: { variants: { 6: ["table", "key", "leaf", "name", "max", "flags"] } },
  BPF_HASH: hashLike("hash"),
  BPF_PERCPU_HASH: hashLike("percpu_hash"),
  // Newer BCC spells `BPF_TABLE("lru_hash", ...)` this way; same shape as BPF_HASH.
  BPF_LRU_HASH: hashLike("lru_hash"),
  // BPF_F_NO_PREALLOC
  BPF_LPM_TRIE: hashLike("lpm_trie", "1"),
  BPF_ARRAY: arrayLike("array"),
  BPF_PERCPU_ARRAY: arrayLike("percpu_array"),
  BPF_HISTOGRAM: {
    variants: { 1: ["name"], 2: ["name", "key"], 3: ["name", "key", "max"] },
    table: "histogram",
    key: "int",
    leaf: "u64",
    max: "64",
  },
  BPF_PERF_OUTPUT: { variants: { 1: ["name"] }, table: "perf_output", key: "int", leaf: "u32", max: "0" },
  BPF_RINGBUF_OUTPUT: { variants: { 2: ["name", "max"] }, table: "ringbuf", key: "int", leaf: "u32", maxIs: "pages" },
  BPF_STACK_TRACE: { variants: { 2: ["name", "max"] }, table: "stacktrace", key: "int", leaf: "struct bpf_stacktrace", maxIs: "pow2" },
  BPF_PROG_ARRAY: { variants: { 2: ["name", "max"] }, table: "prog", key: "u32", leaf: "u32" },
  // BPF_F_STACK_BUILD_ID; the leaf is defined by BCC's helpers.h, given with the BCC prelude.
  BPF_STACK_TRACE_BUILDID: { variants: { 2: ["name", "max"] }, table: "stacktrace", key: "int", leaf: "struct bpf_stacktrace_buildid", flags: "32", maxIs: "pow2" },
  BPF_TABLE_PINNED: { variants: { 6: ["table", "key", "leaf", "name", "max", "ignored"], 7: ["table", "key", "leaf", "name", "max", "ignored", "flags"] } },
  BPF_TABLE_PUBLIC: { variants: { 5: ["table", "key", "leaf", "name", "max"] } },
  BPF_TABLE_SHARED: { variants: { 5: ["table", "key", "leaf", "name", "max"] } },
  BPF_PERF_ARRAY: { variants: { 2: ["name", "max"] }, table: "perf_array", key: "int", leaf: "u32" },
  BPF_CGROUP_ARRAY: { variants: { 2: ["name", "max"] }, table: "cgroup_array", key: "int", leaf: "u32" },
  BPF_DEVMAP: { variants: { 2: ["name", "max"] }, table: "devmap", key: "u32", leaf: "int" },
  BPF_CPUMAP: { variants: { 2: ["name", "max"] }, table: "cpumap", key: "u32", leaf: "u32" },
  BPF_XSKMAP: { variants: { 2: ["name", "max"], 3: ["name", "max", "ignored"] }, table: "xskmap", key: "u32", leaf: "int" },
  BPF_ARRAY_OF_MAPS: { variants: { 3: ["name", "ignored", "max"] }, table: "array_of_maps", key: "int", leaf: "int" },
  BPF_HASH_OF_MAPS: {
    variants: { 2: ["name", "ignored"], 3: ["name", "key", "ignored"], 4: ["name", "key", "ignored", "max"] },
    table: "hash_of_maps",
    key: "int",
    leaf: "int",
    max: "10240",
  },
  BPF_SK_STORAGE: { variants: { 2: ["name", "leaf"] }, table: "sk_storage", key: "int", max: "0", flags: "1" },
  BPF_INODE_STORAGE: { variants: { 2: ["name", "leaf"] }, table: "inode_storage", key: "int", max: "0", flags: "1" },
  BPF_TASK_STORAGE: { variants: { 2: ["name", "leaf"] }, table: "task_storage", key: "int", max: "0", flags: "1" },
  BPF_SOCKMAP: { variants: { 2: ["name", "max"] }, table: "sockmap", key: "u32", leaf: "int" },
  BPF_SOCKHASH: { variants: { 1: ["name"], 2: ["name", "key"], 3: ["name", "key", "max"] }, table: "sockhash", key: "u32", leaf: "int", max: "10240" },
  BPF_QUEUE: { variants: { 3: ["name", "leaf", "max"], 4: ["name", "leaf", "max", "flags"] }, table: "queue", keyless: true },
  BPF_STACK: { variants: { 3: ["name", "leaf", "max"], 4: ["name", "leaf", "max", "flags"] }, table: "stack", keyless: true },
});

/** BCC's `maps/<table>` names as BPF map types (`histogram` depends on its key). */
export function bccMapType(table: string, keyIsInt: boolean): string {
  const base = table.replace(/[:$].*$/, "");
  switch (base) {
    case "histogram":
      return keyIsInt ? "array" : "hash";
    case "prog":
      return "prog_array";
    case "perf_output":
    case "perf_array":
      return "perf_event_array";
    case "stacktrace":
      return "stack_trace";
    default:
      return base;
  }
}

/** BCC's `struct bpf_stacktrace`, given when a program uses BPF_STACK_TRACE without defining it. */
export const BCC_STACKTRACE = "struct bpf_stacktrace { u64 ip[127]; };";

/** Names of the marker declarations; no C program spells these. */
export const BCC_MARK = "__abidrift_bcc_";

export interface BccUse {
  index: number;
  macro: string;
  name: string;
  table: string;
  maxIs?: "pow2" | "pages";
  file: string;
  line: number;
  column: number;
}

/**
 * The marker text for one use of a BCC macro, or a reason it cannot be read.
 * `args` are the macro arguments, macro-expanded, as text.
 */
export function bccReplacement(macro: string, args: string[], index: number): { text: string; name: string; table: string; maxIs?: "pow2" | "pages" } | string {
  const m = BCC_MACROS[macro];
  if (!m) return `${macro} is not a BCC map macro`;
  const shape = m.variants[args.length];
  if (!shape) return `${macro} takes ${Object.keys(m.variants).join(" or ")} arguments, not ${args.length}`;
  const got: Partial<Record<BccArg, string>> = {};
  shape.forEach((role, i) => (got[role] = args[i]!.trim()));
  const table = got.table !== undefined ? got.table.replace(/^"|"$/g, "").replace(/"\s*"/g, "") : m.table!;
  const name = got.name ?? "";
  if (!/^[A-Za-z_]\w*$/.test(name)) return `${macro}: map name ${JSON.stringify(name)} is not an identifier`;
  const key = got.key ?? m.key ?? "int";
  const leaf = got.leaf ?? m.leaf ?? "int";
  const max = got.max ?? m.max ?? "0";
  const flags = got.flags ?? m.flags ?? "0";
  const keyDecl = m.keyless ? `typedef char ${BCC_MARK}key_${index}[0];` : `typedef ${key} ${BCC_MARK}key_${index};`;
  const text =
    `${keyDecl} typedef ${leaf} ${BCC_MARK}leaf_${index}; ` +
    `enum { ${BCC_MARK}max_${index} = (${max}), ${BCC_MARK}flags_${index} = (${flags}) };`;
  return { text, name, table, ...(m.maxIs ? { maxIs: m.maxIs } : {}) };
}
