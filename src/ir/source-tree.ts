import { dirname } from "node:path";

// The other files of a tree a reader may consult while it reads one: Go
// reads a package (a directory) as one, and resolves imports of its own
// module through go.mod. Plain texts by path, as the check read them.

export interface SourceTree {
  /** The files directly in `dir`, as paths of this tree. */
  filesIn(dir: string): readonly string[];
  text(path: string): string | undefined;
}

export function sourceTree(files: Iterable<readonly [string, string]>): SourceTree {
  const texts = new Map<string, string>();
  const byDir = new Map<string, string[]>();
  for (const [path, text] of files) {
    if (texts.has(path)) continue;
    texts.set(path, text);
    const dir = dirname(path);
    const list = byDir.get(dir) ?? [];
    list.push(path);
    byDir.set(dir, list);
  }
  return {
    filesIn: (dir) => byDir.get(dir) ?? [],
    text: (path) => texts.get(path),
  };
}
