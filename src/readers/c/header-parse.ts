import type { Parser } from "web-tree-sitter";
import type { TypeGraph } from "../../ir/graph.js";
import type { Target } from "../../ir/targets.js";
import { indexDeclarations, scanProgram, tagKey } from "./decl-index.js";
import type { HeaderCache, HeaderDecls } from "./header-cache.js";
import { PlainReader } from "./plain-decls.js";
import type { HeaderRead, Preprocessed } from "./preprocess.js";
import { headerLineStarts } from "./line-index.js";
import { parseC, shifted } from "./parse-c.js";
import { reachable } from "./reachable.js";
import { resolveRuns, type ItemRun, type Resolved } from "./resolve.js";
import type { Item } from "./syntax.js";
import { withItems } from "./read-decls.js";
import { walkTree } from "./walk.js";

// A program whose text holds big headers from the run's cache is read in
// pieces: of each header only the declarations the program reaches, each
// read once per run (by PlainReader, or parsed), and the program's own text
// between the headers, each piece by itself. The preprocessor only marks a
// header where it starts and ends between top-level declarations, and the
// C grammar reads each top-level declaration by itself, so the pieces give
// the declarations the whole text would, less those nothing in the program
// leads to, in the same order.

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
  const ownText: { at: number; text: string; bodies: number[] }[] = [];
  const roots = new Set<string>();
  const ownPiece = (from: number, to: number): void => {
    const text = pre.text.slice(from, to);
    const { names, bodies } = scanProgram(text);
    for (const k of names) roots.add(k);
    ownText.push({ at: from, text, bodies });
  };
  let at = 0;
  for (const c of pre.chunks) {
    if (c.at > at) ownPiece(at, c.at);
    at = c.end;
  }
  if (pre.text.length > at) ownPiece(at, pre.text.length);
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
    for (; next < ownText.length && ownText[next]!.at < end; next++) runs.push(...own(parser, ownText[next]!, path));
  };
  pre.chunks.forEach((c, x) => {
    ownUpTo(c.at);
    const h = headers[x]!;
    const want = reached[x]!;
    parseDecls(parser, c.header.text!, h, want, path);
    pushRuns(runs, want.map((i) => ({ items: h.items[i]!, later: h.shift[i] === true })), c.at);
  });
  ownUpTo(Infinity);
  return resolveRuns(runs, pre, target, btf);
}

/**
 * The declarations of the text between headers, at `at` in the program's
 * text. A map's definition among them is evaluated after the walk, where no
 * base applies: its positions are made true offsets, as a header's are.
 */
function own(parser: Parser, piece: { at: number; text: string; bodies: readonly number[] }, path: string): ItemRun[] {
  // Between two headers there is often nothing but blank lines.
  if (!/\S/.test(piece.text)) return [];
  const items = withItems(parser, piece.text, path, (read) => [...read], piece.bodies);
  if (piece.at === 0) return [{ base: 0, items }];
  const runs: ItemRun[] = [];
  pushRuns(runs, items.map((item) => ({ items: [item], later: evaluatedLater(item) })), piece.at);
  return runs;
}

function headerDecls(header: HeaderRead, cache: HeaderCache): HeaderDecls {
  let h = cache.decls.get(header);
  if (h) return h;
  const index = indexDeclarations(header.text!);
  // A small header's declarations are every program's, whether it reaches them or not.
  if (header.big.length < header.fileNames.length) {
    const big = new Set(header.big);
    const starts = headerLineStarts(header);
    let line = 0;
    for (const d of index.decls) {
      while (line < starts.length && starts[line]! <= d.start) line++;
      if (!big.has(header.fileNames[header.lineFile[line]!]!)) d.root = true;
    }
  }
  h = { index, items: [], shift: [] };
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
  // Most programs of a run find every declaration they reach read already.
  let plain: PlainReader | undefined;
  const todo: number[] = [];
  for (const i of want) {
    if (h.items[i]) continue;
    plain ??= new PlainReader(text, parser.language!);
    const read = plain.declaration(decls[i]!.start);
    if (read?.end === decls[i]!.end) {
      h.items[i] = [read.item];
      if (evaluatedLater(read.item)) h.shift[i] = true;
    } else todo.push(i);
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
      if (evaluatedLater(item)) h.shift[i] = true;
    }
  } finally {
    tree.delete();
  }
}

/**
 * Declarations whose positions count from `base`, as runs: consecutive ones
 * share the base, and one evaluated after the walk (`later`) is copied with
 * true offsets, since no base applies there.
 */
function pushRuns(runs: ItemRun[], decls: readonly { items: Item[]; later: boolean }[], base: number): void {
  let plain: Item[] = [];
  for (const d of decls) {
    if (!d.later) {
      plain.push(...d.items);
      continue;
    }
    if (plain.length) runs.push({ base, items: plain });
    plain = [];
    runs.push({ base: 0, items: d.items.map((item) => shifted(item, base)) });
  }
  if (plain.length) runs.push({ base, items: plain });
}

/**
 * Whether the map reader evaluates an initializer of the item after the
 * walk: a variable in a section (a legacy map's definition) that has one.
 * The helpers' `(void *) 1` initializers are never read again.
 */
function evaluatedLater(item: Item): boolean {
  if (item.k !== "decl" || item.typedef) return false;
  const record = item.spec.k === "record" && inSection(item.spec.attrs);
  return item.declarators.some((d) => d.init !== undefined && (record || inSection(item.attrs) || inSection(d.attrs)));
}

const inSection = (attrs: readonly { name: string }[]): boolean => attrs.some((a) => a.name === "section");
