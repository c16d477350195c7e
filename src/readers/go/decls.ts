import type { Node } from "web-tree-sitter";
import {
  GoLayout,
  GoLayoutError,
  isGoBasicName,
  underlying,
  type GoArch,
  type GoField,
  type GoLength,
  type GoNamed,
  type GoType,
} from "../../ir/layout/go.js";
import type { SourceLoc } from "../../ir/types.js";
import { ConstEvaluator, type ConstSpec } from "./consts.js";
import type { FieldSource } from "./field-maps.js";
import type { PackageView } from "./package.js";
import { dotted, field, listItems, locOf, Searched, stringValue, unparen } from "./syntax.js";

// The declarations of one Go file, and the types of expressions in it. Types
// are built once per syntax node, so one declaration is one GoType object and
// one node of every graph.

/** A variable as far as this reader follows it: its declared type or the value it was given. */
export interface VarInfo {
  typeNode?: Node;
  value?: Node;
  /** Position of the name on the left of a multi-value assignment (`rd, err := ...`). */
  index: number;
  /** For `rd.ReadInto(&record)`: the reader that fills this variable. */
  filledBy?: Node;
}

export class Scope {
  readonly vars = new Map<string, VarInfo>();
  constructor(readonly parent?: Scope) {}
  lookup(name: string): VarInfo | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }
}

export interface TypeDecl {
  named: GoNamed;
  spec: Node;
}

export interface Problem {
  message: string;
  loc: SourceLoc;
}

const MAX_DEPTH = 64;

const IMPORT_SPECS = new Set(["import_spec"]);
const VAR_SPECS = new Set(["var_spec"]);

export class GoDecls {
  readonly imports = new Map<string, string>();
  readonly types: TypeDecl[] = [];
  readonly fileScope = new Scope();
  readonly problems: Problem[] = [];
  readonly evaluator: ConstEvaluator;
  /** The nodes the reader searches the file for, found once. */
  readonly searched: Searched;
  private readonly named = new Map<string, GoNamed>();
  private readonly consts = new Map<string, ConstSpec>();
  private readonly typeCache = new Map<number, GoType>();
  private readonly unknowns = new Map<string, GoType>();
  private readonly layouts = new Map<GoArch, GoLayout>();
  private readonly basics = new Map<string, GoType>();
  private hostLayout?: GoNamed;
  private exprDepth = 0;
  private readonly resolved = new Set<GoNamed>();

  /**
   * Declarations are read in two steps: names first, then what they denote,
   * so that the other files of a package, read in between (`pkg.adopt`),
   * find this file's names while its types are being resolved.
   */
  constructor(
    readonly file: string,
    readonly root: Node,
    private readonly pkg?: PackageView,
  ) {
    this.searched = new Searched(root);
    this.evaluator = new ConstEvaluator({
      file,
      root,
      constSpec: (name) => this.consts.get(name),
      outside: (name, arch) => this.pkg?.constant(name, arch),
      imported: (local, name, arch) => this.importedPackage(local)?.constant(name, arch),
      isPackage: (local, path) => this.isPackage(local, path),
      isTypeName: (name) => this.named.has(name) || this.pkg?.type(name) !== undefined,
      exprType: (expr, scope) => this.exprType(expr, scope ?? this.fileScope),
      layout: (arch) => this.layout(arch),
      loc: (node) => this.loc(node),
    });
    this.collect();
  }

  /** Resolves what each declared type denotes, once the package has this file. */
  resolve(): this {
    for (const t of this.types) this.resolveDecl(t);
    return this;
  }

  /**
   * What one declared type denotes: another file of the package asks only
   * for the types it uses, so a package is read as far as those reach.
   */
  resolveDeclared(name: string): void {
    const t = this.types.find((x) => x.named.name === name);
    if (t) this.resolveDecl(t);
  }

  // How many declarations are being resolved inside one another: a type
  // names another of the file, which is resolved before it is used.
  private resolving = 0;

  private resolveDecl({ named, spec }: TypeDecl): void {
    if (this.resolved.has(named)) return;
    this.resolved.add(named);
    const typeNode = field(spec, "type");
    if (field(spec, "type_parameters")) {
      named.target = { kind: "unknown", name: `${named.name}[...]`, loc: this.loc(spec) };
      this.problems.push({ message: `generic type ${named.name} has no layout until instantiated`, loc: this.loc(spec) });
    } else if (typeNode) {
      named.target = this.resolveType(typeNode);
    }
  }

  /** A type this file declares. */
  declaredType(name: string): GoNamed | undefined {
    return this.named.get(name);
  }

