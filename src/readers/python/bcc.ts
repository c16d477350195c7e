import { readFileSync } from "node:fs";
import type { Node } from "web-tree-sitter";
import type { CtypesTypeRef } from "../../ir/layout/ctypes.js";
import type { SourceLoc } from "../../ir/types.js";
import { ScopedNames, boundName, classOf } from "./bpf-objects.js";
import { pathOf } from "./paths.js";
import type { ModuleScope } from "./scope.js";
import { callArgs, dotted, enclosingScope, field, locOf, unparen, walk, within } from "./syntax.js";
import { Evaluator, short, type Value } from "./values.js";

// BCC programs inside Python: the C text given to `BPF(text=...)` (folded
// through the assignments that build it) or named by `BPF(src_file=...)`,
// and what the Python does with its tables: the types it casts perf and
// ring buffer records to, the keys and values it writes and reads.

export interface BccText {
  /** The C program, as far as it is known. */
  text: string;
  /** 1-based Python line where the C text starts, so C lines map back. */
  line: number;
  /** Placeholders left as written because their replacement is computed at run time. */
  unresolved: string[];
  loc: SourceLoc;
  /** For `src_file=`: the file, beside the Python file. */
  srcFile?: string;
  /** For text that starts as a file's (`open(f).read()`, then replaced or appended to): that file, where its C lines are. */
  textFile?: string;
  /**
   * What the program's tables are known by: the C file for `src_file=`,
   * else the Python file and the line of its `BPF(` call.
   */
  program: string;
}

/** A table as `b["name"]` names it, with the programs `b` may be (none when only run time knows). */
export interface TableRef {
  name: string;
  programs: string[];
}

export interface TableUse {
  table: TableRef;
  loc: SourceLoc;
  via: string;
  key?: { ref: CtypesTypeRef; loc: SourceLoc };
  value?: { ref: CtypesTypeRef; loc: SourceLoc };
}

export interface CastUse {
  ref: CtypesTypeRef;
  loc: SourceLoc;
  table?: TableRef;
  method: "ctypes.cast" | "from_buffer_copy";
}

export interface StructUse {
  format: string;
  loc: SourceLoc;
  table?: TableRef;
}

export interface BccUses {
  programs: BccText[];
  tables: TableUse[];
  casts: CastUse[];
  unpacks: StructUse[];
}

