import type { Node } from "web-tree-sitter";
import { CTYPES_SCALARS } from "../../ir/layout/ctypes.js";
import { dotted, field, indexNodes, unparen } from "./syntax.js";

// What the module's names mean: which modules and names come from ctypes,
// struct and bcc (every import form), which names are module-level
// constants, and which are classes. Nothing is imported or run.

const CTYPES_EXPORTS = new Set([
  ...Object.keys(CTYPES_SCALARS),
  "Structure",
  "Union",
  "BigEndianStructure",
  "LittleEndianStructure",
  "BigEndianUnion",
  "LittleEndianUnion",
  "POINTER",
  "pointer",
  "cast",
  "sizeof",
  "byref",
  "addressof",
  "create_string_buffer",
]);

export class ModuleScope {
  /** Local names of the modules themselves: `ctypes`, `ct`. */
  private readonly modules = new Map<string, "ctypes" | "struct" | "bcc" | "functools">();
  /** Names bound by `from M import x as y`: y → M.x. */
  private readonly imported = new Map<string, { module: "ctypes" | "struct" | "bcc" | "functools"; name: string }>();
  private readonly star = new Set<string>();
  /** Module-level assignments by name, in source order. */
  readonly assigns = new Map<string, Node[]>();
  /** Class definitions anywhere in the file, by name (the first one wins). */
  readonly classes = new Map<string, Node>();

  /** Nodes of the kinds the readers look at, in source order. */
  readonly nodes: Map<string, Node[]>;

  constructor(readonly root: Node) {
    this.nodes = indexNodes(root, ["import_statement", "import_from_statement", "class_definition", "function_definition", "assignment", "augmented_assignment", "call", "subscript", "as_pattern"]);
    for (const n of this.of("import_statement")) this.addImport(n);
    for (const n of this.of("import_from_statement")) this.addFromImport(n);
    for (const n of this.of("class_definition")) {
      const name = field(n, "name")?.text;
      if (name && !this.classes.has(name)) this.classes.set(name, n);
    }
    for (const n of this.of("assignment")) this.addAssignment(n);
  }

  of(type: string): Node[] {
    return this.nodes.get(type) ?? [];
  }

  private addImport(n: Node): void {
    for (const c of n.namedChildren) {
      const name = c.type === "aliased_import" ? field(c, "name")?.text : c.type === "dotted_name" ? c.text : undefined;
      const alias = c.type === "aliased_import" ? field(c, "alias")?.text : name;
      const m = known(name);
      if (m && alias) this.modules.set(alias, m);
    }
  }

  private addFromImport(n: Node): void {
    const m = known(field(n, "module_name")?.text);
    if (!m) return;
    if (n.namedChildren.some((c) => c.type === "wildcard_import")) {
      this.star.add(m);
      return;
    }
    for (const c of n.childrenForFieldName("name")) {
      const name = c.type === "aliased_import" ? field(c, "name")?.text : c.text;
      const alias = c.type === "aliased_import" ? field(c, "alias")?.text : name;
      if (name && alias) this.imported.set(alias, { module: m, name });
    }
  }

  private addAssignment(n: Node): void {
    const left = field(n, "left");
    const right = field(n, "right");
    if (!left || !right || left.type !== "identifier") return;
    if (!isModuleLevel(n)) return;
    const list = this.assigns.get(left.text);
    if (list) list.push(right);
    else this.assigns.set(left.text, [right]);
  }

  /**
   * What an expression names in one of the modules we understand:
   * `ct.c_uint32`, `c_uint32` after `from ctypes import *`, `bcc.BPF`.
   */
  member(node: Node, module: "ctypes" | "struct" | "bcc" | "functools"): string | undefined {
    const d = dotted(unparen(node));
    if (!d) return undefined;
    const dot = d.lastIndexOf(".");
    if (dot >= 0) {
      const head = d.slice(0, dot);
      return this.modules.get(head) === module ? d.slice(dot + 1) : undefined;
    }
    const imp = this.imported.get(d);
    if (imp) return imp.module === module ? imp.name : undefined;
    if (this.classes.has(d) || this.assigns.has(d)) return undefined;
    if (this.star.has(module) && module === "ctypes" && CTYPES_EXPORTS.has(d)) return d;
    return undefined;
  }

  /** How this file names ctypes' members: `ct.` after `import ctypes as ct`, nothing after `from ctypes import *`. */
  ctypesPrefix(): string {
    for (const [alias, m] of this.modules) if (m === "ctypes") return `${alias}.`;
    return this.star.has("ctypes") ? "" : "ctypes.";
  }

  usesCtypes(): boolean {
    return [...this.modules.values(), ...[...this.imported.values()].map((i) => i.module), ...this.star].includes("ctypes");
  }
}

function known(name: string | undefined): "ctypes" | "struct" | "bcc" | "functools" | undefined {
  if (name === "ctypes" || name === "struct" || name === "bcc" || name === "functools") return name;
  return undefined;
}

/** Top-level statements, including those inside module-level if/try/with blocks. */
function isModuleLevel(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === "function_definition" || p.type === "class_definition" || p.type === "lambda") return false;
  }
  return true;
}
