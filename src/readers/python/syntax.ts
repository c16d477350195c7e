import type { Node, TreeCursor } from "web-tree-sitter";
import { field, unparen } from "../syntax.js";

// Small helpers over tree-sitter-python nodes.

export { field, locOf, unparen } from "../syntax.js";

/** `a.b.c` as written, for identifiers and attribute chains; undefined for anything else. */
export function dotted(node: Node): string | undefined {
  const n = unparen(node);
  if (n.type === "identifier") return n.text;
  if (n.type === "attribute") {
    const obj = field(n, "object");
    const attr = field(n, "attribute");
    const left = obj && dotted(obj);
    return left && attr ? `${left}.${attr.text}` : undefined;
  }
  return undefined;
}

/** Positional arguments and keyword arguments of a call. */
export function callArgs(call: Node): { positional: Node[]; keywords: Map<string, Node> } {
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  const args = field(call, "arguments");
  for (const a of args?.namedChildren ?? []) {
    if (a.type === "keyword_argument") {
      const name = field(a, "name");
      const value = field(a, "value");
      if (name && value) keywords.set(name.text, value);
    } else if (a.type !== "comment") positional.push(a);
  }
  return { positional, keywords };
}

/**
 * The value of one string literal (any prefix, any quoting), with escapes
 * decoded; undefined for f-strings that interpolate, which only run time knows.
 */
export function stringLiteral(node: Node): string | undefined {
  if (node.type !== "string") return undefined;
  const start = node.namedChildren.find((c) => c.type === "string_start");
  const prefix = (start?.text ?? "").replace(/['"]/g, "").toLowerCase();
  let out = "";
  for (const c of node.namedChildren) {
    if (c.type === "interpolation") return undefined;
    if (c.type === "string_content") out += prefix.includes("r") ? c.text : unescape(c.text);
    else if (c.type === "escape_sequence") out += prefix.includes("r") ? c.text : unescape(c.text);
  }
  // Older grammars put escapes inside string_content; newer ones as siblings.
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\v", "\n": "" };

function unescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.|\n)/gs, (all, e: string) => {
    if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e]!;
    if (e[0] === "x") return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return all;
  });
}

/** Python's integer literal syntax: 0x10, 0o17, 0b1, 1_000. */
export function intLiteral(node: Node): number | undefined {
  if (node.type !== "integer") return undefined;
  const t = node.text.replace(/_/g, "").toLowerCase().replace(/l$/, "");
  let v: number;
  if (/^0x[0-9a-f]+$/.test(t)) v = parseInt(t.slice(2), 16);
  else if (/^0o[0-7]+$/.test(t)) v = parseInt(t.slice(2), 8);
  else if (/^0b[01]+$/.test(t)) v = parseInt(t.slice(2), 2);
  else if (/^[0-9]+$/.test(t)) v = Number(t);
  else return undefined;
  return Number.isSafeInteger(v) ? v : undefined;
}

/** Visits every node below `root` (depth first, in source order) without recursion. */
export function walk(root: Node, visit: (n: Node) => boolean | void): void {
  withCursor(root, (cursor) => {
    let descend = true;
    for (;;) {
      if (descend) {
        const n = cursor.currentNode;
        descend = visit(n) !== false;
        if (descend && cursor.gotoFirstChild()) continue;
      }
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      if (!cursor.gotoParent()) break;
      descend = false;
      if (cursor.currentNode.id === root.id) break;
    }
  });
}

/**
 * Runs `f` with a cursor on `root` and deletes the cursor after, exactly once.
 * web-tree-sitter's finalizer for a cursor left to the garbage collector frees
 * memory by the tree's address, not the cursor's: a freed tree or a corrupted
 * heap follows, seen as a crash in a later Tree.delete.
 */
function withCursor<T>(root: Node, f: (cursor: TreeCursor) => T): T {
  const cursor = root.walk();
  try {
    return f(cursor);
  } finally {
    cursor.delete();
  }
}

/**
 * Every node of the given types, in source order, from one cursor pass that
 * materialises only those: readers ask many questions of one file, and
 * building a Node object per visit is what costs.
 */
export function indexNodes(root: Node, types: readonly string[]): Map<string, Node[]> {
  const wanted = new Set(types);
  const out = new Map<string, Node[]>(types.map((t) => [t, []]));
  return withCursor(root, (cursor) => {
    for (;;) {
      const t = cursor.nodeType;
      if (wanted.has(t)) out.get(t)!.push(cursor.currentNode);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return out;
      }
    }
  });
}

/** Whether `inner` lies within `outer`'s bytes. */
export function within(inner: Node, outer: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** The function (or lambda) whose body holds `n`; the module root at top level. */
export function enclosingScope(n: Node): Node {
  let p: Node | null = n.parent;
  while (p && p.type !== "function_definition" && p.type !== "lambda" && p.type !== "module") p = p.parent;
  return p ?? n;
}
