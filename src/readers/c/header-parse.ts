import type { Language, Node, Parser, Tree } from "web-tree-sitter";
import { InputError } from "../../ir/errors.js";
import type { TypeGraph } from "../../ir/graph.js";
import type { Target } from "../../ir/targets.js";
import { indexDeclarations, namesOfProgram, tagKey } from "./decl-index.js";
import type { HeaderCache, HeaderDecls } from "./header-cache.js";
import { PlainReader, type PlainRead } from "./plain-decls.js";
import type { HeaderRead, Preprocessed } from "./preprocess.js";
import { reachable } from "./reachable.js";
import { resolveRuns, type ItemRun, type Resolved } from "./resolve.js";
import type { Item } from "./syntax.js";
import { moveTrailingAttributes } from "./trailing-attrs.js";
import { walkTree } from "./walk.js";

// A program whose text holds big headers from the run's cache is read in
// pieces: of each header only the declarations the program reaches, each
// read once per run (by PlainReader, or parsed), and the program's own text
// between the headers, each piece by itself. The preprocessor only marks a header where it
// starts and ends between top-level declarations, and the C grammar reads
// each top-level declaration by itself, so the pieces give the declarations
// the whole text would, less those nothing in the program leads to, in the
// same order.

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

/** The text does not read the same declaration by declaration; the caller parses it whole. */
export class ReadWhole extends Error {}

const keywordSets = new WeakMap<Language, ReadonlySet<string>>();

/** The words tree-sitter-c lexes as keywords, from the grammar itself: its unnamed tokens spelled as identifiers. */
export function keywordsOf(lang: Language): ReadonlySet<string> {
  let set = keywordSets.get(lang);
  if (set) return set;
  const words = new Set<string>();
  for (let i = 0; i < lang.nodeTypeCount; i++) {
    const t = lang.types[i];
    if (t && !lang.nodeTypeIsNamed(i) && /^[A-Za-z_]\w*$/.test(t)) words.add(t);
  }
  set = words;
  keywordSets.set(lang, set);
  return set;
}

/**
 * The declarations of C `text`, in order: the plain ones read by
 * PlainReader, each run of the others parsed by tree-sitter by itself, up
 * to the next plain declaration where the declaration index places one
 * (each top-level declaration parses by itself as within the whole).
 * Throws ReadWhole where a run needed mending that may reach across
 * declarations in the whole text.
 */
export function* readDecls(parser: Parser, text: string, path: string): Generator<Item> {
  const plain = new PlainReader(text, keywordsOf(parser.language!));
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
    for (const item of items) yield shifted(item, at);
    at = next.start;
    read = next.read;
  }
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
function mendedAsC(node: Node): boolean {
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

/** Resolves a program whose text has cached headers in it, parsing of each header what the program reaches. */
export function readChunked(
  parser: Parser,
  pre: Preprocessed,
  cache: HeaderCache,
  path: string,
  target: Target,
  btf: TypeGraph | undefined,
  uses: readonly string[],
): Resolved {
  const ownText: { at: number; text: string }[] = [];
  let at = 0;
  for (const c of pre.chunks) {
    if (c.at > at) ownText.push({ at, text: pre.text.slice(at, c.at) });
    at = c.end;
  }
  if (pre.text.length > at) ownText.push({ at, text: pre.text.slice(at) });
  const roots = new Set<string>();
  for (const t of ownText) for (const k of namesOfProgram(t.text)) roots.add(k);
  for (const name of uses) {
    // `struct sock` is the tag; a bare `sock` may be a tag or a typedef name.
    const m = /^(?:(?:struct|union|enum)\s+)?(\S+)$/.exec(name.trim());
    if (!m) continue;
    roots.add(tagKey(m[1]!));
    if (m[1] === name.trim()) roots.add(m[1]!);
  }
  const headers = pre.chunks.map((c) => headerDecls(c.header, cache));
  const reached = reachable(headers.map((h) => h.index), roots);

  const runs: ItemRun[] = [];
  let next = 0;
  const ownUpTo = (end: number): void => {
    for (; next < ownText.length && ownText[next]!.at < end; next++) runs.push(own(parser, ownText[next]!.text, ownText[next]!.at, path));
  };
  pre.chunks.forEach((c, x) => {
    ownUpTo(c.at);
    const h = headers[x]!;
    const want = reached[x]!;
    parseDecls(parser, c.header.text!, h, want, path);
    let plain: Item[][] = [];
    const flush = (): void => {
      if (plain.length) runs.push({ base: c.at, items: plain.flat() });
      plain = [];
    };
    for (const i of want) {
      if (!h.shift[i]) plain.push(h.items[i]!);
      else {
        flush();
        runs.push({ base: 0, items: h.items[i]!.map((item) => shifted(item, c.at)) });
      }
    }
    flush();
  });
  ownUpTo(Infinity);
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

function headerDecls(header: HeaderRead, cache: HeaderCache): HeaderDecls {
  let h = cache.decls.get(header);
  if (h) return h;
  h = { index: indexDeclarations(header.text!), items: [], shift: [] };
  cache.putDecls(header, h);
  return h;
}

/**
 * Reads the declarations of `want` not read yet: the plain ones with
 * PlainReader, the others parsed all in one text: each is whole, so each
 * parses there as in its header, and its items are moved back to where it
 * stands in the header.
 */
function parseDecls(parser: Parser, text: string, h: HeaderDecls, want: readonly number[], path: string): void {
  const decls = h.index.decls;
  const plain = new PlainReader(text, keywordsOf(parser.language!));
  const todo: number[] = [];
  for (const i of want) {
    if (h.items[i]) continue;
    const read = plain.declaration(decls[i]!.start);
    if (read?.end === decls[i]!.end) h.items[i] = [read.item];
    else todo.push(i);
  }
  if (!todo.length) return;
  const starts: number[] = [];
  const pieces: string[] = [];
  let at = 0;
  for (const i of todo) {
    const d = decls[i]!;
    starts.push(at);
    pieces.push(text.slice(d.start, d.end));
    at += d.end - d.start + 1;
    h.items[i] = [];
  }
  const { tree, source } = parseC(parser, pieces.join("\n"), path);
  try {
    let k = 0;
    for (const item of walkTree(tree, source)) {
      while (k + 1 < starts.length && starts[k + 1]! <= item.at) k++;
      const i = todo[k]!;
      const by = decls[i]!.start - starts[k]!;
      h.items[i]!.push(by ? shifted(item, by) : item);
      if (item.k === "decl" && !item.typedef && item.declarators.some((d) => d.init !== undefined)) h.shift[i] = true;
    }
  } finally {
    tree.delete();
  }
}

/** A copy of plain data with every position moved by `by`. */
function shifted<T>(x: T, by: number): T {
  if (Array.isArray(x)) return x.map((y: unknown) => shifted(y, by)) as T;
  if (x === null || typeof x !== "object") return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) out[k] = k === "at" && typeof v === "number" ? v + by : shifted(v, by);
  return out as T;
}
