import type { Node } from "web-tree-sitter";
import { CTYPES_SCALARS, type CtypesTypeRef } from "../../ir/layout/ctypes.js";
import type { ModuleScope } from "./scope.js";
import { callArgs, enclosingScope, field, intLiteral, stringLiteral, unparen, walk } from "./syntax.js";

// Constant folding over the little Python that declarations use: integers
// and their arithmetic, strings with `+`, `%` and `.replace`, and ctypes
// types (`c_char * LEN`, `POINTER(T)`, another class). What only run time
// knows is `unknown`, with the reason; strings keep the parts that are known.
// A string that starts as a file's text (`open(f).read()`) keeps the file's
// name in `from`, so the C in it is placed at that file's lines.

export type Value =
  | { k: "int"; v: number }
  | { k: "str"; v: string; unresolved: string[]; from?: string }
  | { k: "type"; ref: CtypesTypeRef }
  | { k: "unknown"; why: string };

const MAX_DEPTH = 48;

/** What a caller folding program text knows beyond module constants. */
export interface EvalHooks {
  /** Values the caller knows for a name at a place (a string being folded), before module constants. */
  lookup?: (name: string, at: Node) => Value | undefined;
  /** Which branch of `a if c else b` to take: 0 for `a` (the default), 1 for `b`. */
  branch?: (n: Node) => 0 | 1;
  /** The text of the file a path expression names (`open(path).read()`). */
  readText?: (path: Node) => Value;
}

export class Evaluator {
  private readonly lookup?: (name: string, at: Node) => Value | undefined;
  private readonly branch?: (n: Node) => 0 | 1;
  private readonly readText?: (path: Node) => Value;

  constructor(
    private readonly scope: ModuleScope,
    /** The record index of a ctypes class, by its name. */
    private readonly recordIndex: (name: string) => number | undefined,
    hooks: EvalHooks = {},
  ) {
    this.lookup = hooks.lookup;
    this.branch = hooks.branch;
    this.readText = hooks.readText;
  }

  eval(node: Node, depth = 0): Value {
    if (depth > MAX_DEPTH) return { k: "unknown", why: "expression nested too deep" };
    const n = unparen(node);
    const ct = this.scope.member(n, "ctypes");
    if (ct !== undefined) {
      if (Object.hasOwn(CTYPES_SCALARS, ct)) return { k: "type", ref: { kind: "scalar", name: ct } };
      return { k: "unknown", why: `ctypes.${ct} is not a type` };
    }
    switch (n.type) {
      case "integer": {
        const v = intLiteral(n);
        return v === undefined ? { k: "unknown", why: `integer ${n.text} too large` } : { k: "int", v };
      }
      case "string": {
        const v = stringLiteral(n);
        return v === undefined ? { k: "unknown", why: "an f-string" } : { k: "str", v, unresolved: [] };
      }
      case "concatenated_string": {
        let v = "";
        const unresolved: string[] = [];
        for (const part of n.namedChildren) {
          const s = stringLiteral(part);
          if (s === undefined) unresolved.push(`f-string at line ${part.startPosition.row + 1}`);
          else v += s;
        }
        return { k: "str", v, unresolved };
      }
      case "identifier":
        return this.name(n, depth);
      case "attribute": {
        // `self.bpf_text`: only what the caller folds for it.
        const bound = this.lookup?.(n.text, n);
        return bound ?? { k: "unknown", why: `${short(n.text)} is not constant` };
      }
      case "unary_operator": {
        const arg = field(n, "argument");
        const v = arg && this.eval(arg, depth + 1);
        if (v?.k === "int" && n.child(0)?.type === "-") return { k: "int", v: -v.v };
        if (v?.k === "int" && n.child(0)?.type === "+") return v;
        return { k: "unknown", why: `${n.text} is not constant` };
      }
      case "binary_operator":
        return this.binary(n, depth);
      case "call":
        return this.call(n, depth);
      case "conditional_expression": {
        // `"#define X" if args.x else ""`: by default the branch that
        // enables the feature, whose maps the Python then uses under the
        // same test; a caller reading every program asks for the other too.
        const taken = n.namedChildren[this.branch?.(n) === 1 ? 2 : 0];
        return taken ? this.eval(taken, depth + 1) : { k: "unknown", why: "incomplete expression" };
      }
      default:
        return { k: "unknown", why: `${n.type.replace(/_/g, " ")} ${short(n.text)} is not constant` };
    }
  }

  /** Module constants already folded, and those being folded (a name defined through itself). */
  private readonly cache = new Map<string, Value>();
  private readonly active = new Set<string>();

  private name(n: Node, depth: number): Value {
    const index = this.recordIndex(n.text);
    if (index !== undefined) return { k: "type", ref: { kind: "record", index } };
    const bound = this.lookup?.(n.text, n);
    if (bound) return bound;
    const known = this.cache.get(n.text);
    if (known) return known;
    if (this.active.has(n.text)) return { k: "unknown", why: `${n.text} is defined through itself` };
    this.active.add(n.text);
    const v = this.constant(n.text, depth);
    this.active.delete(n.text);
    this.cache.set(n.text, v);
    return v;
  }

