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

/** The nodes that open a block, each its own scope (scopes.ts). */
export const BLOCKS: ReadonlySet<string> = new Set([
  "function_declaration",
  "method_declaration",
  "func_literal",
  "block",
  "if_statement",
  "for_statement",
  "expression_switch_statement",
  "type_switch_statement",
  "select_statement",
  "expression_case",
  "type_case",
  "default_case",
  "communication_case",
]);

// Every type a search of a file asks for. Searching the wasm tree costs a
// pass over all of it however few nodes it finds, and the reader searched
// each function five times over (its blocks, its locals, its map calls, its
// field reads, its reads of a reader): so a file is searched once, for all
// of these, and each search below is a slice of that one.
const SEARCHED = [
  "comment",
  "import_spec",
  "var_spec",
  "composite_literal",
  "call_expression",
  "assignment_statement",
  "index_expression",
  "parameter_declaration",
  "var_declaration",
  "short_var_declaration",
  ...BLOCKS,
];
const SEARCHED_SET = new Set(SEARCHED);

/**
 * The nodes of one file's tree of the types the reader searches for, with
 * each node's type asked once. The search runs inside the wasm module
 * (descendantsOfType): a cursor walk driven from JavaScript costs a round
 * trip per node, several times more.
 */
export class Searched {
  private found?: { nodes: Node[]; types: string[]; starts: number[] };
  private broken?: boolean;

  constructor(private readonly root: Node) {}

  /**
   * Visits the nodes of `types` in `below` (the root, one of its children,
   * or a node of a searched type), itself included, in document order: what
   * `below.descendantsOfType` finds.
   */
  walk(below: Node, types: ReadonlySet<string>, visit: (n: Node, type: string) => void): void {
    // A broken tree may hold empty nodes where one declaration ends and the next starts: searched as asked.
    if ((this.broken ??= this.root.hasError)) {
      for (const n of below.descendantsOfType([...types])) visit(n, n.type);
      return;
    }
    for (const t of types) if (!SEARCHED_SET.has(t)) throw new Error(`go reader: ${t} is not among the types a file is searched for`);
    const { nodes, types: typeOf, starts } = this.all();
    let i = 0;
    let end = nodes.length;
    // A node holds the nodes that start inside it, but for those that hold it
    // and start where it does: they come before it, in document order, and a
    // top-level declaration has none but the root.
    if (below.id !== this.root.id) {
      const start = below.startIndex;
      i = firstAtOrAfter(starts, start);
      end = firstAtOrAfter(starts, below.endIndex);
      for (let j = i; j < end && starts[j] === start; j++) {
        if (nodes[j]!.id === below.id) {
          i = j;
          break;
        }
      }
    }
    for (; i < end; i++) {
      const type = typeOf[i]!;
      if (types.has(type)) visit(nodes[i]!, type);
    }
  }

  private all(): { nodes: Node[]; types: string[]; starts: number[] } {
    if (!this.found) {
      const nodes = this.root.descendantsOfType(SEARCHED);
      this.found = { nodes, types: nodes.map((n) => n.type), starts: nodes.map((n) => n.startIndex) };
    }
    return this.found;
  }
}

function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