  /** The package an import of this file names, where it is of this module and in the tree. */
  private importedPackage(local: string): PackageView | undefined {
    const path = this.imports.get(local);
    return path === undefined ? undefined : this.pkg?.imported(path);
  }

  loc(node: Node): SourceLoc {
    return locOf(this.file, node);
  }

  layout(arch: GoArch): GoLayout {
    let l = this.layouts.get(arch);
    if (!l) this.layouts.set(arch, (l = new GoLayout(arch)));
    return l;
  }

  /** Whether `local` names the package at `path` in this file (its default name when imported plainly). */
  /** Where the package's other files set `owner.field`. */
  fieldSourcesElsewhere(owner: string, fieldName: string): FieldSource[] {
    return this.pkg?.fieldSources(owner, fieldName) ?? [];
  }

  isPackage(local: string, path: string): boolean {
    const imported = this.imports.get(local);
    if (imported !== undefined) return imported === path;
    // Files that lost their import block to a syntax error still say `unsafe.Sizeof`.
    return this.imports.size === 0 && local === path.split("/").pop();
  }

  private collect(): void {
    for (const decl of this.root.namedChildren) {
      switch (decl.type) {
        case "import_declaration":
          this.searched.walk(decl, IMPORT_SPECS, (spec) => this.addImport(spec));
          break;
        case "type_declaration":
          for (const spec of decl.namedChildren) {
            if (spec.type !== "type_spec" && spec.type !== "type_alias") continue;
            const name = field(spec, "name");
            if (!name || this.named.has(name.text)) continue;
            const named: GoNamed = {
              kind: "named",
              name: name.text,
              alias: spec.type === "type_alias",
              target: { kind: "unknown", name: name.text },
              loc: this.loc(spec),
            };
            this.named.set(name.text, named);
            this.types.push({ named, spec });
          }
          break;
        case "const_declaration":
          this.addConsts(decl);
          break;
        case "var_declaration":
          addVars(decl, this.fileScope, this.searched);
          break;
      }
    }
  }

  private addImport(spec: Node): void {
    const pathNode = field(spec, "path");
    const path = pathNode ? stringValue(pathNode) : undefined;
    if (path === undefined) return;
    const alias = field(spec, "name")?.text;
    if (alias === "_" || alias === ".") return;
    const base = path.split("/").pop() ?? path;
    // Module paths ending in a major version (`.../v2`) are named after the element before it.
    const local = alias ?? (/^v\d+$/.test(base) ? (path.split("/").slice(-2)[0] ?? base) : base);
    this.imports.set(local, path);
  }

  private addConsts(decl: Node): void {
    let previous: Node[] = [];
    let iota = 0;
    for (const spec of decl.namedChildren) {
      if (spec.type !== "const_spec") continue;
      const values = listItems(field(spec, "value"));
      const exprs = values.length ? values : previous;
      if (values.length) previous = values;
      spec.childrenForFieldName("name").forEach((name, i) => {
        const expr = exprs[i];
        if (name.type === "identifier" && name.text !== "_" && expr) this.consts.set(name.text, { expr, iota });
      });
      iota++;
    }
  }

  /** The expression that gives a file-level constant. */
  constExpr(name: string): Node | undefined {
    return this.consts.get(name)?.expr;
  }

  /** The type a type expression denotes; the same object for the same node. */
  resolveType(node: Node, depth = 0): GoType {
    const known = this.typeCache.get(node.id);
    if (known) return known;
    const t = this.buildType(node, depth);
    this.typeCache.set(node.id, t);
    return t;
  }

  basic(name: string): GoType {
    let t = this.basics.get(name);
    if (!t) {
      if (name === "any" || name === "error") t = { kind: "interface" };
      else if (isGoBasicName(name) || name === "unsafe.Pointer") t = { kind: "basic", name };
      else throw new Error(`not a Go basic type: ${name}`);
      this.basics.set(name, t);
    }
    return t;
  }

  private unknown(name: string, node: Node): GoType {
    let t = this.unknowns.get(name);
    if (!t) this.unknowns.set(name, (t = { kind: "unknown", name, loc: this.loc(node) }));
    return t;
  }

  typeByName(name: string, node: Node): GoType {
    const named = this.named.get(name);
    if (named) {
      // A file read for another's sake resolves only what is asked for, and what that names in turn;
      // past a deep chain the rest waits for resolve(), or stays a name.
      if (!this.resolved.has(named) && this.resolving < MAX_DEPTH) {
        this.resolving++;
        try {
          this.resolveDeclared(name);
        } finally {
          this.resolving--;
        }
      }
      return named;
    }
    if (isGoBasicName(name) || name === "any" || name === "error") return this.basic(name);
    return this.pkg?.type(name) ?? this.unknown(name, node);
  }

