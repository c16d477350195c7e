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

/**
 * A `)` followed, across spaces, comments, directives, words and
 * parenthesized groups (attributes, SEC("..")), by a `{`: what every
 * function definition has between its parameters and its body. A header
 * without one (vmlinux.h: records, enums, typedefs) defines no function,
 * and is not parsed for its functions. A word is matched whole, so a
 * failed match does not retry it in pieces.
 */
const BODY_AFTER_PARAMS = /\)(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*|#[^\n]*|[A-Za-z_$][\w$]*(?![\w$])|\((?:[^(){};]|\([^(){};]*\))*\))*\{/;

/** What `scan` finds in each function definition of C `text`, in source order. */
export async function scanFunctions<T>(text: string, scan: (fn: Node, out: T[]) => void): Promise<T[]> {
  if (!BODY_AFTER_PARAMS.test(text)) return [];
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