export function readBcc(file: string, scope: ModuleScope, recordIndex: (name: string) => number | undefined): BccUses {
  const out: BccUses = { programs: [], tables: [], casts: [], unpacks: [] };
  const evaluator = new Evaluator(scope, recordIndex);
  const texts = new Map<string, Value>();
  // `open(path).read()`: the file is found as `src_file=` is, and read once however many programs fold it.
  const readText = (pathNode: Node): Value => {
    const path = pathOf(pathNode, file, evaluator);
    if (path === undefined) return { k: "unknown", why: `file ${short(pathNode.text)} is computed at run time` };
    let v = texts.get(path);
    if (!v) {
      try {
        v = { k: "str", v: readFileSync(path, "utf8"), unresolved: [], from: path };
      } catch {
        v = { k: "unknown", why: `file ${path} cannot be read` };
      }
      texts.set(path, v);
    }
    return v;
  };
  const functions = new Map<string, Node>();
  // BPF objects by the programs they are (null: only run time knows), and names bound to their tables.
  const objects = new ScopedNames<string | null>((p) => p ?? "");
  const tableAliases = new ScopedNames<TableRef>((t) => `${t.name}\0${t.programs.join("\0")}`);
  const calls = scope.of("call");
  for (const n of scope.of("function_definition")) {
    const name = field(n, "name")?.text;
    if (name && !functions.has(name)) functions.set(name, n);
  }

  // BPF(...) calls and the names they are bound to.
  for (const call of calls) {
    const fn = field(call, "function");
    if (!fn || scope.member(fn, "bcc") !== "BPF") continue;
    const { positional, keywords } = callArgs(call);
    const loc = locOf(file, call);
    const textNode = keywords.get("text") ?? positional[0];
    const srcNode = keywords.get("src_file");
    // A program whose text is not known at all is as computed as a run-time file name.
    let program: string | null = null;
    if (textNode) {
      const variants = foldVariants(textNode, call, scope, recordIndex, loc, readText);
      if (variants.some((v) => v.text.trim() !== "")) program = `${file}:${loc.line}`;
      for (const v of variants) out.programs.push({ ...v, program: program ?? "" });
    } else if (srcNode) {
      const path = pathOf(srcNode, file, evaluator);
      if (path !== undefined) {
        program = path;
        out.programs.push({ text: "", line: 1, unresolved: [], loc, srcFile: program, program });
      } else {
        // Whichever file run time names: no table of it is known, and none of another file stands in.
        out.programs.push({ text: "", line: 1, unresolved: [`src_file ${short(srcNode.text)} is computed at run time`], loc, program: "" });
      }
    }
    const name = boundName(call);
    if (name) objects.add(name, call, program);
  }

  /** `b["x"]`, `b.get_table("x")` on a BPF object, or a name bound to one of those. */
  const tableName = (n: Node): TableRef | undefined => {
    const x = unparen(n);
    const named = (obj: Node | null | undefined, key: Node | null | undefined): TableRef | undefined => {
      const bound = obj ? objects.at(obj) : undefined;
      if (bound === undefined || !key) return undefined;
      const programs = bound.filter((p): p is string => p !== null);
      const k = evaluator.eval(key);
      return k.k === "str" ? { name: k.v, programs } : undefined;
    };
    if (x.type === "subscript") return named(field(x, "value"), field(x, "subscript"));
    if (x.type === "call") {
      const fn = field(x, "function");
      if (fn?.type === "attribute" && field(fn, "attribute")?.text === "get_table") return named(field(fn, "object"), callArgs(x).positional[0]);
    }
    const tables = tableAliases.at(x);
    if (!tables?.length) return undefined;
    // One table under one name, from whichever of the programs.
    const names = new Set(tables.map((t) => t.name));
    return names.size === 1 ? { name: tables[0]!.name, programs: [...new Set(tables.flatMap((t) => t.programs))] } : undefined;
  };

  // `events = b["events"]`: later uses go through the alias.
  for (const n of scope.of("assignment")) {
    const left = field(n, "left");
    const right = field(n, "right");
    const d = left && dotted(left);
    const t = right && tableName(right);
    if (d && t) tableAliases.add(d, n, t);
    // `dist = b.get_table("dist")` is a use of the table even when nothing is called on it.
    if (t && right && unparen(right).type !== "identifier") out.tables.push({ table: t, loc: locOf(file, right), via: "BPF table" });
  }

  const constructed = (n: Node, inside: Node): CtypesTypeRef | undefined => {
    let x = unparen(n);
    if (x.type === "identifier") {
      const bound = lastAssignment(scope, x.text, inside, x);
      if (!bound) return undefined;
      x = unparen(bound);
    }
    if (x.type !== "call") return undefined;
    const fn = field(x, "function");
    const t = fn && evaluator.eval(fn);
    return t?.k === "type" ? t.ref : undefined;
  };

  for (const call of calls) {
    const fn = field(call, "function");
    if (fn?.type !== "attribute") continue;
    const method = field(fn, "attribute")?.text;
    const obj = field(fn, "object")!;
    const table = tableName(obj);
    if (table === undefined) continue;
    const loc = locOf(file, call);
    if (method === "open_perf_buffer" || method === "open_ring_buffer") {
      out.tables.push({ table, loc, via: method });
      const cb = callArgs(call).keywords.get("callback") ?? callArgs(call).positional[0];
      const body = cb && callbackBody(cb, scope, functions);
      if (body) collectDecodes(body, file, scope, evaluator, out, table);
    } else out.tables.push({ table, loc, via: method ?? "table" });
  }

  for (const n of scope.of("subscript")) {
    const obj = field(n, "value");
    const key = field(n, "subscript");
    const table = obj && tableName(obj);
    if (table === undefined || !key) continue;
    const inside = enclosingScope(n);
    const use: TableUse = { table, loc: locOf(file, n), via: "BPF table" };
    const k = constructed(key, inside);
    if (k) use.key = { ref: k, loc: locOf(file, key) };
    const parent = n.parent;
    if (parent?.type === "assignment" && field(parent, "left")?.id === n.id) {
      const right = field(parent, "right");
      const v = right && constructed(right, inside);
      if (v) use.value = { ref: v, loc: locOf(file, right!) };
    }
    out.tables.push(use);
  }

  // Casts outside any buffer callback still say what the bytes are.
  const seen = new Set(out.casts.map((c) => `${c.loc.line}:${c.loc.column}`));
  const loose: BccUses = { programs: [], tables: [], casts: [], unpacks: [] };
  collectDecodes(scope.root, file, scope, evaluator, loose, undefined);
  for (const c of loose.casts) if (!seen.has(`${c.loc.line}:${c.loc.column}`)) out.casts.push(c);
  return out;
}

