import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

// What the Go reader may consult besides the file it reads: every Go file of
// the check (a package is a directory) and the go.mod above each, which
// says under what path the module's own packages are imported.

/** The Go files and the go.mod files above them, by path: what the Go reader may consult, and what a reading thread is sent. */
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

/** The folder of the go.mod nearest above each Go file of `files` (`goTreeFiles`), else the file's own folder: its module, whose packages import one another. */
export function goModules(files: readonly [string, string][]): (file: string) => string {
  const mods = new Set(files.filter(([p]) => basename(p) === "go.mod").map(([p]) => dirname(p)));
  const found = new Map<string, string>();
  const moduleOf = (dir: string): string => {
    let m = found.get(dir);
    if (m !== undefined) return m;
    const up = dirname(dir);
    m = mods.has(dir) || up === dir ? dir : moduleOf(up);
    found.set(dir, m);
    return m;
  };
  return (file) => {
    const dir = dirname(file);
    const m = moduleOf(dir);
    return mods.has(m) ? m : dir;
  };
}
