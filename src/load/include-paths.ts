import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { DirListings } from "../readers/dir-listings.js";
import { Bpf2goIndex, bpf2goLines, type Bpf2goLine } from "./bpf2go-lines.js";
import { dirAbove } from "./dir-above.js";
import { parseMakefile, type Makefile } from "./makefile.js";
import { compilerFlags, shellWords } from "./shell-words.js";

// Where a BPF C file's headers are, found the way its build finds them: the
// compile_commands.json entry for the file, the bpf2go line that names it
// (`-- -I../headers`, `-cflags`, BPF2GO_CFLAGS), the -I flags of the
// Makefiles above it, then the folders projects conventionally keep headers
// in, searched upward to the repository's root, and last the tree's own copy
// of a header nothing else finds (`vmlinux.h` in a folder no flag names).

export interface BuildFlags {
  /** In search order, absolute. */
  includeDirs: string[];
  defines: Record<string, string>;
}

/** A file of the tree with its bytes; only C headers' and Go files' texts are read. */
export interface TreeFile {
  path: string;
  kind: string;
  bytes: Uint8Array;
}

export interface TreeBuild {
  flagsFor(cFile: string, text: string): BuildFlags;
  /** Whether a bpf2go line compiles this file: a BPF program, even when all its code is in the `.c` files it includes. */
  builtByBpf2go(cFile: string): boolean;
  /** Whether another C file of the tree `#include`s this `.c`: then it is part of that program, not one of its own. */
  includedElsewhere(cFile: string): boolean;
  bpf2go: Bpf2goIndex;
  /** The Makefile nearest above a file, within the root. */
  makefileFor(file: string): Makefile | undefined;
  /** What was seen of the tree's folders: its C files' includes are looked for in the same ones. */
  dirs: DirListings;
}

const MAKEFILES = ["GNUmakefile", "makefile", "Makefile"];
const COMPILE_DBS = ["compile_commands.json", "build/compile_commands.json"];
// Relative to each directory from the C file up to the root; vmlinux/<arch> for the x86 build first, as bpf2go's -target amd64.
const CONVENTIONAL = ["headers", "include", "bpf/include", "bpf/headers", "libbpf/src", "libbpf/include/uapi", "vmlinux/x86", "vmlinux/x86_64", "vmlinux/amd64", "vmlinux/arm64", "vmlinux/aarch64"];
const X86 = ["x86", "x86_64", "amd64"];
// What `$(ARCH)` in a Makefile's -I flag may stand for, x86 first; the first that exists is taken.
const ARCHES = [...X86, "arm64", "aarch64"];
const SYSTEM_DIRS = ["/usr/local/include", "/usr/include"];
// Headers followed from one C file when looking for the tree's copies.
const MAX_HEADERS = 400;

