import type { Node } from "web-tree-sitter";
import { field } from "../syntax.js";

// Small helpers over tree-sitter-go nodes.

export { field, locOf, unparen } from "../syntax.js";

/** Expressions of an `expression_list` (or a lone expression). */
export function listItems(node: Node | undefined): Node[] {
  if (!node) return [];
  return node.type === "expression_list" ? node.namedChildren : [node];
}

/** The value of a Go string literal, or undefined when the node is not one. */
export function stringValue(node: Node): string | undefined {
  if (node.type === "raw_string_literal") return node.text.slice(1, -1);
  if (node.type !== "interpreted_string_literal") return undefined;
  try {
    return JSON.parse(node.text.replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1")) as string;
  } catch {
    return node.text.slice(1, -1);
  }
}

/** `pkg.Name` as written, for selector expressions and qualified types. */
export function dotted(node: Node): string | undefined {
  if (node.type === "identifier" || node.type === "type_identifier" || node.type === "field_identifier" || node.type === "package_identifier") {
    return node.text;
  }
  if (node.type === "selector_expression") {
    const op = field(node, "operand");
    const f = field(node, "field");
    const left = op && dotted(op);
    return left && f ? `${left}.${f.text}` : undefined;
  }
  if (node.type === "qualified_type") {
    const p = field(node, "package");
    const n = field(node, "name");
    return p && n ? `${p.text}.${n.text}` : undefined;
  }
  return undefined;
}

/**
 * Visits the nodes below `root` whose type is in `types`, in document order.
 * The search runs inside the wasm module (descendantsOfType): a cursor walk
 * driven from JavaScript costs a round trip per node, several times more.
 */
export function walk(root: Node, types: ReadonlySet<string>, visit: (n: Node) => void): void {
  for (const n of root.descendantsOfType([...types])) visit(n);
}
