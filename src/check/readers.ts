import type { UserspaceReader } from "../ir/bindings.js";
import type { readCSource } from "../readers/c/index.js";

// The readers a check may need, each loaded on first use: a repository
// without TypeScript never loads the TypeScript compiler, one with only
// objects never starts tree-sitter.

export interface Readers {
  go: UserspaceReader;
  python: UserspaceReader;
  typescript: UserspaceReader;
  c: typeof readCSource;
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= load());
}

const LOADERS: { [K in keyof Readers]: () => Promise<Readers[K]> } = {
  go: once(async () => (await import("../readers/go/index.js")).readGo),
  python: once(async () => (await import("../readers/python/index.js")).readPython),
  typescript: once(async () => (await import("../readers/ts/index.js")).readTypeScript),
  c: once(async () => (await import("../readers/c/index.js")).readCSource),
};

export function reader<K extends keyof Readers>(kind: K): Promise<Readers[K]> {
  return LOADERS[kind]();
}
