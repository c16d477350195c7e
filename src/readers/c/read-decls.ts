import type { Node, Parser } from "web-tree-sitter";
import { indexDeclarations } from "./decl-index.js";
import { parseC, shifted } from "./parse-c.js";
import { PlainReader, type PlainRead } from "./plain-decls.js";
import type { Item } from "./syntax.js";
import { walkTree } from "./walk.js";

// A whole text (a vmlinux.h read by itself, a small program) read
// declaration by declaration: what the plain reader takes straight from
// the text, the rest parsed by tree-sitter in runs, in order. Where a run
// might not read by itself as within the whole, the caller parses the
// whole text instead.

/** The text does not read the same declaration by declaration; the caller parses it whole. */
export class ReadWhole extends Error {}

/**
 * The declarations of C `text`, in order: the plain ones read by
 * PlainReader, each run of the others parsed by tree-sitter by itself, up
 * to the next plain declaration where the declaration index places one
 * (each top-level declaration parses by itself as within the whole).
 * Throws ReadWhole where a run needed mending that may reach across
 * declarations in the whole text.
 */
export function* readDecls(parser: Parser, text: string, path: string): Generator<Item> {
  const plain = new PlainReader(text, parser.language!);
  let read: PlainRead | undefined;
  for (let at = plain.skipBlanks(0); at < text.length; at = plain.skipBlanks(at)) {
    read ??= plain.declaration(at);
    if (read) {
      yield read.item;
      at = read.end;
      read = undefined;
      continue;
    }
    const next = nextPlain(plain, at);
    const { tree, source } = parseC(parser, text.slice(at, next.start), path);
    let items: Item[];
    try {
      if (!mendedAsC(tree.rootNode)) throw new ReadWhole();
      items = [...walkTree(tree, source)];
    } finally {
      tree.delete();
    }
    for (const item of items) yield at ? shifted(item, at) : item;
    at = next.start;
    read = next.read;
  }
}

/**
 * What `use` makes of the declarations of C `text`, read with the inside of
 * each function body in `bodies` (pairs of brace offsets) blanked: in
 * pieces where that reads as the whole, else (readDecls declining midway)
 * of a parse of the whole blanked text. `use` takes them one by one, and
 * may be given them twice.
 *
 * Where a body's braces do not pair (half-written code), the index may
 * close it elsewhere than tree-sitter does: then the blanked text may show
 * the rest of the body as text between declarations, which tree-sitter
 * mends by taking in the next declarations, or the index may save the
 * declarations tree-sitter's mend of the whole takes in. Where the blanked
 * parse needs such a mend, the whole text is parsed too, bodies and all,
 * and the reading that finds more declarations is used; where they find
 * as many, the one with fewer errors, since the rest of a body read as
 * declarations is garbage that may stand in for a real one its mend took
 * in (and a macro-made function the whole parse errs on is no better read
 * there).
 */
export function withItems<T>(parser: Parser, text: string, path: string, use: (items: Iterable<Item>) => T, bodies: readonly number[] = []): T {
  const blanked = withoutBodies(text, bodies);
  try {
    return use(readDecls(parser, blanked, path));
  } catch (e) {
    if (!(e instanceof ReadWhole)) throw e;
  }
  const read = (t: string): { items: Item[]; mendsAcross: boolean } => {
    const { tree, source } = parseC(parser, t, path);
    try {
      return { items: [...walkTree(tree, source)], mendsAcross: !mendedAsC(tree.rootNode) };
    } finally {
      tree.delete();
    }
  };
  const first = read(blanked);
  if (!first.mendsAcross || blanked === text) return use(first.items);
  const whole = read(text);
  const [w, f] = [declarations(whole.items), declarations(first.items)];
  return use(w > f || (w === f && errors(whole.items) < errors(first.items)) ? whole.items : first.items);
}

const errors = (items: readonly Item[]): number => items.reduce((n, i) => n + (i.k === "error" ? 1 : 0), 0);
const declarations = (items: readonly Item[]): number => items.length - errors(items);

/**
 * `text` with the inside of each function body (`bodies`: pairs of brace
 * offsets) blanked, its lines kept: no declaration the walk reads is in a
 * body, and a body is most of a program's text to parse.
 */
function withoutBodies(text: string, bodies: readonly number[]): string {
  if (!bodies.length) return text;
  let out = "";
  let at = 0;
  for (let k = 0; k < bodies.length; k += 2) {
    const open = bodies[k]! + 1;
    const close = bodies[k + 1]!;
    out += text.slice(at, open) + text.slice(open, close).replace(/[^\n]/g, " ");
    at = close;
  }
  return out + text.slice(at);
}

/** The first declaration after `at` that the plain reader takes, where the index places one, and its reading; the text's end if none. */
function nextPlain(plain: PlainReader, at: number): { start: number; read?: PlainRead } {
  const text = plain.text;
  for (let from = at; ; ) {
    const decls = indexWindow(text, from);
    for (const d of decls) {
      if (d.start <= at) continue;
      const read = plain.declaration(d.start);
      if (read?.end === d.end) return { start: d.start, read };
    }
    if (!decls.length) return { start: text.length };
    from = decls[decls.length - 1]!.end;
  }
}

/**
 * The declarations the index finds from `at` on, in a window of the text
 * grown until it holds one whole: an index of the whole of a big header
 * for one declaration the plain reader leaves would cost more than all the
 * rest. Positions are the text's.
 */
function indexWindow(text: string, at: number): { start: number; end: number }[] {
  for (let size = 1 << 14; ; size *= 8) {
    const to = Math.min(text.length, at + size);
    const decls = indexDeclarations(text.slice(at, to)).decls;
    // The window's end may cut its last declaration.
    if (to < text.length) decls.pop();
    if (decls.length || to === text.length) return decls.map((d) => ({ start: d.start + at, end: d.end + at }));
  }
}

/**
 * Whether the parser mended under `node` only where walk.ts reads the mend
 * as C: the name it makes up for an unnamed bitfield (`long: 64;`) or for
 * `_Atomic(T)`, a second attribute after a member's name, the words of an
 * enum's fixed type. Those stay within their declaration. Any other mend
 * (a missing `;` or `}`, text it skipped) may reach across declarations in
 * the whole text, so a run showing one is not read by itself.
 */
export function mendedAsC(node: Node): boolean {
  if (!node.hasError) return true;
  if (node.isMissing) return node.type === "field_identifier" || (node.type === "identifier" && node.parent?.type === "macro_type_specifier");
  if (node.isError) {
    const parent = node.parent;
    if (parent?.type === "field_declaration") return node.children.every((c) => c !== null && !c.hasError && (c.type === "attribute_specifier" || c.type === "comment" || c.type === ";"));
    return parent?.type === "enum_specifier" && /^enum\s+[A-Za-z_]\w*\s*:\s*[A-Za-z_][\w\s]*\{/.test(parent.text) && /^(?::\s*)?[A-Za-z_][\w\s]*$/.test(node.text);
  }
  for (const child of node.children) if (child && !mendedAsC(child)) return false;
  return true;
}