  private constant(name: string, depth: number): Value {
    const assigns = this.scope.assigns.get(name);
    if (assigns?.length === 1) return this.eval(assigns[0]!, depth + 1);
    if (assigns && assigns.length > 1) {
      // A name assigned more than once is constant only if every value agrees.
      const values = assigns.map((a) => this.eval(a, depth + 1));
      const first = JSON.stringify(values[0]);
      if (values.every((v) => JSON.stringify(v) === first)) return values[0]!;
      return { k: "unknown", why: `${name} is assigned more than once` };
    }
    return { k: "unknown", why: `${name} is not a module constant` };
  }

  private binary(n: Node, depth: number): Value {
    const l = field(n, "left");
    const r = field(n, "right");
    const op = field(n, "operator")?.type ?? n.child(1)?.type;
    if (!l || !r) return { k: "unknown", why: "incomplete expression" };
    const a = this.eval(l, depth + 1);
    const b = this.eval(r, depth + 1);
    if (op === "*" && a.k === "type" && b.k === "int") return { k: "type", ref: { kind: "array", elem: a.ref, count: b.v } };
    if (op === "*" && a.k === "int" && b.k === "type") return { k: "type", ref: { kind: "array", elem: b.ref, count: a.v } };
    if (a.k === "int" && b.k === "int") {
      const v = intOp(op, a.v, b.v);
      return v === undefined ? { k: "unknown", why: `${short(n.text)} is not constant` } : { k: "int", v };
    }
    if (op === "+" && (a.k === "str" || b.k === "str")) {
      const sa = a.k === "str" ? a : undefined;
      const sb = b.k === "str" ? b : undefined;
      const unresolved = [...(sa?.unresolved ?? [why(a, l)]), ...(sb?.unresolved ?? [why(b, r)])];
      return { k: "str", v: (sa?.v ?? "") + (sb?.v ?? ""), unresolved, ...(sa?.from ? { from: sa.from } : {}) };
    }
    if (op === "%" && a.k === "str") return this.format(a, r, depth);
    if (a.k === "unknown") return a;
    if (b.k === "unknown") return b;
    return { k: "unknown", why: `${short(n.text)} is not constant` };
  }

  private format(a: { v: string; unresolved: string[]; from?: string }, argNode: Node, depth: number): Value {
    const rn = unparen(argNode);
    const args = rn.type === "tuple" ? rn.namedChildren : [rn];
    const values = args.map((x) => this.eval(x, depth + 1));
    const missing = values.findIndex((v) => v.k !== "int" && v.k !== "str");
    if (missing >= 0) return { ...a, k: "str", unresolved: [...a.unresolved, `'%' argument ${short(args[missing]!.text)} is computed at run time`] };
    const out = percentFormat(a.v, values as ({ k: "int"; v: number } | { k: "str"; v: string })[]);
    if (out === undefined) return { ...a, k: "str", unresolved: [...a.unresolved, "'%' formatting with a mapping or a mismatched count"] };
    return { ...a, k: "str", v: out };
  }

  private call(n: Node, depth: number): Value {
    const fn = field(n, "function");
    if (!fn) return { k: "unknown", why: "a call" };
    const { positional } = callArgs(n);
    const ct = this.scope.member(fn, "ctypes");
    if (ct === "POINTER" && positional[0]) {
      const to = this.eval(positional[0], depth + 1);
      return to.k === "type" ? { k: "type", ref: { kind: "pointer", to: to.ref } } : { k: "type", ref: { kind: "pointer" } };
    }
    const f = unparen(fn);
    if (f.type === "attribute" && field(f, "attribute")?.text === "replace" && positional.length >= 2) {
      const obj = field(f, "object")!;
      const base = this.eval(obj, depth + 1);
      if (base.k !== "str") return base.k === "unknown" ? base : { k: "unknown", why: "replace on a non-string" };
      const from = this.eval(positional[0]!, depth + 1);
      const to = this.eval(positional[1]!, depth + 1);
      if (from.k !== "str") return { ...base, unresolved: [...base.unresolved, `replace of ${short(positional[0]!.text)}`] };
      if (to.k !== "str" || to.unresolved.length) {
        return { ...base, unresolved: [...base.unresolved, `${JSON.stringify(from.v)} is replaced by ${short(positional[1]!.text)}, computed at run time`] };
      }
      return { ...base, v: base.v.split(from.v).join(to.v) };
    }
    if (this.readText && f.type === "attribute" && field(f, "attribute")?.text === "read" && positional.length === 0) {
      const path = this.opened(field(f, "object")!, n);
      if (path) return this.readText(path);
    }
    // `c = _embedded_c(args)`: what the file's own function returns, when folding text.
    const returned = this.lookup && f.type === "identifier" ? this.returnOf(f.text, depth) : undefined;
    if (returned) return returned;
    return { k: "unknown", why: `${short(f.text)}(...) is computed at run time` };
  }

  private readonly calling = new Set<string>();

