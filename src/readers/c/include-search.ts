import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Target } from "../../ir/targets.js";

// Where `#include` finds a header, as gcc and clang search: a quoted name in
// the includer's folder first, then the -I folders in order, then the
// system's. The preprocessor and the check's reading of what an object was
// built from ask the same question, and must get the same answer.

const SYSTEM_ARCH: Readonly<Record<string, string>> = {
  x86_64: "x86_64-linux-gnu",
  aarch64: "aarch64-linux-gnu",
  i386: "i386-linux-gnu",
  armhf: "arm-linux-gnueabihf",
};

/** The system's header folders for a target; a BPF target takes the host's multiarch folder, as clang -target bpf does. */
export function systemIncludeDirs(target: Target): string[] {
  const host = SYSTEM_ARCH[target.name] ?? SYSTEM_ARCH[process.arch === "arm64" ? "aarch64" : "x86_64"]!;
  return ["/usr/local/include", `/usr/include/${host}`, "/usr/include"];
}

/**
 * Where the search found a header: before the include directories (in the
 * includer's folder, or as a path), in them, or only after them (in the
 * system's, or nowhere).
 */
export type IncludeWhere = "before" | "dirs" | "after";

export interface IncludeSearch {
  includeDirs: readonly string[];
  systemDirs: readonly string[];
  exists(path: string): boolean;
}

export function locateInclude(s: IncludeSearch, name: string, from: string, quoted: boolean): { found: string | undefined; where: IncludeWhere } {
  if (isAbsolute(name)) return { found: s.exists(name) ? name : undefined, where: "before" };
  const before = quoted ? searchIn(s, [dirname(from)], name) : undefined;
  if (before !== undefined) return { found: before, where: "before" };
  const inDirs = searchIn(s, s.includeDirs, name);
  if (inDirs !== undefined) return { found: inDirs, where: "dirs" };
  return { found: searchIn(s, s.systemDirs, name), where: "after" };
}

export function searchIn(s: IncludeSearch, dirs: readonly string[], name: string): string | undefined {
  for (const dir of dirs) {
    // join normalizes; a relative folder is also tried from the working directory's absolute path.
    const p = join(dir, name);
    if (s.exists(p)) return p;
    if (isAbsolute(dir)) continue;
    const abs = resolve(dir, name);
    if (abs !== p && s.exists(abs)) return abs;
  }
  return undefined;
}
