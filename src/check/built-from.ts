import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename, isAbsolute, join, resolve, sep } from "node:path";
import type { BpfModule } from "../ir/bindings.js";
import { overInputLimit } from "../ir/input-limit.js";
import { TARGETS } from "../ir/targets.js";
import { hasOpaqueInclude, includeLines, type IncludeLine } from "../load/include-paths.js";
import { locateInclude, systemIncludeDirs, type IncludeSearch } from "../readers/c/include-search.js";

// Whether an object was built from the C now in the tree, on the compiler's
// own word. clang -g writes DWARF 5, whose line table names every file the
// object's code and types came from with the MD5 of the text it read.
// stale-object reads a source, as its build would, only to learn whether the
// object was built from it: where every file of the project the source can
// include (every `#include` line followed, whatever #if it sits in) is named
// in the object's table with the MD5 of its text now, it was, and that read
// is spared. A project header that only holds macros gives no line to the
// table, and the source is read then. System headers are not the project's:
// stale-object compares none of their records either.

// Files followed from one source before it is read instead.
const MAX_FILES = 2000;

export class BuiltFrom {
  private readonly files = new Map<string, FileFacts | undefined>();
  private readonly reach = new Map<string, string[] | undefined>();
  private readonly answers = new Map<string, boolean>();
  private readonly systemDirs = systemIncludeDirs(TARGETS.bpfel);
  private readonly systemOnly: IncludeSearch;

  constructor(
    /** Whether a path is there, as the check's folder listings answer. */
    private readonly exists: (path: string) => boolean,
    /** The bytes of a file the check read already, by path. */
    private readonly known: (path: string) => Uint8Array | undefined,
  ) {
    this.systemOnly = { includeDirs: [], systemDirs: this.systemDirs, exists };
  }

  /** Whether `object`'s line table vouches for the text of `source` and of every project file it includes, searched in `includeDirs`. */
  unchanged(object: BpfModule, source: string, includeDirs: readonly string[]): boolean {
    if (!object.checksums?.length) return false;
    const named = new Set(object.checksums.map((c) => `${basename(c.path)}\0${c.md5}`));
    const search: IncludeSearch = { includeDirs, systemDirs: this.systemDirs, exists: this.exists };
    const first = resolve(source);
    const seen = new Set([first]);
    const queue = [first];
    while (queue.length) {
      const file = queue.pop()!;
      const system = this.isSystem(file);
      if (system) {
        // What a system header reaches is the system's own, unless a folder of this program's holds a name it includes.
        const names = this.systemReach(file);
        if (names && !names.some((n) => includeDirs.some((d) => this.holds(d, n)))) continue;
      }
      const facts = this.factsOf(file);
      if (!facts) return false;
      if (!system && !named.has(`${basename(file)}\0${facts.md5}`)) return false;
      // A macro may name a project header; `#include_next` from a system header only goes on to later system folders.
      if (facts.macro || (facts.next && !system)) return false;
      for (const { name, quoted } of facts.lines) {
        // Found nowhere, it was no part of a build that succeeded, and a read would compare nothing.
        const found = locateInclude(search, name, file, quoted).found;
        if (found === undefined) continue;
        const key = resolve(found);
        if (seen.has(key)) continue;
        if (seen.size >= MAX_FILES) return false;
        seen.add(key);
        queue.push(key);
      }
    }
    return true;
  }

  /**
   * The first path parts (`linux` of `linux/types.h`) of every name the
   * system headers below `file` include and search the -I folders for,
   * those headers found in the system's folders alone; undefined where
   * that reaches outside them or cannot be followed.
   */
  private systemReach(file: string): string[] | undefined {
    if (this.reach.has(file)) return this.reach.get(file);
    const parts = new Set<string>();
    const seen = new Set([file]);
    const queue = [file];
    let out: string[] | undefined = undefined;
    walk: {
      while (queue.length) {
        const at = queue.pop()!;
        const inc = this.factsOf(at);
        if (!inc || inc.macro) break walk;
        for (const { name, quoted } of inc.lines) {
          const { found, where } = locateInclude(this.systemOnly, name, at, quoted);
          if (where !== "before") parts.add(name.split("/", 1)[0]!);
          if (found === undefined) continue;
          const key = resolve(found);
          if (seen.has(key)) continue;
          if (!this.isSystem(key) || seen.size >= MAX_FILES) break walk;
          seen.add(key);
          queue.push(key);
        }
      }
      out = [...parts];
    }
    this.reach.set(file, out);
    return out;
  }

  /** Whether folder `dir` holds `part`. */
  private holds(dir: string, part: string): boolean {
    const key = `${dir}\0${part}`;
    let yes = this.answers.get(key);
    if (yes === undefined) this.answers.set(key, (yes = this.exists(join(dir, part)) || (!isAbsolute(dir) && this.exists(resolve(dir, part)))));
    return yes;
  }

  private isSystem(abs: string): boolean {
    return this.systemDirs.some((d) => abs.startsWith(d + sep));
  }

  /** A file's include lines and MD5, read once a run; none for a file that cannot be read. */
  private factsOf(abs: string): FileFacts | undefined {
    if (!this.files.has(abs)) {
      const bytes = this.bytes(abs);
      // latin1 keeps every byte: the directives are ASCII whatever the text's encoding.
      const text = bytes && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
      this.files.set(abs, bytes && text !== undefined ? { lines: includeLines(text), ...hasOpaqueInclude(text), md5: createHash("md5").update(bytes).digest("hex") } : undefined);
    }
    return this.files.get(abs);
  }

  /** A file's bytes: the check's copy, else read here; none for what is not a regular file within the input limit (a FIFO would block the read). */
  private bytes(file: string): Uint8Array | undefined {
    const known = this.known(file);
    if (known) return known;
    try {
      const st = statSync(file);
      return st.isFile() && !overInputLimit(st.size) ? readFileSync(file) : undefined;
    } catch {
      return undefined;
    }
  }
}

interface FileFacts {
  lines: IncludeLine[];
  /** An `#include` naming its header by a macro. */
  macro: boolean;
  next: boolean;
  md5: string;
}