/** The function a callback argument names: `f`, `self.f`, `partial(f, ...)`, a lambda. */
function callbackBody(cb: Node, scope: ModuleScope, functions: Map<string, Node>): Node | undefined {
  const x = unparen(cb);
  if (x.type === "lambda") return x;
  if (x.type === "call") {
    const fn = field(x, "function");
    const isPartial = fn && (scope.member(fn, "functools") === "partial" || dotted(fn) === "partial");
    const first = callArgs(x).positional[0];
    return isPartial && first ? callbackBody(first, scope, functions) : undefined;
  }
  const d = dotted(x);
  if (!d) return undefined;
  return functions.get(d.slice(d.lastIndexOf(".") + 1));
}

function collectDecodes(body: Node, file: string, scope: ModuleScope, evaluator: Evaluator, out: BccUses, table: TableRef | undefined): void {
  for (const n of scope.of("call")) {
    if (!within(n, body)) continue;
    const fn = field(n, "function");
    if (!fn) continue;
    const { positional } = callArgs(n);
    if (scope.member(fn, "ctypes") === "cast" && positional[1]) {
      const t = evaluator.eval(positional[1]);
      if (t.k === "type" && t.ref.kind === "pointer" && t.ref.to) out.casts.push({ ref: t.ref.to, loc: locOf(file, n), table, method: "ctypes.cast" });
      continue;
    }
    const s = scope.member(fn, "struct");
    if ((s === "unpack" || s === "unpack_from" || s === "Struct" || s === "iter_unpack") && positional[0]) {
      const f = evaluator.eval(positional[0]);
      if (f.k === "str" && f.unresolved.length === 0) out.unpacks.push({ format: f.v, loc: locOf(file, n), table });
      continue;
    }
    if (fn.type === "attribute" && field(fn, "attribute")?.text === "from_buffer_copy") {
      const t = evaluator.eval(field(fn, "object")!);
      if (t.k === "type" && t.ref.kind === "record") out.casts.push({ ref: t.ref, loc: locOf(file, n), table, method: "from_buffer_copy" });
    }
  }
}

/** The right-hand side of the last `name = ...` in the scope `inside` before `before`. */
function lastAssignment(scope: ModuleScope, name: string, inside: Node, before: Node): Node | undefined {
  let found: Node | undefined;
  for (const n of scope.of("assignment")) {
    if (n.startIndex >= before.startIndex) break;
    if (within(n, inside) && field(n, "left")?.text === name) found = field(n, "right");
  }
  return found;
}

/** Most programs one `BPF(text=...)` is read as: each is one more C read. */
const MAX_VARIANTS = 6;

/**
 * The programs a `BPF(text=X)` may be given, where X takes `a if c else b`
 * (`.replace("DEFINE_X", "#define X" if args.x else "")`): every first
 * branch, every second branch, and each first-branch program with one
 * choice flipped, so a table under `#ifdef X` and one under `#ifndef X` are
 * both known. The first is the program reported on; the rest add tables.
 */
function foldVariants(
  node: Node,
  call: Node,
  scope: ModuleScope,
  recordIndex: (name: string) => number | undefined,
  loc: SourceLoc,
  readText: (path: Node) => Value,
): Omit<BccText, "program">[] {
  const seen: number[] = [];
  const first = foldText(node, call, scope, recordIndex, loc, readText, (n) => {
    if (!seen.includes(n.id)) seen.push(n.id);
    return 0;
  });
  if (seen.length === 0) return [first];
  const picks: Set<number>[] = [new Set(seen), ...seen.map((id) => new Set([id]))];
  const out = [first];
  for (const flip of picks) {
    if (out.length >= MAX_VARIANTS) break;
    const v = foldText(node, call, scope, recordIndex, loc, readText, (n) => (flip.has(n.id) ? 1 : 0));
    if (!out.some((o) => o.text === v.text)) out.push({ ...v, unresolved: [] });
  }
  return out;
}

/**
 * The text a `BPF(text=X)` gets: X folded through every assignment to it in
 * the calling function (and the module, when it starts there; for
 * `self.text`, anywhere in the class), in source order, and so on for the
 * local names those assignments use. Text appended to what only run time
 * knows (`open(f).read()`) is kept, with the unknown part said.
 */
