import type { Node, Parser, Range, Tree } from "web-tree-sitter";
import { grammarParser } from "../tree-sitter.js";
import { scanProgram } from "./decl-index.js";

/** The C parser; web-tree-sitter starts on first use, so commands that read no source never pay for it. */
export function cParser(): Promise<Parser> {
  return grammarParser("tree-sitter-c");
}

/**
 * The last text's function definitions: a check scans each program's text
 * for several things in a row (clock keys, record emits), and parses and
 * searches it once for all of them. One tree is kept, until the next text.
 */
let last: { text: string; tree: Tree; functions: FunctionNodes[] } | undefined;

/**
 * Whether a `)` is followed, across spaces, comments, directives, words and
 * parenthesized groups (attributes, SEC("..")), by a `{`: what every
 * function definition has between its parameters and its body. A header
 * without one (vmlinux.h: records, enums, typedefs) defines no function,
 * and is not parsed for its functions. A scan, not a regular expression:
 * one with those alternatives backtracked for minutes over a macro whose
 * lines end in long runs of spaces.
 */
export function hasBodyAfterParams(text: string): boolean {
  const n = text.length;
  for (let i = text.indexOf(")"); i >= 0; i = text.indexOf(")", i + 1)) {
    let j = i + 1;
    for (;;) {
      const c = text.charCodeAt(j);
      if (c === 123) return true; // {
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 92) j++;
      else if (c === 47 && text.charCodeAt(j + 1) === 42) {
        const end = text.indexOf("*/", j + 2);
        if (end < 0) break;
        j = end + 2;
      } else if ((c === 47 && text.charCodeAt(j + 1) === 47) || c === 35) {
        const end = text.indexOf("\n", j);
        j = end < 0 ? n : end;
      } else if (isWordStart(c)) {
        j++;
        while (j < n && isWordPart(text.charCodeAt(j))) j++;
      } else if (c === 40) {
        const end = groupEnd(text, j);
        if (end < 0) break;
        j = end;
      } else break;
    }
  }
  return false;
}

/** Past the `)` closing the group opened at `at`, nested once, holding no `;`, `{` or `}`; -1 if it does not close so. */
function groupEnd(text: string, at: number): number {
  let depth = 0;
  for (let j = at; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 40) {
      if (++depth > 2) return -1;
    } else if (c === 41) {
      if (--depth === 0) return j + 1;
    } else if (c === 59 || c === 123 || c === 125) return -1;
  }
  return -1;
}

const isWordStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
const isWordPart = (c: number): boolean => isWordStart(c) || (c >= 48 && c <= 57);

/**
 * Every type of node a scan of a function reads (clock keys, record
 * emits). Searching the wasm tree costs a pass over all of it however few
 * nodes it finds, and each node found costs a round trip to make and one
 * to ask its type: so a text is searched once, for all of them.
 */
export const SEARCHED: readonly string[] = ["declaration", "parameter_declaration", "init_declarator", "assignment_expression", "call_expression"];

/** A function definition and its nodes of the SEARCHED types, in document order, each with its type asked once. */
export interface FunctionNodes {
  fn: Node;
  nodes: Node[];
  types: string[];
  /** How many of `nodes` are its declarator's; the rest are its body's. */
  inDeclarator: number;
}

/** What `scan` finds in each function definition of C `text`, in source order. */
export async function scanFunctions<T>(text: string, scan: (fn: FunctionNodes, out: T[]) => void): Promise<T[]> {
  if (!hasBodyAfterParams(text)) return [];
  if (last?.text !== text) {
    const tree = parseFunctions(await cParser(), text);
    if (!tree) return [];
    last?.tree.delete();
    last = { text, tree, functions: searchFunctions(tree) };
  }
  const out: T[] = [];
  for (const fn of last.functions) scan(fn, out);
  return out;
}

/**
 * Each function definition of `tree` with the nodes its declarator and
 * its body hold, taken from one search of the whole tree. A node found
 * after a definition, in document order, is in its declarator or body
 * when it starts there: every node of these types holds a token of the
 * text, so none is an empty one on the edge between two parts.
 */
