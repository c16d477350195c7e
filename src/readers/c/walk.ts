import type { Tree, TreeCursor } from "web-tree-sitter";
import type { Attr, Declarator, Derived, Enumerator, Expr, FieldDecl, Item, Param, Spec, TypeName } from "./syntax.js";

// Turns a tree-sitter-c tree into declarations with one TreeCursor, never
// materialising nodes: every method starts on a node and leaves the cursor
// on that same node. Function bodies and statements are skipped; a
// top-level ERROR is reported and what parsed inside it is still read.

const PRIMITIVES = new Set(["char", "int", "float", "double", "void", "_Bool", "bool", "short", "long", "signed", "unsigned", "__int128", "_Float16", "__fp16"]);

export function walkTree(tree: Tree): Item[] {
  const c = tree.walk();
  const w = new Walker(c);
  const items: Item[] = [];
  if (c.gotoFirstChild()) {
    do w.topLevel(items);
    while (c.gotoNextSibling());
  }
  c.delete();
  return items;
}

class Walker {
  constructor(private readonly c: TreeCursor) {}

  private pos(): { row: number; col: number } {
    const p = this.c.startPosition;
    return { row: p.row, col: p.column };
  }

  /** Calls `f` on each child of the current node, with its field name. */
  private children(f: (type: string, field: string | null) => void): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do f(c.nodeType, c.currentFieldName);
    while (c.gotoNextSibling());
    c.gotoParent();
  }

  topLevel(items: Item[]): void {
    const c = this.c;
    switch (c.nodeType) {
      case "declaration":
        items.push(this.declaration(false));
        return;
      case "type_definition":
        items.push(this.declaration(true));
        return;
      case "struct_specifier":
      case "union_specifier":
      case "enum_specifier": {
        const pos = this.pos();
        items.push({ k: "decl", spec: this.spec(), typedef: false, attrs: [], declarators: [], ...pos });
        return;
      }
      case "preproc_call": {
        const pos = this.pos();
        let directive = "";
        let arg = "";
        this.children((type) => {
          if (type === "preproc_directive") directive = c.nodeText.trim();
          else if (type === "preproc_arg") arg = c.nodeText.trim();
        });
        if (directive === "#pragma" && arg.startsWith("pack")) items.push({ k: "pack", arg, ...pos });
        return;
      }
      case "ERROR": {
        const pos = this.pos();
        const text = c.nodeText;
        items.push({ k: "error", text: text.length > 80 ? `${text.slice(0, 77)}...` : text, ...pos });
        // Attributes the grammar cannot place after a declarator (`} name SEC(".maps");`)
        // belong to the declaration just before.
        this.children((type) => {
          if (type === "attribute_specifier") {
            const last = items[items.length - 2];
            const d = last?.k === "decl" ? last.declarators[last.declarators.length - 1] : undefined;
            if (d) d.attrs.push(...this.attributes());
          } else this.topLevel(items);
        });
        return;
      }
      default:
        if (c.nodeIsMissing) {
          const pos = this.pos();
          items.push({ k: "error", text: `missing ${c.nodeType}`, ...pos });
        }
    }
  }

  private declaration(typedef: boolean): Item {
    const c = this.c;
    const pos = this.pos();
    let spec: Spec = { k: "none" };
    const attrs: Attr[] = [];
    const declarators: Declarator[] = [];
    this.children((type, field) => {
      if (field === "type") spec = this.spec();
      else if (field === "declarator") declarators.push(this.declarator());
      else if (type === "attribute_specifier") attrs.push(...this.attributes());
      else if (type === "ERROR") declarators.push({ name: "", derived: [], attrs: [], ...this.pos() });
      else if (c.nodeIsMissing) return;
    });
    return { k: "decl", spec, typedef, attrs, declarators, ...pos };
  }

  private spec(): Spec {
    const c = this.c;
    switch (c.nodeType) {
      case "primitive_type": {
        const text = c.nodeText;
        return PRIMITIVES.has(text) ? { k: "prim", words: [text] } : { k: "name", name: text, pos: this.pos() };
      }
      case "sized_type_specifier": {
        const words: string[] = [];
        this.children((type) => words.push(type === "primitive_type" || type === "type_identifier" ? c.nodeText : type));
        return { k: "prim", words };
      }
      case "type_identifier": {
        const text = c.nodeText;
        return PRIMITIVES.has(text) ? { k: "prim", words: [text] } : { k: "name", name: text, pos: this.pos() };
      }
      case "struct_specifier":
      case "union_specifier":
        return this.record(c.nodeType === "struct_specifier" ? "struct" : "union");
      case "enum_specifier":
        return this.enumSpec();
      case "macro_type_specifier": {
        let name = "";
        let type: TypeName | undefined;
        this.children((t, field) => {
          if (field === "name") name = c.nodeText;
          else if (field === "type") type = this.typeName();
        });
        if (type && /^_*typeof_*$/.test(name)) return { k: "typeof", type };
        return { k: "name", name, pos: this.pos() };
      }
      default:
        return { k: "none" };
    }
  }

  private record(tag: "struct" | "union"): Spec {
    const c = this.c;
    const pos = this.pos();
    let name = "";
    let fields: FieldDecl[] | undefined;
    const attrs: Attr[] = [];
    this.children((type, field) => {
      if (field === "name") name = c.nodeText;
      else if (field === "body") fields = this.fields();
      else if (type === "attribute_specifier") attrs.push(...this.attributes());
    });
    return { k: "record", tag, name, ...(fields ? { fields } : {}), attrs, ...pos };
  }

  private fields(): FieldDecl[] {
    const c = this.c;
    const out: FieldDecl[] = [];
    this.children((type) => {
      if (type === "field_declaration") out.push(this.field());
      else if (type === "ERROR") this.children((t) => t === "field_declaration" && out.push(this.field()));
    });
    return out;
    void c;
  }

  private field(): FieldDecl {
    const c = this.c;
    const pos = this.pos();
    let spec: Spec = { k: "none" };
    const attrs: Attr[] = [];
    const declarators: Declarator[] = [];
    this.children((type, field) => {
      if (field === "type") spec = this.spec();
      else if (field === "declarator") declarators.push(this.declarator());
      else if (type === "bitfield_clause") {
        let bits: Expr | undefined;
        this.children((_t) => {
          if (c.nodeIsNamed) bits = this.expr();
        });
        const last = declarators[declarators.length - 1];
        if (last && last.bits === undefined) last.bits = bits ?? { k: "other", text: "" };
        else declarators.push({ name: "", derived: [], attrs: [], bits: bits ?? { k: "other", text: "" }, ...this.pos() });
      } else if (type === "attribute_specifier") attrs.push(...this.attributes());
    });
    return { spec, attrs, declarators, ...pos };
  }

  private enumSpec(): Spec {
    const c = this.c;
    const pos = this.pos();
    let name = "";
    let values: Enumerator[] | undefined;
    const attrs: Attr[] = [];
    this.children((type, field) => {
      if (field === "name") name = c.nodeText;
      else if (field === "body") {
        values = [];
        this.children((t) => {
          if (t !== "enumerator") return;
          const e: Enumerator = { name: "", ...this.pos() };
          this.children((_, f) => {
            if (f === "name") e.name = c.nodeText;
            else if (f === "value") e.value = this.expr();
          });
          values!.push(e);
        });
      } else if (type === "attribute_specifier") attrs.push(...this.attributes());
    });
    return { k: "enum", name, ...(values ? { values } : {}), attrs, ...pos };
  }

  private declarator(): Declarator {
    const c = this.c;
    const pos = this.pos();
    switch (c.nodeType) {
      case "identifier":
      case "field_identifier":
      case "type_identifier":
      case "primitive_type":
        return { name: c.nodeIsMissing ? "" : c.nodeText, derived: [], attrs: [], ...pos };
      case "pointer_declarator":
      case "abstract_pointer_declarator": {
        let inner: Declarator | undefined;
        this.children((_, field) => field === "declarator" && (inner = this.declarator()));
        return this.wrap({ k: "ptr" }, inner, pos);
      }
      case "array_declarator":
      case "abstract_array_declarator": {
        let inner: Declarator | undefined;
        let len: Expr | undefined;
        this.children((_, field) => {
          if (field === "declarator") inner = this.declarator();
          else if (field === "size") len = this.expr();
        });
        return this.wrap({ k: "array", ...(len ? { len } : {}) }, inner, pos);
      }
      case "function_declarator":
      case "abstract_function_declarator": {
        let inner: Declarator | undefined;
        let params: Param[] = [];
        let variadic = false;
        this.children((_, field) => {
          if (field === "declarator") inner = this.declarator();
          else if (field === "parameters") ({ params, variadic } = this.params());
        });
        return this.wrap({ k: "func", params, variadic }, inner, pos);
      }
      case "parenthesized_declarator":
      case "abstract_parenthesized_declarator":
      case "attributed_declarator": {
        let inner: Declarator | undefined;
        const attrs: Attr[] = [];
        this.children((type) => {
          if (type === "attribute_specifier") attrs.push(...this.attributes());
          else if (c.nodeIsNamed && type !== "type_qualifier" && type !== "attribute_declaration") inner = this.declarator();
        });
        const d = inner ?? { name: "", derived: [], attrs: [], ...pos };
        d.attrs.push(...attrs);
        return d;
      }
      case "init_declarator": {
        let inner: Declarator | undefined;
        let init: Expr | undefined;
        this.children((_, field) => {
          if (field === "declarator") inner = this.declarator();
          else if (field === "value") init = this.expr();
        });
        const d = inner ?? { name: "", derived: [], attrs: [], ...pos };
        if (init) d.init = init;
        return d;
      }
      default:
        return { name: "", derived: [], attrs: [], ...pos };
    }
  }

  private wrap(mine: Derived, inner: Declarator | undefined, pos: { row: number; col: number }): Declarator {
    if (!inner) return { name: "", derived: [mine], attrs: [], ...pos };
    inner.derived.unshift(mine);
    return inner;
  }

  private params(): { params: Param[]; variadic: boolean } {
    const c = this.c;
    const params: Param[] = [];
    let variadic = false;
    this.children((type) => {
      if (type === "variadic_parameter" || type === "...") variadic = true;
      else if (type === "parameter_declaration") {
        let spec: Spec = { k: "none" };
        let d: Declarator | undefined;
        this.children((_, field) => {
          if (field === "type") spec = this.spec();
          else if (field === "declarator") d = this.declarator();
        });
        params.push({ name: d?.name ?? "", type: { spec, derived: d?.derived ?? [] } });
      }
    });
    void c;
    return { params, variadic };
  }

  private typeName(): TypeName {
    let spec: Spec = { k: "none" };
    let derived: Derived[] = [];
    if (this.c.nodeType !== "type_descriptor") return { spec: this.spec(), derived };
    this.children((_, field) => {
      if (field === "type") spec = this.spec();
      else if (field === "declarator") derived = this.declarator().derived;
    });
    return { spec, derived };
  }

  private attributes(): Attr[] {
    const c = this.c;
    const out: Attr[] = [];
    this.children((type) => {
      if (type !== "argument_list") return;
      this.children((t) => {
        if (t === "identifier") out.push({ name: attrName(c.nodeText), args: [] });
        else if (t === "call_expression") {
          let name = "";
          const args: Expr[] = [];
          this.children((_, field) => {
            if (field === "function") name = attrName(c.nodeText);
            else if (field === "arguments") this.children(() => c.nodeIsNamed && args.push(this.expr()));
          });
          out.push({ name, args });
        }
      });
    });
    return out;
  }

  expr(): Expr {
    const c = this.c;
    switch (c.nodeType) {
      case "number_literal":
        return { k: "num", text: c.nodeText };
      case "char_literal":
        return { k: "char", text: c.nodeText };
      case "string_literal":
      case "concatenated_string":
        return { k: "str", text: c.nodeText };
      case "identifier":
      case "true":
      case "false":
        return { k: "id", name: c.nodeText };
      case "parenthesized_expression": {
        let e: Expr = { k: "other", text: "" };
        this.children(() => c.nodeIsNamed && (e = this.expr()));
        return e;
      }
      case "binary_expression": {
        let a: Expr = { k: "other", text: "" };
        let b: Expr = a;
        let op = "";
        this.children((type, field) => {
          if (field === "left") a = this.expr();
          else if (field === "right") b = this.expr();
          else if (field === "operator") op = type;
        });
        return { k: "binary", op, a, b };
      }
      case "unary_expression": {
        let a: Expr = { k: "other", text: "" };
        let op = "";
        this.children((type, field) => {
          if (field === "argument") a = this.expr();
          else if (field === "operator") op = type;
        });
        return { k: "unary", op, a };
      }
      case "conditional_expression": {
        const parts: Expr[] = [];
        this.children((_, field) => field && parts.push(this.expr()));
        const none: Expr = { k: "other", text: "" };
        return { k: "cond", c: parts[0] ?? none, a: parts[1] ?? none, b: parts[2] ?? none };
      }
      case "sizeof_expression": {
        let out: Expr = { k: "other", text: c.nodeText };
        this.children((_, field) => {
          if (field === "type") out = { k: "sizeof", type: this.typeName() };
          else if (field === "value") out = { k: "sizeof", a: this.expr() };
        });
        return out;
      }
      case "alignof_expression": {
        let out: Expr = { k: "other", text: c.nodeText };
        this.children((_, field) => field === "type" && (out = { k: "alignof", type: this.typeName() }));
        return out;
      }
      case "cast_expression": {
        let type: TypeName | undefined;
        let a: Expr = { k: "other", text: "" };
        this.children((_, field) => {
          if (field === "type") type = this.typeName();
          else if (field === "value") a = this.expr();
        });
        return type ? { k: "cast", type, a } : a;
      }
      case "offsetof_expression": {
        let type: TypeName | undefined;
        let member = "";
        this.children((_, field) => {
          if (field === "type") type = this.typeName();
          else if (field === "member") member = c.nodeText;
        });
        return type ? { k: "offsetof", type, member } : { k: "other", text: c.nodeText };
      }
      case "initializer_list": {
        const items: { field?: string; value: Expr }[] = [];
        this.children((type) => {
          if (type === "initializer_pair") {
            let field: string | undefined;
            let value: Expr = { k: "other", text: "" };
            this.children((_, f) => {
              if (f === "designator") field = c.nodeText.replace(/^\./, "");
              else if (f === "value") value = this.expr();
            });
            items.push({ ...(field !== undefined ? { field } : {}), value });
          } else if (c.nodeIsNamed && type !== "comment") items.push({ value: this.expr() });
        });
        return { k: "init", items };
      }
      default:
        return { k: "other", text: c.nodeText };
    }
  }
}

function attrName(text: string): string {
  return text.replace(/^__(.*)__$/, "$1");
}