function foldText(
  node: Node,
  call: Node,
  scope: ModuleScope,
  recordIndex: (name: string) => number | undefined,
  loc: SourceLoc,
  readText: (path: Node) => Value,
  branch: (n: Node) => 0 | 1,
): Omit<BccText, "program"> {
  const x = unparen(node);
  const lookup = (name: string, at: Node, depth: number): Value | undefined => {
    if (depth > 4) return undefined;
    return fold(name, at, depth + 1)?.value;
  };
  const fold = (name: string, before: Node, depth: number): { value: Value; line: number; unresolved: string[] } | undefined => {
    const fnScope = enclosingScope(before);
    // `self.text` set in setUp and used in a test method: any method of the class.
    const cls = name.startsWith("self.") ? classOf(before) : undefined;
    // A class attribute (`text = """..."""` in the class body) is what `self.text` reads until a method sets it.
    const classAttr = (n: Node): boolean => cls !== undefined && field(n, "left")?.text === name.slice(5) && classOf(n)?.id === cls.id && enclosingScope(n).type === "module";
    const steps = [...scope.of("assignment"), ...scope.of("augmented_assignment")]
      .filter((n) => classAttr(n) || (field(n, "left")?.text === name && (cls ? classOf(n)?.id === cls.id : n.startIndex < before.startIndex)))
      .filter((n) => {
        if (cls) return true;
        const s = enclosingScope(n);
        return s.id === fnScope.id || (s.type === "module" && fnScope.type !== "module");
      })
      .sort((a, b) => a.startIndex - b.startIndex);
    if (steps.length === 0) return undefined;
    let state: Value | undefined;
    let line = call.startPosition.row + 1;
    const unresolved: string[] = [];
    for (const a of steps) {
      const right = field(a, "right");
      if (!right) continue;
      const current = state;
      // The name being folded is its state so far, but not a namesake inside a function the step calls.
      const here = enclosingScope(a).id;
      const ev = new Evaluator(scope, recordIndex, { lookup: (nm, at) => (nm === name && enclosingScope(at).id === here ? current : lookup(nm, at, depth)), branch, readText });
      let v = ev.eval(right);
      if (a.type === "augmented_assignment") {
        if (a.child(1)?.type !== "+=") continue;
        // Appended to text only run time knows (`open(f).read()`): the literal parts still define tables.
        const base: Value & { k: "str" } = state?.k === "str" ? state : { k: "str", v: "", unresolved: [] };
        v = v.k === "str" ? { ...base, v: base.v + v.v, unresolved: [...base.unresolved, ...v.unresolved] } : { ...base, unresolved: [...base.unresolved, `${short(right.text)} is appended at run time`] };
        if (!state || state.k !== "str") line = firstLiteralLine(right);
      }
      if (v.k === "str") {
        if (!state) line = firstLiteralLine(right);
        state = v;
      } else if (v.k === "unknown") {
        unresolved.push(`${name} = ${short(right.text)}: ${v.why}`);
        // Text already folded stays (`prog = prog.replace(*r)`); text only run time gives is unknown.
        if (state?.k !== "str") state = v;
      }
    }
    if (state?.k !== "str" && depth === 0) whyNot = unresolved;
    return state?.k === "str" ? { value: state, line, unresolved } : undefined;
  };
  if (x.type !== "identifier" && !(x.type === "attribute" && x.text.startsWith("self."))) {
    const v = new Evaluator(scope, recordIndex, { lookup: (nm, at) => lookup(nm, at, 0), branch, readText }).eval(x);
    return asText(v, v.k === "str" ? firstLiteralLine(x) : call.startPosition.row + 1, loc);
  }
  // Why the name folded to no text (`text = open(sys.argv[1]).read()`), said instead of its absence.
  let whyNot: string[] = [];
  const folded = fold(x.text, call, 0);
  if (!folded) return { text: "", line: call.startPosition.row + 1, unresolved: whyNot.length ? whyNot : [`${x.text}: no string value found before the call`], loc };
  const text = asText(folded.value, folded.line, loc);
  return { ...text, unresolved: [...text.unresolved, ...folded.unresolved] };
}

function asText(v: Value, line: number, loc: SourceLoc): Omit<BccText, "program"> {
  // Text read from a file is placed at that file's lines; replacements that add lines shift what follows them.
  if (v.k === "str" && v.from) return { text: v.v, line: 1, unresolved: [...new Set(v.unresolved)], loc, textFile: v.from };
  if (v.k === "str") return { text: v.v, line, unresolved: [...new Set(v.unresolved)], loc };
  return { text: "", line, unresolved: [v.k === "unknown" ? v.why : "not a string"], loc };
}

/** Where the first string literal inside an expression starts: its C line 1. */
function firstLiteralLine(n: Node): number {
  let line: number | undefined;
  walk(n, (c) => {
    if (line !== undefined) return false;
    if (c.type === "string") line = c.startPosition.row + 1;
    return line === undefined;
  });
  return line ?? n.startPosition.row + 1;
}
