import type { Node, Parser, Tree } from "web-tree-sitter";
import { grammarParser } from "../tree-sitter.js";

/** The C parser; web-tree-sitter starts on first use, so commands that read no source never pay for it. */
export function cParser(): Promise<Parser> {
  return grammarParser("tree-sitter-c");
}

/**
 * The last text's function definitions: a check scans each program's text
 * for several things in a row (clock keys, record emits), and parses it
 * once for all of them. One tree is kept, until the next text.
 */
let last: { text: string; tree: Tree; functions: Node[] } | undefined;

/** What `scan` finds in each function definition of C `text`, in source order. */
export async function scanFunctions<T>(text: string, scan: (fn: Node, out: T[]) => void): Promise<T[]> {
  if (last?.text !== text) {
    const tree = (await cParser()).parse(text);
    if (!tree) return [];
    last?.tree.delete();
    last = { text, tree, functions: tree.rootNode.descendantsOfType("function_definition").filter((fn): fn is Node => fn !== null) };
  }
  const out: T[] = [];
  for (const fn of last.functions) scan(fn, out);
  return out;
}
