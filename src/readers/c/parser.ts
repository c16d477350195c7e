import type { Node, Parser } from "web-tree-sitter";
import { grammarParser } from "../tree-sitter.js";

/** The C parser; web-tree-sitter starts on first use, so commands that read no source never pay for it. */
export function cParser(): Promise<Parser> {
  return grammarParser("tree-sitter-c");
}

/** What `scan` finds in each function definition of C `text`, in source order. */
export async function scanFunctions<T>(text: string, scan: (fn: Node, out: T[]) => void): Promise<T[]> {
  const tree = (await cParser()).parse(text);
  if (!tree) return [];
  try {
    const out: T[] = [];
    for (const fn of tree.rootNode.descendantsOfType("function_definition")) {
      if (fn) scan(fn, out);
    }
    return out;
  } finally {
    tree.delete();
  }
}