const INCLUDE = /^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]/gm;
const OPAQUE_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*[^<"\s_]/m;
const INCLUDE_NEXT = /^[ \t]*#[ \t]*include_next\b/m;

/** Reads the tree's build files once; `flagsFor` then answers per C file. */
export function readTreeBuild(files: readonly TreeFile[], root: string): TreeBuild {
  const absRoot = resolve(root);
  const decoder = new TextDecoder();
  const listings = new DirListings();
  const isDir = (p: string): boolean => listings.isDir(p);
  const exists = (p: string): boolean => listings.exists(p);
  const makefileIn = (dir: string): Makefile | undefined => {
    for (const name of MAKEFILES) {
      const file = join(dir, name);
      if (listings.kind(file) !== "file") continue;
      try {
        return parseMakefile(file, readFileSync(file, "utf8"));
      } catch {
        // Not there, or not readable: the next name.
      }
    }
    return undefined;
  };
  /**
   * What `dir` and the folders above it, up to the root, give, nearest
   * first: their Makefiles, the -I and -D those name (the nearest -D wins),
   * and the conventional header folders in them that exist. Each folder's
   * part is found once, for every program below it.
   */
  const folders = cached((dir: string): Folders => {
    const parent = dirname(dir);
    const up = dir === absRoot || !isWithin(dir, absRoot) || parent === dir ? undefined : folders(parent);
    const m = makefileIn(dir);
    const makefileDirs: string[] = [];
    const defines: Record<string, string> = {};
    if (m) {
      const flags = compilerFlags(m.compilerWords);
      for (const [k, v] of Object.entries(flags.defines)) {
        const name = withArchName(k);
        const value = withArchName(v);
        if (name !== undefined && value !== undefined && !(name in defines)) defines[name] = value;
      }
      for (const d of flags.includes) for (const a of withArch(d, m.dir)) makefileDirs.push(resolve(m.dir, a));
    }
    for (const [k, v] of Object.entries(up?.defines ?? {})) if (!(k in defines)) defines[k] = v;
    return {
      makefiles: [...(m ? [m] : []), ...(up?.makefiles ?? [])],
      makefileDirs: [...makefileDirs.filter(isDir), ...(up?.makefileDirs ?? [])],
      conventional: [...CONVENTIONAL.map((c) => join(dir, c)).filter(isDir), ...(up?.conventional ?? [])],
      defines,
    };
  });
  const makefilesFrom = (dir: string): Makefile[] => folders(resolve(dir)).makefiles;

  const present = new Set(files.map((f) => resolve(f.path)));
  // `rest` in the nearest folder above `dir`, within the tree, that holds it.
  const fileAbove = (dir: string, rest: string): string | undefined => {
    for (let d = dir; isWithin(d, absRoot); d = dirname(d)) {
      if (present.has(join(d, rest))) return join(d, rest);
      if (d === absRoot) break;
    }
    return undefined;
  };
  const lines: Bpf2goLine[] = [];
  for (const f of files) {
    if (f.kind !== "go") continue;
    const text = decoder.decode(f.bytes);
    const makefiles = /bpf2go/i.test(text) ? makefilesFrom(dirname(f.path)) : [];
    const vars = (name: string): string | undefined => {
      for (const m of makefiles) {
        const v = m.variable(name);
        if (v !== undefined) return v;
      }
      return undefined;
    };
    lines.push(...bpf2goLines(resolve(f.path), text, vars, fileAbove));
  }
  const bpf2go = new Bpf2goIndex(lines);

  const compileDb = new Map<string, BuildFlags>();
  for (const name of COMPILE_DBS) readCompileDb(join(absRoot, name), compileDb);

  // The tree's headers by the name they are included as: `/x/headers/bpf/bpf_helpers.h` answers `bpf/bpf_helpers.h`.
  const headerText = new Map(files.filter((f) => f.kind === "c" && f.path.endsWith(".h")).map((f) => [resolve(f.path), f]));
  const headers = [...headerText.keys()];
  const copiesOf = cached((name: string): string[] => headers.filter((h) => h.endsWith(`${sep}${name}`)));
  // Every program that reaches a header (a 3 MB vmlinux.h) would decode and search it again.
  const headerIncludes = cached((path: string): IncludeLine[] => includeLines(decoder.decode(headerText.get(path)!.bytes)));

  const answered = new Map<string, BuildFlags>();
  function flagsFor(cFile: string, text: string): BuildFlags {
    const abs = resolve(cFile);
    let flags = answered.get(abs);
    if (!flags) answered.set(abs, (flags = find(abs, text)));
    return flags;
  }

  function find(abs: string, text: string): BuildFlags {
    const dirs: string[] = [];
    const defines: Record<string, string> = {};
    const take = (f: BuildFlags): void => {
      dirs.push(...f.includeDirs);
      for (const [k, v] of Object.entries(f.defines)) if (!(k in defines)) defines[k] = v;
    };
    const db = compileDb.get(abs);
    if (db) take(db);
    const own = bpf2go.compiling(abs);
    // Several lines may build one source (a debug variant with more -D): every -I counts, the plainest line's -D.
    const builds = [...(own.length ? own : bpf2go.compilingIn(dirname(abs)))].sort((a, b) => Object.keys(a.defines).length - Object.keys(b.defines).length);
    builds.forEach((l, i) => take(i === 0 ? l : { includeDirs: l.includeDirs, defines: {} }));
    const above = folders(dirname(abs));
    take({ includeDirs: [...above.makefileDirs, ...above.conventional], defines: above.defines });
    const found = unique(dirs.filter(isDir));
    found.push(...treeCopies(abs, text, found));
    return { includeDirs: found, defines };
  }

  /** `-D__TARGET_ARCH_$(ARCH)`: the arch for x86, as check lays userspace out; undefined while other variables remain. */
  function withArchName(word: string): string | undefined {
    const ref = /\$(?:\(([^()]*)\)|\{([^{}]*)\})/g;
    if ([...word.matchAll(ref)].some((m) => !/ARCH/i.test((m[1] ?? m[2])!))) return undefined;
    return word.replace(ref, X86[0]!);
  }

  /** A -I flag as it is, or with `$(ARCH)` (`$(SRCARCH)`, `${TARGET_ARCH}`) as the first arch whose folder exists; none while other variables remain. */
  function withArch(flag: string, base: string): string[] {
    if (!flag.includes("$")) return [flag];
    const ref = /\$(?:\(([^()]*)\)|\{([^{}]*)\})/g;
    if ([...flag.matchAll(ref)].some((m) => !/ARCH/i.test((m[1] ?? m[2])!))) return [];
    for (const arch of ARCHES) {
      const dir = flag.replace(ref, arch);
      if (isDir(resolve(base, dir))) return [dir];
    }
    return [];
  }

  /**
   * Directories that hold the tree's copy of a header the file (or a header
   * it reaches) includes and no directory so far gives: the copy nearest the
   * file, so a program's own `vmlinux.h` wins over another's.
   */
  function treeCopies(file: string, text: string, dirs: string[]): string[] {
    const added: string[] = [];
    const seen = new Set<string>();
    const queue: { from: string; includes: IncludeLine[] }[] = [{ from: file, includes: includeLines(text) }];
    while (queue.length && seen.size < MAX_HEADERS) {
      const { from, includes } = queue.shift()!;
      for (const { name, quoted } of includes) {
        const search = [...(quoted ? [dirname(from)] : []), ...dirs, ...added, ...SYSTEM_DIRS];
        let at = search.map((d) => join(d, name)).find(exists);
        if (!at) {
          const copy = nearest(copiesOf(name), file);
          if (!copy) continue;
          added.push(copy.slice(0, copy.length - name.length - 1));
          at = copy;
        }
        if (seen.has(at)) continue;
        seen.add(at);
        if (headerText.has(at)) queue.push({ from: at, includes: headerIncludes(at) });
      }
    }
    return added;
  }

  // `.c` files other C files include, as `#include "l7/l7.c"` from the including file's folder.
  const includedC = new Set<string>();
  const quotedC = Buffer.from('.c"');
  for (const f of files) {
    // Searched as bytes: a 3 MB vmlinux.h is not decoded to find it includes no `.c`.
    if (f.kind !== "c" || Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength).indexOf(quotedC) < 0) continue;
    for (const { name, quoted } of includeLines(decoder.decode(f.bytes))) if (quoted && name.endsWith(".c")) includedC.add(resolve(dirname(f.path), name));
  }

  return {
    flagsFor,
    includedElsewhere: (cFile) => includedC.has(resolve(cFile)),
    builtByBpf2go: (cFile) => bpf2go.compiling(resolve(cFile)).length > 0,
    bpf2go,
    makefileFor: (file) => makefilesFrom(dirname(file))[0],
    dirs: listings,
  };
}

