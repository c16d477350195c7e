import type { Node } from "web-tree-sitter";
import { GoLayoutError, isGoBasicName, type GoArch, type GoLayout, type GoType } from "../../ir/layout/go.js";
import type { SourceLoc } from "../../ir/types.js";
import type { Scope } from "./decls.js";
import { field, unparen } from "./syntax.js";

// Go integer constant expressions, as far as array lengths and map sizes use
// them: literals, iota, named constants, arithmetic, conversions, and
// unsafe.Sizeof/Alignof/Offsetof, whose values depend on the machine.
// binary.Size is not a Go constant but is evaluated here too when asked
// (`KeySize: uint32(binary.Size(Key{}))`).

export interface ConstSpec {
  /** The expression that gives the value (repeated from an earlier spec when omitted). */
  expr: Node;
  iota: number;
}

export interface ConstContext {
  file: string;
  /** The file's syntax tree, where a failure has no node of its own. */
  root: Node;
  constSpec(name: string): ConstSpec | undefined;
  /** A constant declared in another file of the package. */
  outside?(name: string, arch: GoArch): bigint | undefined;
  /** `pkg.Name`: a constant another package of the module exports. */
  imported?(local: string, name: string, arch: GoArch): bigint | undefined;
  /** The local name of an imported package path, when imported. */
  isPackage(local: string, path: string): boolean;
  isTypeName(name: string): boolean;
  exprType(expr: Node, scope?: Scope): GoType | undefined;
  layout(arch: GoArch): GoLayout;
  loc(node: Node): SourceLoc;
}

const MAX_DEPTH = 64;

export class ConstEvaluator {
  private readonly memo = new Map<string, bigint>();
  private readonly busy = new Set<string>();
  /** Where the expression being evaluated sits, for the types of local variables. */
  private scope?: Scope;
  /**
   * Values that asked nothing of the machine, by node: an array's length is
   * asked for on every architecture, and `[16]byte` is 16 on all of them.
   */
  private readonly anyMachine = new Map<number, bigint>();
  /** Whether the evaluation under way asked for a layout or a named constant, whose value may differ by machine. */
  private machine = false;

  constructor(private readonly ctx: ConstContext) {}

  /** The value of `node`; `runtime` admits binary.Size, which Go computes at run time. */
  value(node: Node, arch: GoArch, opts: { runtime?: boolean; scope?: Scope } = {}): bigint {
    const known = this.anyMachine.get(node.id);
    if (known !== undefined) return known;
    const outer = this.scope;
    const outerMachine = this.machine;
    this.scope = opts.scope;
    this.machine = false;
    try {
      const v = this.eval(node, arch, 0, opts.runtime ?? false, 0);
      if (!this.machine) this.anyMachine.set(node.id, v);
      return v;
    } finally {
      this.scope = outer;
      this.machine ||= outerMachine;
    }
  }

  private layout(arch: GoArch): GoLayout {
    this.machine = true;
    return this.ctx.layout(arch);
  }

  /** The value of a constant this file declares, for the other files of its package. */
  constant(name: string, arch: GoArch): bigint | undefined {
    return this.ctx.constSpec(name) ? this.named(name, undefined, arch, 0, false) : undefined;
  }

  private fail(message: string, node: Node): never {
    throw new GoLayoutError(message, this.ctx.loc(node));
  }

