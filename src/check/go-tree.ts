import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { sourceTree, type SourceTree } from "../ir/source-tree.js";

// What the Go reader may consult besides the file it reads: every Go file of
// the check (a package is a directory) and the go.mod above each, which
// says under what path the module's own packages are imported.

export function goTree(goFiles: ReadonlyMap<string, string>): SourceTree {
  return sourceTree(goTreeFiles(goFiles));
}

/** The Go files and the go.mod files above them, by path, as `goTree` holds them: what a reading thread is sent. */
export function goTreeFiles(goFiles: ReadonlyMap<string, string>): [string, string][] {
  const mods = new Map<string, string | undefined>();
  const modAbove = (dir: string): void => {
    for (let d = dir, i = 0; i < 64; i++) {
      const path = join(d, "go.mod");
      if (mods.has(path)) return;
      mods.set(path, readText(path));
      if (mods.get(path) !== undefined) return;
      const up = dirname(d);
      if (up === d) return;
      d = up;
    }
  };
  for (const file of goFiles.keys()) modAbove(dirname(file));
  const found = [...mods].filter((e): e is [string, string] => e[1] !== undefined);
  return [...goFiles, ...found];
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