function searchFunctions(tree: Tree): FunctionNodes[] {
  const found = tree.rootNode.descendantsOfType(["function_definition", ...SEARCHED]);
  const types = found.map((n) => n.type);
  const out: FunctionNodes[] = [];
  found.forEach((fn, i) => {
    if (types[i] !== "function_definition") return;
    const declarator = span(fn.childForFieldName("declarator"));
    const body = span(fn.childForFieldName("body"));
    const inDeclarator: number[] = [];
    const inBody: number[] = [];
    const end = fn.endIndex;
    for (let j = i + 1; j < found.length && found[j]!.startIndex < end; j++) {
      // A definition inside another (a broken text) is scanned for itself; its nodes are the other's too.
      if (types[j] === "function_definition") continue;
      const at = found[j]!.startIndex;
      if (at >= declarator.start && at < declarator.end) inDeclarator.push(j);
      else if (at >= body.start && at < body.end) inBody.push(j);
    }
    const picked = [...inDeclarator, ...inBody];
    out.push({ fn, nodes: picked.map((j) => found[j]!), types: picked.map((j) => types[j]!), inDeclarator: inDeclarator.length });
  });
  return out;
}

/** Where a part of a definition starts and ends; an empty span for a part it lacks (a broken text). */
function span(part: Node | null): { start: number; end: number } {
  return part ? { start: part.startIndex, end: part.endIndex } : { start: 0, end: 0 };
}

/**
 * A tree of `text` in which its function definitions are parsed and
 * nothing else: its maps, records and macros are often most of it. Each
 * definition parses alone as within the whole, from past its section
 * macro to where its body's braces pair, except where the declaration
 * index says otherwise; then the whole is parsed.
 */
function parseFunctions(parser: Parser, text: string): Tree | null {
  const { bodies, functionStarts, functionsAlone } = scanProgram(text);
  if (!functionsAlone || !functionStarts.length) return parser.parse(text);
  const written = (): Tree | null => parser.parse(text, null, { includedRanges: ranges(text, functionStarts, bodies) });
  // A function of no section is often a helper whose attributes the grammar errs on (`static __always_inline`): parsed past the sections, its text would be parsed twice.
  const starts = functionStarts.map((start) => pastSection(text, start));
  if (starts.some((start, k) => start === functionStarts[k])) return written();
  const tree = parser.parse(text, null, { includedRanges: ranges(text, starts, bodies) });
  // Parsed clean past their sections, the definitions are those the parser gives after each section, which it mends with the `;` it supplies; with an error anywhere (a directive left open in one changes how the next parses) it may mend otherwise.
  if (!tree?.rootNode.hasError) return tree;
  tree.delete();
  return written();
}

/**
 * `SEC("tp/x")` and its like before a definition: to the C grammar a call
 * missing its `;`, mended at a cost (a quarter of a small program's
 * parse) for nothing the scans read.
 */
const SECTION = /[A-Za-z_$][\w$]*\s*\(\s*"(?:[^"\\\n]|\\.)*"\s*\)\s*(?=[A-Za-z_$])/y;

/** Where the definition starting at `start` starts past a section macro before it. */
function pastSection(text: string, start: number): number {
  SECTION.lastIndex = start;
  return SECTION.test(text) ? SECTION.lastIndex : start;
}

/** The ranges of `text` from each start to past the closing brace of its body. */
function ranges(text: string, starts: readonly number[], bodies: readonly number[]): Range[] {
  const out: Range[] = [];
  let row = 0;
  let lineStart = 0;
  let at = 0;
  const point = (to: number): { row: number; column: number } => {
    for (let nl = text.indexOf("\n", at); nl >= 0 && nl < to; nl = text.indexOf("\n", nl + 1)) {
      row++;
      lineStart = nl + 1;
    }
    at = to;
    return { row, column: to - lineStart };
  };
  starts.forEach((startIndex, k) => {
    const endIndex = bodies[2 * k + 1]! + 1;
    out.push({ startIndex, endIndex, startPosition: point(startIndex), endPosition: point(endIndex) });
  });
  return out;
}
