import { DirListings } from "../dir-listings.js";
import type { DeclIndex } from "./decl-index.js";
import type { HeaderRead, Macro } from "./preprocess.js";
import type { Item } from "./syntax.js";

// A tree of BPF programs nearly always includes one big vmlinux.h in each
// of them. Its lines come out of the preprocessor the same for every
// program that includes it under the same macros, and its declarations
// read the same: both are kept here and reused, so N programs cost one
// header and N small reads of their own text. A program reads only the
// declarations of a big header it reaches (reachable.ts), each once per
// run: the header is scanned once for where its declarations are, and each
// declaration's items are kept once read (plain-decls.ts, else parsed).
// The caller makes one per run and hands it to every read; nothing
// outlives the run.

/** A header's declarations found by one scan, and those read so far. */
export interface HeaderDecls {
  index: DeclIndex;
  /**
   * Per declaration of `index`, its items once read, positions counted
   * from the header's first character.
   */
  items: (Item[] | undefined)[];
  /**
   * Per declaration read, whether it declares a variable in a section with
   * an initializer, which a map reader evaluates after the walk: its positions
   * must be true offsets in the program's text, so its items are copied
   * shifted, not given a base.
   */
  shift: boolean[];
}

export interface HeaderLimits {
  /** Headers shorter than this are read in each program: a key costs more than reading them. */
  minSize: number;
  /**
   * Of a file at least this long (vmlinux.h, the helpers' definitions) a
   * program reads and lays out only the declarations it reaches; a smaller
   * one is laid out whole, as the compiler reads it. Either way its
   * declarations are read once per run.
   */
  partialFrom: number;
  /**
   * Reads kept at once: a tree with a vmlinux.h per architecture, or many
   * include orders, would otherwise hold every one of them, with its types,
   * to the end of the run.
   */
  capacity: number;
  /** Characters of header text kept between programs. */
  textBudget: number;
}

const DEFAULT_LIMITS: HeaderLimits = { minSize: 8 * 1024, partialFrom: 64 * 1024, capacity: 16, textBudget: 64 * 1024 * 1024 };

export class HeaderCache {
  /** Every read kept, the least recently used first. */
  readonly reads = new Set<HeaderRead>();
  readonly decls = new Map<HeaderRead, HeaderDecls>();
  /**
   * The reads kept under each key (path, content, search dirs, macro
   * state): one for each way the header's includes resolved, so programs
   * whose include directories differ, taken in turns, each find theirs.
   */
  private readonly byKey = new Map<string, HeaderRead[]>();
  private readonly keyOf = new Map<HeaderRead, string>();

  readonly minSize: number;
  readonly partialFrom: number;
  readonly capacity: number;
  readonly textBudget: number;

  /** `dirs`: what the run has seen of folders already, when something else looked (where the build's files are). */
  constructor(limits: Partial<HeaderLimits> = {}, dirs = new DirListings()) {
    this.dirs = dirs;
    const l = { ...DEFAULT_LIMITS, ...limits };
    this.minSize = l.minSize;
    this.partialFrom = l.partialFrom;
    this.capacity = l.capacity;
    this.textBudget = l.textBudget;
  }

  /** The reads stored under `key`; the caller picks the one whose includes resolve as they would for it. */
  candidates(key: string): readonly HeaderRead[] {
    return this.byKey.get(key) ?? [];
  }

  /** Marks a read the most recently used. */
  use(read: HeaderRead): void {
    this.reads.delete(read);
    this.reads.add(read);
  }

  /** Stores a read, forgetting the least recently used past `capacity`, with its declarations. */
  put(key: string, read: HeaderRead): void {
    this.reads.add(read);
    this.keyOf.set(read, key);
    const same = this.byKey.get(key);
    if (same) same.push(read);
    else this.byKey.set(key, [read]);
    for (const old of this.reads) {
      if (this.reads.size <= this.capacity) break;
      this.forget(old);
    }
  }

  private forget(read: HeaderRead): void {
    this.reads.delete(read);
    this.decls.delete(read);
    const key = this.keyOf.get(read)!;
    this.keyOf.delete(read);
    const left = this.byKey.get(key)!.filter((r) => r !== read);
    if (left.length) this.byKey.set(key, left);
    else this.byKey.delete(key);
  }

  /**
   * Each header's text as read this run, by path: a thousand programs
   * including the same headers read them once. Texts past `textBudget`
   * characters in all are read again when asked for, not kept.
   */
  readonly texts = new Map<string, string>();
  /** What the run has seen of folders: where a header is not, asked once per folder. */
  readonly dirs: DirListings;
  /**
   * The macros a program starts with, predefined for its target and its -D
   * flags, made once per run: by the target's name and the flags as JSON
   * entries, since a target sent to a reading thread is a copy.
   */
  readonly startMacros = new Map<string, ReadonlyMap<string, Macro>>();
  private textChars = 0;

  /** Keeps a header's text for the rest of the run, while the budget lasts. */
  keepText(path: string, text: string): void {
    if (this.textChars + text.length > this.textBudget) return;
    this.textChars += text.length;
    this.texts.set(path, text);
  }

  /** Keeps a read's declarations while the read is kept: a read forgotten before its program was parsed keeps none. */
  putDecls(read: HeaderRead, decls: HeaderDecls): void {
    if (this.reads.has(read)) this.decls.set(read, decls);
  }
}
