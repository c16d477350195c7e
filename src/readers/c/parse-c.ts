import type { Edit, Parser, Tree } from "web-tree-sitter";
import { InputError } from "../../ir/errors.js";
import { moveTrailingAttributes } from "./trailing-attrs.js";

/** The tree of C `text`, with attributes after file-scope declarators moved where the grammar takes them. */
export function parseC(parser: Parser, text: string, path: string): { tree: Tree; source: string } {
  const tree = parser.parse(text);
  if (!tree) throw new InputError(path, "the C parser gave no tree");
  const moved = moveTrailingAttributes(tree, text);
  if (moved === undefined) return { tree, source: text };
  // Each rotated span keeps its length and line: an edit of the old tree
  // says so, and tree-sitter parses again only around those spans.
  for (const s of moved.spans) {
    const startPosition = { row: s.row, column: s.column };
    const endPosition = { row: s.row, column: s.column + s.end - s.start };
    // Tree.edit reads the six fields only; Edit's methods are for callers' own points.
    tree.edit({ startIndex: s.start, oldEndIndex: s.end, newEndIndex: s.end, startPosition, oldEndPosition: endPosition, newEndPosition: endPosition } as Edit);
  }
  const again = parser.parse(moved.text, tree);
  tree.delete();
  if (!again) throw new InputError(path, "the C parser gave no tree");
  return { tree: again, source: moved.text };
}

/** A copy of plain data with every position moved by `by`. */
export function shifted<T>(x: T, by: number): T {
  if (Array.isArray(x)) return x.map((y: unknown) => shifted(y, by)) as T;
  if (x === null || typeof x !== "object") return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) out[k] = k === "at" && typeof v === "number" ? v + by : shifted(v, by);
  return out as T;
}
