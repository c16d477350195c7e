import type { PythonVersion } from "./layout/ctypes.js";
import type { TypeGraph } from "./graph.js";
import type { MapDef } from "./maps.js";
import type { Target } from "./targets.js";
import type { SourceTree } from "./source-tree.js";
import type { SourceLoc, TypeId } from "./types.js";

// What the two sides of the ABI say about each other, as plain data. A BPF
// module is the truth (BTF or C source); a userspace module is a claim: the
// types it declares, the maps it names, the bytes it decodes. `match` pairs
// the two and `rules` judge each pair.

export type Language = "c" | "go" | "python" | "typescript" | "rust";

/**
 * How userspace reads the bytes. `native` is the compiler's own layout
 * (Go unsafe casts, ctypes, C); `packed` is a byte stream with no implicit
 * padding (Go encoding/binary, Python struct with `=`, `<`, `>`, `!`).
 */
export type LayoutMode = "native" | "packed";

/** The truth: types and maps of one BPF object or one C translation unit. */
export interface BpfModule {
  file: string;
  /** For an object embedded in another binary, where it starts there. */
  offset?: number;
  graph: TypeGraph;
  maps: MapDef[];
  origin: "btf" | "source";
  /** Records the program hands to userspace through ring and perf buffers, where its C is at hand. */
  records?: RecordEmit[];
  /**
   * An object's C source read as a module, where its records name types
   * the object's BTF lacks: clang leaves out the types of local variables,
   * so an event only ever reached through a pointer is there alone.
   */
  source?: BpfModule;
  /**
   * Which program of its file this is, where a file holds several (each
   * `BPF(text=...)` of a Python file): userspace refs that name it pair only
   * with it. Absent, the program is the file.
   */
  program?: string;
  /**
   * The files an object's DWARF line table names with the MD5 of the text
   * the compiler read (clang with -g writes DWARF 5, which has them); none
   * where the object has no DWARF (bpf2go strips it) or an older version.
   */
  checksums?: SourceChecksum[];
}

/** A file an object was built from and the MD5 of its text then. */
export interface SourceChecksum {
  /** As the compiler named it: relative to its working directory, or absolute. */
  path: string;
  /** 32 lowercase hex digits. */
  md5: string;
}

/** Where BPF C emits a record into a ring or perf buffer, and the record's C type. */
export interface RecordEmit {
  /** The map the record goes to. */
  map: string;
  /** The record's C type as written: `struct event`, `event_t`; empty when the call does not say. */
  type: string;
  /** The helper or BCC method: `bpf_ringbuf_reserve`, `events.perf_submit`. */
  call: string;
  loc: SourceLoc;
}

/** A userspace declaration that may mirror a C type. */
export interface TwinType {
  /** As declared: `DnsKey`, `bpfDnsKey`, `Event`. */
  name: string;
  /** The same id in every graph the module's `layout` returns. */
  typeId: TypeId;
  loc: SourceLoc;
  /** A decoder's reads rather than a declaration (a Go function reading a sample field by field): a member it skips is one it does not read. */
  reads?: true;
  /** `abidrift:mirrors struct dns_key` in a comment on the declaration. */
  mirrors?: { name: string; loc: SourceLoc };
  /** Output of a generator, which names the C type it came from. */
  generated?: {
    by: "bpf2go" | "abidrift";
    cName?: string;
    layoutHash?: string;
    /** The header line that says so. */
    loc?: SourceLoc;
    /** The command the header says regenerates the module. */
    command?: string;
  };
}

/**
 * A userspace type a checker the project runs holds to a C struct by name:
 * cilium's alignchecker, `CheckStructAlignments(obj, map[string][]reflect.Type{"c_name": {reflect.TypeOf(pkg.T{})}})`.
 * The registration may sit in another file or package than the type.
 */
export interface Registration {
  /** The C struct as the checker names it: `trace_notify`. */
  cName: string;
  /** The registered type where it is declared. */
  twin: { name: string; loc: SourceLoc };
  /** The registration's line. */
  loc: SourceLoc;
  /** `alignchecker`. */
  via: string;
}

/** A value with the span of the code that gives it. */
export interface Spanned<T> {
  value: T;
  loc: SourceLoc;
}

/** `MapRef.via` of a map userspace defines itself (what `ebpf.NewMap` makes of an `ebpf.MapSpec`): it needs no BPF program's. */
export const MAPSPEC_LITERAL = "ebpf.MapSpec literal";

/**
 * `MapRef.via` of a map in a collection userspace builds itself
 * (`ebpf.CollectionSpec{Maps: map[string]*ebpf.MapSpec{...}}`, test
 * scaffolding mostly): loaded from no object, it is no BPF program's map of
 * the same name, and is paired with none.
 */