  /**
   * The string a module-level function of this file returns: its first
   * `return` whose value folds to text, the names in it folded in the
   * function as the caller folds its own. Parameters stay unknown, so the
   * text keeps their placeholders.
   */
  private returnOf(name: string, depth: number): Value | undefined {
    const fn = this.scope.of("function_definition").find((d) => field(d, "name")?.text === name && enclosingScope(d).type === "module" && d.parent?.parent?.type !== "class_definition");
    const body = fn && field(fn, "body");
    if (!body || this.calling.has(name)) return undefined;
    this.calling.add(name);
    try {
      let found: Value | undefined;
      walk(body, (x) => {
        if (found || x.type === "function_definition" || x.type === "class_definition" || x.type === "lambda") return false;
        if (x.type !== "return_statement") return true;
        const value = x.namedChildren[0];
        const v = value && this.eval(value, depth + 1);
        if (v?.k === "str") found = v;
        return false;
      });
      return found;
    } finally {
      this.calling.delete(name);
    }
  }

  /**
   * The path argument of the `open(...)` a file object comes from: the call
   * itself, or the name `with open(p) as f` or `f = open(p)` binds, in the
   * same function (or the module) before `at`.
   */
  private opened(obj: Node, at: Node): Node | undefined {
    const x = unparen(obj);
    if (x.type === "call") return isOpen(x) ? callArgs(x).positional[0] : undefined;
    if (x.type !== "identifier") return undefined;
    const here = enclosingScope(at);
    let found: Node | undefined;
    const bindings: [Node, Node | undefined][] = [
      ...this.scope.of("as_pattern").map((p): [Node, Node | undefined] => [p, field(p, "alias")]),
      ...this.scope.of("assignment").map((a): [Node, Node | undefined] => [a, field(a, "left")]),
    ];
    for (const [b, name] of bindings) {
      if (b.startIndex >= at.startIndex || name?.text !== x.text) continue;
      const s = enclosingScope(b);
      if (s.id !== here.id && s.type !== "module") continue;
      const value = b.type === "as_pattern" ? b.namedChildren[0] : field(b, "right");
      if (value && unparen(value).type === "call" && isOpen(unparen(value)) && (!found || b.startIndex > found.startIndex)) found = unparen(value);
    }
    return found ? callArgs(found).positional[0] : undefined;
  }
}

/** `open(...)`, `io.open(...)`, `codecs.open(...)`. */
function isOpen(call: Node): boolean {
  const fn = field(call, "function");
  return fn !== undefined && /^(?:(?:io|codecs)\.)?open$/.test(fn.text);
}

function why(v: Value, n: Node): string {
  return v.k === "unknown" ? v.why : `${short(n.text)} is not a string`;
}

function intOp(op: string | undefined, a: number, b: number): number | undefined {
  let v: number;
  switch (op) {
    case "+": v = a + b; break;
    case "-": v = a - b; break;
    case "*": v = a * b; break;
    case "//": if (b === 0) return undefined; v = Math.floor(a / b); break;
    case "%": if (b === 0) return undefined; v = ((a % b) + b) % b; break;
    case "<<": if (b < 0 || b > 52) return undefined; v = a * 2 ** b; break;
    case ">>": if (b < 0) return undefined; v = Math.floor(a / 2 ** b); break;
    case "|": v = Number(BigInt(a) | BigInt(b)); break;
    case "&": v = Number(BigInt(a) & BigInt(b)); break;
    case "**": if (b < 0) return undefined; v = a ** b; break;
    default: return undefined;
  }
  return Number.isSafeInteger(v) ? v : undefined;
}

/** printf-style `%` for the conversions C templates use: %s %d %i %u %x %X %o %c %%. */
export function percentFormat(fmt: string, args: ({ k: "int"; v: number } | { k: "str"; v: string })[]): string | undefined {
  let i = 0;
  let bad = false;
  const out = fmt.replace(/%([-+ #0]*)(\d*)(?:\.(\d+))?([sdiuxXoc%r])/g, (_all, flags: string, width: string, _prec, conv: string) => {
    if (conv === "%") return "%";
    const a = args[i++];
    if (!a) {
      bad = true;
      return "";
    }
    let s: string;
    if (conv === "s" || conv === "r") s = a.k === "str" ? (conv === "r" ? `'${a.v}'` : a.v) : String(a.v);
    else if (a.k !== "int") {
      bad = true;
      return "";
    } else if (conv === "x") s = a.v.toString(16);
    else if (conv === "X") s = a.v.toString(16).toUpperCase();
    else if (conv === "o") s = a.v.toString(8);
    else if (conv === "c") s = String.fromCharCode(a.v);
    else s = String(a.v);
    const w = Number(width || 0);
    if (s.length < w) s = flags.includes("-") ? s.padEnd(w) : s.padStart(w, flags.includes("0") ? "0" : " ");
    return s;
  });
  return bad || i !== args.length ? undefined : out;
}

export function short(text: string): string {
  const one = text.replace(/\s+/g, " ");
  return one.length > 40 ? `${one.slice(0, 37)}...` : one;
}