interface Folders {
  makefiles: Makefile[];
  makefileDirs: string[];
  conventional: string[];
  defines: Record<string, string>;
}

export interface IncludeLine {
  name: string;
  quoted: boolean;
}

/** The `#include "x"` and `#include <x>` lines of a C text, whatever #if they sit in. */
export function includeLines(text: string): IncludeLine[] {
  return [...text.matchAll(INCLUDE)].map((m) => ({ name: m[2]!.trim(), quoted: m[1] === '"' }));
}

/** Whether a C text has an `#include` whose header is named by a macro, or an `#include_next`: where those lead, the line alone does not say. */
export function hasOpaqueInclude(text: string): { macro: boolean; next: boolean } {
  return { macro: OPAQUE_INCLUDE.test(text), next: INCLUDE_NEXT.test(text) };
}

/** The repository a checked directory is in: the nearest directory above it with `.git`, else with `go.mod`, else the directory itself. */
export function treeRootOf(dir: string): string {
  const start = resolve(dir);
  return dirAbove(start, ".git") ?? dirAbove(start, "go.mod") ?? start;
}

function readCompileDb(file: string, out: Map<string, BuildFlags>): void {
  let entries: unknown;
  try {
    entries = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // Absent or not JSON: a build database is optional evidence.
    return;
  }
  if (!Array.isArray(entries)) return;
  for (const e of entries as { directory?: unknown; file?: unknown; arguments?: unknown; command?: unknown }[]) {
    if (typeof e?.directory !== "string" || typeof e.file !== "string") continue;
    const words = Array.isArray(e.arguments) ? e.arguments.filter((a): a is string => typeof a === "string") : typeof e.command === "string" ? shellWords(e.command) : [];
    const flags = compilerFlags(words);
    // The entry's directory is absolute as build tools write it; a relative one is read from the database's folder.
    const dir = resolve(dirname(file), e.directory);
    const source = resolve(dir, e.file);
    if (!out.has(source)) out.set(source, { includeDirs: flags.includes.map((d) => resolve(dir, d)), defines: flags.defines });
  }
}

/** The path fewest folders up from `file`'s; among equals the x86 one (`vmlinux/x86/`), then the first by name. */
function nearest(paths: readonly string[], file: string): string | undefined {
  let best: string | undefined;
  let bestUp = Infinity;
  for (const p of paths) {
    const up = relative(dirname(file), p).split(sep).filter((s) => s === "..").length;
    if (up < bestUp || (up === bestUp && best !== undefined && (hostArch(p) < hostArch(best) || (hostArch(p) === hostArch(best) && p < best)))) {
      best = p;
      bestUp = up;
    }
  }
  return best;
}

/** 0 for a path in an x86 folder, the machine check lays userspace out for first. */
function hostArch(path: string): number {
  return path.split(sep).some((seg) => X86.includes(seg)) ? 0 : 1;
}

function isWithin(dir: string, root: string): boolean {
  const r = relative(root, dir);
  return r === "" || (!r.startsWith("..") && !r.startsWith(sep));
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

function cached<T>(f: (key: string) => T): (key: string) => T {
  const memo = new Map<string, T>();
  return (key) => {
    if (!memo.has(key)) memo.set(key, f(key));
    return memo.get(key)!;
  };
}