export const COLLECTION_LITERAL = "ebpf.CollectionSpec literal";

/** Something userspace says about a C map. */
export interface MapRef {
  /** The C map's name (`dns_queries`), as userspace spells it. */
  name: string;
  loc: SourceLoc;
  /** What said it: `ebpf.MapSpec literal`, `Lookup`, `bpf2go field`, `BPF table`. */
  via: string;
  keySize?: Spanned<number>;
  valueSize?: Spanned<number>;
  maxEntries?: Spanned<number>;
  /** Types of keys and values userspace passes to or reads from the map. */
  keyType?: Spanned<TypeId>;
  valueType?: Spanned<TypeId>;
  /**
   * The programs the ref may be made on (a `BpfModule`'s `program`, else its
   * file), where the code shows them: `b["x"]` on `b = BPF(text=...)`, both
   * branches of an `if`. Empty when only run time knows
   * (`BPF(src_file=sys.argv[1])`): the ref then pairs with nothing and is no
   * unknown map either.
   */
  programs?: readonly string[];
  /** How the typed values cross: `native` where userspace hands over memory (`unsafe.Pointer(&v)`). */
  encoding?: LayoutMode;
}

/** Bytes from a ring buffer, perf buffer or map decoded into a type. */
export interface DecodeSite {
  typeId: TypeId;
  loc: SourceLoc;
  /** `binary.Read`, `unsafe cast`, `ctypes.cast`, `struct.unpack`, `DataView`. */
  method: string;
  mode: LayoutMode;
  byteOrder?: "little" | "big" | "native";
  /** The map the bytes came from, where the code shows it. */
  mapName?: string;
  /** The programs of that map, as `MapRef.programs`. */
  programs?: readonly string[];
  /**
   * One record read from the start of a buffer made for this decode
   * (`binary.Read(bytes.NewReader(sample), ...)`): nothing after the record
   * is read, so its tail padding is never in the way.
   */
  single?: boolean;
}

/** `abidrift-ignore-next-line RULE` (or every rule when `rule` is absent). */
export interface Suppression {
  line: number;
  rule?: string;
}

/** Everything one userspace source file claims about the ABI. */
export interface UserspaceModule {
  file: string;
  language: Language;
  twins: TwinType[];
  maps: MapRef[];
  decodes: DecodeSite[];
  suppressions: Suppression[];
  /** The module's types laid out for a machine; ids agree across calls. */
  layout(target: Target, mode: LayoutMode): TypeGraph;
  /** Types the file registers with a layout checker as C structs' mirrors. */
  registrations?: Registration[];
  /** Declarations that could not be read; the rest of the file still counts. */
  problems: { message: string; loc: SourceLoc }[];
  /** C that the file carries inside it (BCC's `BPF(text=...)`), read as the truth. */
  embeddedBpf?: BpfModule[];
  /** The BPF programs the file says it loads: the scope its names resolve in. */
  loads?: ProgramRef[];
  /** How a Python file spells ctypes' members in a fix: `ct.`, `ctypes.`, or nothing after `from ctypes import *`. */
  ctypesPrefix?: string;
}

/**
 * A BPF program a userspace file names as the one it loads: bpf2go's
 * `//go:generate` line, a `//go:embed` object, `LoadCollectionSpec("x.o")`,
 * BCC's `BPF(src_file=...)`.
 */
export interface ProgramRef {
  /** The object or source as written, resolved against the file's directory. */
  path: string;
  /** Only the file name is known (a run-time path): any directory matches. */
  anyDir?: boolean;
  /** This exact file, not another build of the same program (a generated file's own object). */
  exact?: boolean;
  /** `go:generate bpf2go`, `go:embed`, `LoadCollectionSpec`. */
  via: string;
  loc: SourceLoc;
}

/**
 * What each language reader exports (`readGo`, `readPython`, ...): the file's
 * text in, its claims out. Readers never run or import what they read; `tree`
 * holds the other files they may consult (a Go file's package and module).
 */
export type UserspaceReader = (file: string, text: string, opts: ReadOptions) => Promise<UserspaceModule>;

export interface ReadOptions {
  btf?: TypeGraph;
  tree?: SourceTree;
  python?: PythonVersion;
  /**
   * The Go file read before this one in the check's order lies in another
   * directory. A reader that reads only some of a check's Go files (a
   * reading thread) is told, so that it forgets a directory's parsed files
   * exactly where a reader of all of them would.
   */
  afterOtherDir?: boolean;
}

/**
 * How a language puts keys and values on the wire when it talks to a map:
 * cilium/ebpf marshals Go values through encoding/binary unless their memory
 * already has no padding, so the packed size is what reaches the kernel.
 */
export function mapMode(user: UserspaceModule): LayoutMode {
  return user.language === "go" ? "packed" : "native";
}
