import type { UserspaceReader } from "../ir/bindings.js";
import type { TypeGraph } from "../ir/graph.js";
import type { MapDef } from "../ir/maps.js";
import type { Target } from "../ir/targets.js";

// The readers a check may need, each imported on first use: a repository
// without Python never loads the Python grammar. A reader this build does not
// have yet is reported as such, not guessed at.

export interface CSourceRead {
  graph: TypeGraph;
  maps: MapDef[];
}

export type CSourceReader = (path: string, opts: { target: Target; includeDirs?: string[]; files?: Record<string, string> }) => Promise<CSourceRead>;

export interface Readers {
  go?: UserspaceReader;
  python?: UserspaceReader;
  c?: CSourceReader;
}

const SOURCES = {
  go: ["../readers/go/index.js", "readGo"],
  python: ["../readers/python/index.js", "readPython"],
  c: ["../readers/c/index.js", "readCSource"],
} as const;

const loaded = new Map<keyof Readers, Promise<unknown>>();

export async function reader<K extends keyof Readers>(kind: K): Promise<Readers[K]> {
  let p = loaded.get(kind);
  if (!p) {
    const [specifier, name] = SOURCES[kind];
    p = import(specifier).then(
      (m: Record<string, unknown>) => (typeof m[name] === "function" ? m[name] : undefined),
      (e: NodeJS.ErrnoException) => {
        if (e.code === "ERR_MODULE_NOT_FOUND" && e.message.includes(specifier.replace("../", ""))) return undefined;
        throw e;
      },
    );
    loaded.set(kind, p);
  }
  return (await p) as Readers[K];
}
