import type { TypeGraph } from "../../ir/graph.js";
import type { Target } from "../../ir/targets.js";
import type { HeaderRead } from "./preprocess.js";
import type { ResolverState } from "./resolve.js";
import type { Item } from "./syntax.js";

// A tree of BPF programs nearly always includes one big vmlinux.h in each
// of them. Its lines come out of the preprocessor the same for every
// program that includes it under the same macros, and its declarations
// parse the same: both are kept here and reused, so N programs cost one
// header and N small parses. The caller makes one per run and hands it to
// every read; nothing outlives the run. Where the header is the first
// thing a program declares, what resolving it left is kept too, per target
// and BTF, and the next such program goes on from a copy of it.

/** The declarations a header's text parsed into, positions counted from the header's first character. */
export interface HeaderParse {
  items: Item[];
  /**
   * The header declares variables with initializers, which a map reader
   * evaluates after the walk: their positions must be true offsets in the
   * program's text, so the items are copied shifted, not given a base.
   */
  shift: boolean;
}

export class HeaderCache {
  /** Headers read under one macro state, by path, content, search dirs and that state; the least recently used first. */
  readonly reads = new Map<string, HeaderRead>();
  readonly parses = new Map<HeaderRead, HeaderParse>();
  readonly resolved = new Map<HeaderParse, { target: Target; btf: TypeGraph | undefined; state: ResolverState }[]>();

  /**
   * @param minSize headers shorter than this are read in each program: a
   * key costs more than reading them.
   * @param capacity reads kept at once: a tree with a vmlinux.h per
   * architecture, or many include orders, would otherwise hold every one of
   * them, with its types, to the end of the run.
   */
  constructor(
    readonly minSize = 64 * 1024,
    readonly capacity = 4,
  ) {}

  /** The read stored under `key`, now the most recently used. */
  get(key: string): HeaderRead | undefined {
    const read = this.reads.get(key);
    if (read) {
      this.reads.delete(key);
      this.reads.set(key, read);
    }
    return read;
  }

  /** Stores a read, forgetting the least recently used past `capacity`, with its parse and resolver tables. */
  put(key: string, read: HeaderRead): void {
    this.reads.set(key, read);
    this.held.add(read);
    for (const [k, old] of this.reads) {
      if (this.reads.size <= this.capacity) break;
      this.reads.delete(k);
      this.held.delete(old);
      const parse = this.parses.get(old);
      if (parse) this.resolved.delete(parse);
      this.parses.delete(old);
    }
  }

  /** Keeps a read's parse while the read is kept: a read forgotten before its program was parsed keeps none. */
  putParse(read: HeaderRead, parse: HeaderParse): void {
    if (this.held.has(read)) this.parses.set(read, parse);
  }

  private readonly held = new Set<HeaderRead>();
}