  private named(name: string, node: Node | undefined, arch: GoArch, depth: number, runtime: boolean): bigint {
    // Memoized per machine, and perhaps from another file: taken as the machine's.
    this.machine = true;
    const key = `${arch}:${name}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const spec = this.ctx.constSpec(name);
    if (!spec) {
      const v = this.ctx.outside?.(name, arch);
      if (v !== undefined) return v;
      return this.fail(`${name} is not a constant declared in this package`, node ?? this.ctx.root);
    }
    if (this.busy.has(key)) this.fail(`constant ${name} refers to itself`, node ?? spec.expr);
    this.busy.add(key);
    try {
      const v = this.eval(spec.expr, arch, spec.iota, runtime, depth + 1);
      this.memo.set(key, v);
      return v;
    } finally {
      this.busy.delete(key);
    }
  }

  private eval(raw: Node, arch: GoArch, iota: number, runtime: boolean, depth: number): bigint {
    if (depth > MAX_DEPTH) this.fail(`constant expression nested deeper than ${MAX_DEPTH}`, raw);
    const node = unparen(raw);
    const sub = (n: Node | undefined): bigint => {
      if (!n) this.fail("incomplete constant expression", node);
      return this.eval(n, arch, iota, runtime, depth + 1);
    };
    switch (node.type) {
      case "int_literal":
        return parseIntLiteral(node.text) ?? this.fail(`bad integer literal ${node.text}`, node);
      case "float_literal": {
        // Go accepts `[1e3]byte`: a float constant with an integer value.
        const v = Number(node.text.replace(/_/g, ""));
        if (!Number.isSafeInteger(v)) this.fail(`${node.text} is not an integer constant`, node);
        return BigInt(v);
      }
      case "rune_literal":
        return parseRune(node.text) ?? this.fail(`bad rune literal ${node.text}`, node);
      case "iota":
        return BigInt(iota);
      case "identifier":
        if (node.text === "iota") return BigInt(iota);
        return this.named(node.text, node, arch, depth, runtime);
      case "unary_expression": {
        const op = field(node, "operator")?.text;
        const v = sub(field(node, "operand"));
        if (op === "-") return -v;
        if (op === "+") return v;
        if (op === "^") return -v - 1n;
        return this.fail(`operator ${op ?? "?"} in a constant expression`, node);
      }
      case "binary_expression": {
        const op = field(node, "operator")?.text;
        const a = sub(field(node, "left"));
        const b = sub(field(node, "right"));
        switch (op) {
          case "+":
            return a + b;
          case "-":
            return a - b;
          case "*":
            return a * b;
          case "/":
          case "%":
            if (b === 0n) this.fail("division by zero in a constant expression", node);
            return op === "/" ? a / b : a % b;
          case "<<":
            if (b < 0n || b > 1024n) this.fail(`shift count ${b} out of range`, node);
            return a << b;
          case ">>":
            if (b < 0n) this.fail(`negative shift count ${b}`, node);
            return a >> (b > 1024n ? 1024n : b);
          case "&":
            return a & b;
          case "|":
            return a | b;
          case "^":
            return a ^ b;
          case "&^":
            return a & ~b;
          default:
            return this.fail(`operator ${op ?? "?"} in a constant expression`, node);
        }
      }
      case "call_expression":
        return this.call(node, arch, iota, runtime, depth);
      case "selector_expression": {
        const pkg = field(node, "operand");
        const name = field(node, "field")?.text;
        this.machine = true;
        const v = pkg?.type === "identifier" && name ? this.ctx.imported?.(pkg.text, name, arch) : undefined;
        if (v !== undefined) return v;
        return this.fail(`cannot evaluate \`${clip(node.text)}\` as a constant: no package of this module in the tree declares it`, node);
      }
      case "type_conversion_expression":
        return sub(field(node, "operand"));
      default:
        return this.fail(`cannot evaluate ${node.type.replace(/_/g, " ")} \`${clip(node.text)}\` as a constant`, node);
    }
  }

  private call(node: Node, arch: GoArch, iota: number, runtime: boolean, depth: number): bigint {
    const fn = unparen(field(node, "function") ?? node);
    const args = field(node, "arguments")?.namedChildren ?? [];
    const arg = args[0];
    if (!arg || args.length !== 1) this.fail(`cannot evaluate \`${clip(node.text)}\` as a constant`, node);
    if (fn.type === "selector_expression") {
      const pkg = field(fn, "operand");
      const name = field(fn, "field")?.text;
      if (pkg?.type === "identifier" && this.ctx.isPackage(pkg.text, "unsafe")) {
        const layout = this.layout(arch);
        if (name === "Offsetof") return BigInt(this.offsetof(arg, layout));
        const t = this.argType(arg);
        if (name === "Sizeof") return BigInt(layout.shape(t).size);
        if (name === "Alignof") return BigInt(layout.shape(t).align);
      }
      if (pkg?.type === "identifier" && this.ctx.isPackage(pkg.text, "encoding/binary") && name === "Size" && runtime) {
        const t = this.argType(arg, true);
        const size = this.layout(arch).binarySize(t);
        if (size === undefined) this.fail(`binary.Size(${clip(arg.text)}) is -1: encoding/binary refuses the type`, node);
        return BigInt(size);
      }
    }
    // A conversion: uint32(x), int(unsafe.Sizeof(k)), Size(4).
    if ((fn.type === "identifier" || fn.type === "type_identifier") && (isGoBasicName(fn.text) || this.ctx.isTypeName(fn.text))) {
      return this.eval(arg, arch, iota, runtime, depth + 1);
    }
    return this.fail(`cannot evaluate \`${clip(node.text)}\` as a constant`, node);
  }

  /** The type of an operand of Sizeof; binary.Size looks through one pointer. */
  private argType(arg: Node, deref = false): GoType {
    let t = this.ctx.exprType(arg, this.scope);
    if (!t) this.fail(`cannot tell the type of \`${clip(arg.text)}\``, arg);
    if (deref && t.kind === "pointer" && t.elem) t = t.elem;
    return t;
  }

  private offsetof(arg: Node, layout: GoLayout): number {
    const sel = unparen(arg);
    const operand = sel.type === "selector_expression" ? field(sel, "operand") : undefined;
    const name = sel.type === "selector_expression" ? field(sel, "field")?.text : undefined;
    if (!operand || !name) this.fail("unsafe.Offsetof needs a field selector", arg);
    let t = this.ctx.exprType(operand, this.scope);
    for (let i = 0; t && i < MAX_DEPTH; i++) {
      if (t.kind === "named") t = t.target;
      else if (t.kind === "pointer" && t.elem) t = t.elem;
      else break;
    }
    if (t?.kind === "struct") {
      const i = t.fields.findIndex((f) => f.name === name);
      const offset = layout.offsets(t)[i];
      if (offset !== undefined) return offset;
    }
    return this.fail(`cannot find field ${name} of \`${clip(operand.text)}\``, arg);
  }
}

function parseIntLiteral(text: string): bigint | undefined {
  const t = text.replace(/_/g, "");
  try {
    if (/^0[oO][0-7]+$/.test(t)) return BigInt(`0o${t.slice(2)}`);
    if (/^0[0-7]+$/.test(t)) return BigInt(`0o${t.slice(1)}`);
    if (/^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)$/.test(t)) return BigInt(t);
  } catch {
    return undefined;
  }
  return undefined;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, "'": 39, '"': 34 };

function parseRune(text: string): bigint | undefined {
  const body = text.slice(1, -1);
  if (!body.startsWith("\\")) {
    const cp = body.codePointAt(0);
    return cp === undefined ? undefined : BigInt(cp);
  }
  const c = body[1] ?? "";
  if (c in ESCAPES) return BigInt(ESCAPES[c] ?? 0);
  const m = /^\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{3}))$/.exec(body);
  if (!m) return undefined;
  if (m[4]) return BigInt(parseInt(m[4], 8));
  return BigInt(parseInt(m[1] ?? m[2] ?? m[3] ?? "0", 16));
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, " ");
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
