import type { Parser, Tree } from "web-tree-sitter";
import { InputError } from "../../ir/errors.js";
import type { TypeGraph } from "../../ir/graph.js";
import type { Target } from "../../ir/targets.js";
import type { HeaderCache, HeaderParse } from "./header-cache.js";
import type { HeaderChunk, Preprocessed } from "./preprocess.js";
import { resolveRuns, type ItemRun, type Resolved } from "./resolve.js";
import { moveTrailingAttributes } from "./trailing-attrs.js";
import { walkTree } from "./walk.js";

// A program whose text holds big headers from the run's cache is parsed in
// pieces: each header once per run, alone, and the program's own text
// between them, each piece by itself. The preprocessor only marks a header
// where it starts and ends between top-level declarations, and the C
// grammar reads each top-level declaration by itself, so the pieces give
// the declarations the whole text would, in the same order.

/** The tree of C `text`, with attributes after file-scope declarators moved where the grammar takes them. */
export function parseC(parser: Parser, text: string, path: string): { tree: Tree; source: string } {
  let tree = parser.parse(text);
  if (!tree) throw new InputError(path, "the C parser gave no tree");
  const moved = moveTrailingAttributes(tree, text);
  if (moved === undefined) return { tree, source: text };
  tree.delete();
  tree = parser.parse(moved);
  if (!tree) throw new InputError(path, "the C parser gave no tree");
  return { tree, source: moved };
}

/** Resolves a program whose text has cached headers in it, parsing each header once per cache. */
export function readChunked(
  parser: Parser,
  pre: Preprocessed,
  cache: HeaderCache,
  path: string,
  target: Target,
  btf: TypeGraph | undefined,
): Resolved {
  const runs: ItemRun[] = [];
  let at = 0;
  for (const c of pre.chunks) {
    if (c.at > at) runs.push(own(parser, pre.text.slice(at, c.at), at, path));
    const p = headerParse(parser, c, cache, path);
    if (p.shift) runs.push({ base: 0, items: p.items.map((item) => shifted(item, c.at)) });
    else {
      // The resolver takes a kept state only where these are the first declarations it reads.
      let kept = cache.resolved.get(p);
      if (!kept) {
        kept = [];
        // Only a parse the cache still holds keeps resolver tables.
        if (cache.parses.get(c.header) === p) cache.resolved.set(p, kept);
      }
      const known = kept.find((k) => k.target === target && k.btf === btf);
      const list = kept;
      runs.push({ base: c.at, items: p.items, ...(known ? { start: known.state } : { keep: (state) => list.push({ target, btf, state }) }) });
    }
    at = c.end;
  }
  if (pre.text.length > at) runs.push(own(parser, pre.text.slice(at), at, path));
  return resolveRuns(runs, pre, target, btf);
}

/**
 * The declarations of the text between headers. Their positions are made
 * true offsets: a map's definition among them is evaluated after the walk,
 * where no base applies. That text is the program's own, and small.
 */
function own(parser: Parser, text: string, at: number, path: string): ItemRun {
  const { tree, source } = parseC(parser, text, path);
  try {
    const items = [...walkTree(tree, source)];
    return { base: 0, items: at === 0 ? items : items.map((item) => shifted(item, at)) };
  } finally {
    tree.delete();
  }
}

function headerParse(parser: Parser, chunk: HeaderChunk, cache: HeaderCache, path: string): HeaderParse {
  let p = cache.parses.get(chunk.header);
  if (p) return p;
  const { tree, source } = parseC(parser, chunk.header.text!, path);
  try {
    const items = [...walkTree(tree, source)];
    p = { items, shift: items.some((i) => i.k === "decl" && !i.typedef && i.declarators.some((d) => d.init !== undefined)) };
  } finally {
    tree.delete();
  }
  cache.putParse(chunk.header, p);
  return p;
}

/** A copy of plain data with every position moved by `by`. */
function shifted<T>(x: T, by: number): T {
  if (Array.isArray(x)) return x.map((y: unknown) => shifted(y, by)) as T;
  if (x === null || typeof x !== "object") return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) out[k] = k === "at" && typeof v === "number" ? v + by : shifted(v, by);
  return out as T;
}
