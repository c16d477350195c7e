import type { Node } from "web-tree-sitter";
import type { SourceLoc } from "../ir/types.js";

// Helpers over tree-sitter nodes that mean the same in every grammar.

/** The node's start as a 1-based line and column. */
export function locOf(file: string, node: Node): SourceLoc {
  return { file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

export function field(node: Node, name: string): Node | undefined {
  return node.childForFieldName(name) ?? undefined;
}

/** Strips parentheses around an expression (`parenthesized_expression` in C, Go and Python). */
export function unparen(node: Node): Node {
  let n = node;
  for (let i = 0; i < 64 && n.type === "parenthesized_expression"; i++) {
    const inner = n.firstNamedChild;
    if (!inner) break;
    n = inner;
  }
  return n;
}