  private buildType(node: Node, depth: number): GoType {
    if (depth > MAX_DEPTH) {
      this.problems.push({ message: `type nested deeper than ${MAX_DEPTH}`, loc: this.loc(node) });
      return this.unknown("(type nested too deeply)", node);
    }
    const inner = (n: Node | null | undefined): GoType =>
      n ? this.resolveType(n, depth + 1) : this.unknown(`(incomplete type)`, node);
    switch (node.type) {
      case "type_identifier":
      case "identifier":
        return this.typeByName(node.text, node);
      case "qualified_type":
      case "selector_expression": {
        const name = dotted(node) ?? node.text;
        const [pkg, member] = name.split(".");
        if (pkg && this.isPackage(pkg, "unsafe") && member === "Pointer") return this.basic("unsafe.Pointer");
        if (pkg && this.isPackage(pkg, "structs") && member === "HostLayout") return this.structsHostLayout();
        // Only what a package exports is visible from another.
        const exported = member && /^\p{Lu}/u.test(member) ? this.importedPackage(pkg ?? "")?.type(member) : undefined;
        return exported ?? this.unknown(name, node);
      }
      case "parenthesized_type":
        return inner(node.firstNamedChild);
      case "pointer_type":
        return { kind: "pointer", elem: inner(node.firstNamedChild) };
      case "array_type":
        return { kind: "array", len: this.length(field(node, "length"), node), elem: inner(field(node, "element")), loc: this.loc(node) };
      case "slice_type":
        return { kind: "slice", elem: inner(field(node, "element")) };
      case "map_type":
      case "channel_type":
      case "function_type":
        return { kind: "pointer", elem: null };
      case "interface_type":
        return this.basic("any");
      case "struct_type":
        return { kind: "struct", fields: this.fields(node, depth), loc: this.loc(node) };
      default:
        return this.unknown(node.text.replace(/\s+/g, " "), node);
    }
  }

  /** Go's `structs.HostLayout` (Go 1.23): a zero-size marker, `struct{ _ hostLayout }`. */
  private structsHostLayout(): GoNamed {
    this.hostLayout ??= { kind: "named", name: "structs.HostLayout", alias: false, target: { kind: "struct", fields: [] } };
    return this.hostLayout;
  }

  private fields(struct: Node, depth: number): GoField[] {
    const out: GoField[] = [];
    const list = struct.namedChildren.find((c) => c.type === "field_declaration_list");
    // A tag is a string literal: most structs have none, and a field's tag costs a question of the tree.
    const tagged = list !== undefined && /["`]/.test(list.text);
    for (const decl of list?.namedChildren ?? []) {
      if (decl.type !== "field_declaration") continue;
      const typeNode = field(decl, "type");
      if (!typeNode) continue;
      const type = this.resolveType(typeNode, depth + 1);
      const tagNode = tagged ? field(decl, "tag") : undefined;
      const tag = tagNode ? stringValue(tagNode) : undefined;
      const names = decl.childrenForFieldName("name");
      if (names.length === 0) {
        out.push({ name: embeddedName(typeNode), type, embedded: true, tag, loc: this.loc(decl) });
        continue;
      }
      for (const n of names) out.push({ name: n.text, type, embedded: false, tag, loc: this.loc(n) });
    }
    return out;
  }

  private length(node: Node | undefined, array: Node): GoLength {
    const memo = new Map<GoArch, number>();
    return {
      at: (arch) => {
        const known = memo.get(arch);
        if (known !== undefined) return known;
        if (!node) throw new GoLayoutError("array without a length", this.loc(array));
        const v = this.evaluator.value(node, arch);
        if (v < 0n) throw new GoLayoutError(`array length ${v} is negative`, this.loc(node));
        if (v > BigInt(2 ** 48)) throw new GoLayoutError(`array length ${v} is too large`, this.loc(node));
        memo.set(arch, Number(v));
        return Number(v);
      },
      evaluated: (arch) => memo.get(arch),
    };
  }

  /** The static type of an expression, where this reader can tell it. */
  exprType(raw: Node, scope: Scope): GoType | undefined {
    if (this.exprDepth > MAX_DEPTH) return undefined;
    this.exprDepth++;
    try {
      return this.exprTypeInner(unparen(raw), scope);
    } finally {
      this.exprDepth--;
    }
  }

  private exprTypeInner(node: Node, scope: Scope): GoType | undefined {
    switch (node.type) {
      case "composite_literal": {
        const t = field(node, "type");
        return t && t.type !== "implicit_length_array_type" ? this.resolveType(t) : undefined;
      }
      case "unary_expression": {
        const op = field(node, "operator")?.text;
        const operand = field(node, "operand");
        const t = operand && this.exprType(operand, scope);
        if (!t) return undefined;
        if (op === "&") return { kind: "pointer", elem: t };
        if (op === "*") return derefType(t);
        return t;
      }
      case "identifier": {
        const v = scope.lookup(node.text);
        return v ? this.varType(v, scope) : undefined;
      }
      case "call_expression":
        return this.callType(node, scope);
      case "type_conversion_expression": {
        const t = field(node, "type");
        return t ? this.resolveType(t) : undefined;
      }
      case "selector_expression": {
        const operand = field(node, "operand");
        const name = field(node, "field")?.text;
        const t = operand && this.exprType(operand, scope);
        return t && name ? fieldOf(t, name)?.type : undefined;
      }
      case "index_expression": {
        const operand = field(node, "operand");
        const t = operand && this.exprType(operand, scope);
        const u = t && underlying(t);
        if (u?.kind === "array" || u?.kind === "slice") return u.elem;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private callType(node: Node, scope: Scope): GoType | undefined {
    const fn = unparen(field(node, "function") ?? node);
    const args = field(node, "arguments")?.namedChildren ?? [];
    if (fn.type === "identifier") {
      if ((fn.text === "new" || fn.text === "make") && args[0] && !scope.lookup(fn.text)) {
        const t = this.resolveType(args[0]);
        return fn.text === "new" ? { kind: "pointer", elem: t } : t;
      }
      if (this.named.has(fn.text) || isGoBasicName(fn.text)) return this.typeByName(fn.text, fn);
      return undefined;
    }
    // Conversions to composite types: (*T)(p), []byte(s), pkg.T(x).
    if (fn.type === "parenthesized_expression") {
      const inner = unparen(fn);
      if (inner.type === "unary_expression" && field(inner, "operator")?.text === "*") {
        const operand = field(inner, "operand");
        if (operand && (operand.type === "identifier" || operand.type === "selector_expression")) {
          return { kind: "pointer", elem: this.resolveType(operand) };
        }
      }
      return undefined;
    }
    if (fn.type === "parenthesized_type" || fn.type === "pointer_type" || fn.type === "slice_type" || fn.type === "array_type") {
      return this.resolveType(fn);
    }
    if (fn.type === "selector_expression") {
      const name = dotted(fn);
      if (name && /^[A-Za-z_]\w*\.Pointer$/.test(name) && this.isPackage(name.split(".")[0] ?? "", "unsafe")) {
        return this.basic("unsafe.Pointer");
      }
    }
    return undefined;
  }

  varType(v: VarInfo, scope: Scope): GoType | undefined {
    if (v.typeNode) return this.resolveType(v.typeNode);
    if (v.value && v.index === 0) return this.exprType(v.value, scope);
    return undefined;
  }
}

function embeddedName(typeNode: Node): string {
  let n = typeNode;
  for (let i = 0; i < 8 && (n.type === "pointer_type" || n.type === "generic_type"); i++) {
    const inner = n.type === "generic_type" ? field(n, "type") : n.firstNamedChild;
    if (!inner) break;
    n = inner;
  }
  if (n.type === "qualified_type") return field(n, "name")?.text ?? n.text;
  return n.text;
}

export function derefType(t: GoType): GoType | undefined {
  const u = underlying(t);
  return u.kind === "pointer" && u.elem ? u.elem : undefined;
}

/** A field of a struct (through pointers and names), including fields promoted from embedded structs. */
export function fieldOf(t: GoType, name: string, depth = 0): GoField | undefined {
  if (depth > 8) return undefined;
  let u = underlying(t);
  if (u.kind === "pointer" && u.elem) u = underlying(u.elem);
  if (u.kind !== "struct") return undefined;
  const direct = u.fields.find((f) => f.name === name);
  if (direct) return direct;
  for (const f of u.fields) {
    if (!f.embedded) continue;
    const promoted = fieldOf(f.type, name, depth + 1);
    if (promoted) return promoted;
  }
  return undefined;
}

/** Records `var` declarations (package level or in a function) in a scope. */
export function addVars(decl: Node, scope: Scope, searched: Searched): void {
  searched.walk(decl, VAR_SPECS, (spec) => {
    const typeNode = field(spec, "type");
    const values = listItems(field(spec, "value"));
    const names = spec.childrenForFieldName("name");
    names.forEach((name, i) => {
      const single = values.length === names.length;
      const value = single ? values[i] : values[0];
      scope.vars.set(name.text, { typeNode, value, index: single ? 0 : i });
    });
  });
}
