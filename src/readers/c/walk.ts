import type { Language, Tree, TreeCursor } from "web-tree-sitter";
import { attrName, ENUM_TYPE_MARK, PRIMITIVES, type Attr, type Declarator, type Derived, type Enumerator, type Expr, type FieldDecl, type Item, type Param, type Spec, type TypeName } from "./syntax.js";

// Turns a tree-sitter-c tree into declarations with one TreeCursor, never
// materialising nodes. Every call into the wasm parser costs more than the
// work it returns, so the walk asks each node one thing, its numeric type,
// and tells children apart by their types and order rather than by field
// names; text is sliced from the source and positions are offsets. Each
// method starts on a node and leaves the cursor on that same node.
// Function bodies are skipped; a top-level ERROR is reported and what
// parsed inside it is still read.

const NAMES = [
  "declaration",
  "type_definition",
  "struct_specifier",
  "union_specifier",
  "enum_specifier",
  "preproc_call",
  "preproc_directive",
  "preproc_arg",
  "primitive_type",
  "sized_type_specifier",
  "type_identifier",
  "macro_type_specifier",
  "field_declaration_list",
  "field_declaration",
  "bitfield_clause",
  "enumerator_list",
  "enumerator",
  "identifier",
  "field_identifier",
  "pointer_declarator",
  "abstract_pointer_declarator",
  "array_declarator",
  "abstract_array_declarator",
  "function_declarator",
  "abstract_function_declarator",
  "parenthesized_declarator",
  "abstract_parenthesized_declarator",
  "attributed_declarator",
  "init_declarator",
  "parameter_list",
  "parameter_declaration",
  "variadic_parameter",
  "type_descriptor",
  "attribute_specifier",
  "argument_list",
  "call_expression",
  "number_literal",
  "char_literal",
  "string_literal",
  "concatenated_string",
  "parenthesized_expression",
  "binary_expression",
  "unary_expression",
  "conditional_expression",
  "sizeof_expression",
  "alignof_expression",
  "cast_expression",
  "offsetof_expression",
  "initializer_list",
  "initializer_pair",
  "field_designator",
  "true",
  "false",
  "comment",
  "type_qualifier",
  "alignas_qualifier",
  "storage_class_specifier",
  "attribute_declaration",
  "ms_declspec_modifier",
] as const;

/** [A-Za-z0-9_$]: what an identifier or a number is made of. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** tree-sitter's symbol for an ERROR node. */
const ERROR = 65535;

type Ids = Record<(typeof NAMES)[number], number>;

interface Grammar {
  ids: Ids;
  named: Uint8Array;
  types: readonly (string | null)[];
}

const grammars = new WeakMap<Language, Grammar>();

function grammar(lang: Language): Grammar {
  let g = grammars.get(lang);
  if (g) return g;
  const ids = {} as Ids;
  for (const n of NAMES) ids[n] = lang.idForNodeType(n, true) ?? -1;
  const named = new Uint8Array(lang.nodeTypeCount + 1);
  for (let i = 0; i < lang.nodeTypeCount; i++) named[i] = lang.nodeTypeIsNamed(i) ? 1 : 0;
  g = { ids, named, types: lang.types };
  grammars.set(lang, g);
  return g;
}

/**
 * Declarations of `tree`, parsed from `source`, handed over one top-level
 * node at a time: the resolver is done with each before the next is read,
 * so the declarations of a whole vmlinux.h never live at once.
 */
export function* walkTree(tree: Tree, source: string): Generator<Item> {
  const c = tree.walk();
  const items: Item[] = [];
  const w = new Walker(c, source, grammar(tree.language), items, tree.rootNode.hasError);
  try {
    if (c.gotoFirstChild()) {
      do {
        w.topLevel();
        yield* items;
        items.length = 0;
      } while (c.gotoNextSibling());
    }
  } finally {
    c.delete();
  }
}

/** The comment the preprocessor leaves after `enum e : int` for a fixed type named by a typedef. */
const ENUM_TYPE_COMMENT = new RegExp(`/\\*${ENUM_TYPE_MARK}([A-Za-z_]\\w*)\\*/`);

class Walker {
  private readonly T: Ids;
  private readonly declaratorTypes: Set<number>;
  private readonly specTypes: Set<number>;

  constructor(
    private readonly c: TreeCursor,
    private readonly src: string,
    private readonly g: Grammar,
    /** Where the declarations of the current top-level node go, with the errors found inside them. */
    private readonly items: Item[],
    /** Whether the parser recovered anywhere: only then is each node asked whether it was made up. */
    private readonly recovered: boolean,
  ) {
    const T = g.ids;
    this.T = T;
    this.specTypes = new Set([T.primitive_type, T.sized_type_specifier, T.type_identifier, T.struct_specifier, T.union_specifier, T.enum_specifier, T.macro_type_specifier]);
    this.declaratorTypes = new Set([
      T.identifier,
      T.field_identifier,
      T.type_identifier,
      T.primitive_type,
      T.pointer_declarator,
      T.abstract_pointer_declarator,
      T.array_declarator,
      T.abstract_array_declarator,
      T.function_declarator,
      T.abstract_function_declarator,
      T.parenthesized_declarator,
      T.abstract_parenthesized_declarator,
      T.attributed_declarator,
      T.init_declarator,
    ]);
  }

  private text(): string {
    return this.src.slice(this.c.startIndex, this.c.endIndex);
  }

  /**
   * The text of an identifier or number starting at `at`, read from the
   * source rather than asking the parser where the node ends: one call
   * into the parser fewer, on the commonest nodes.
   */
  private word(at: number): string {
    const src = this.src;
    let end = at;
    while (end < src.length && isWordChar(src.charCodeAt(end))) end++;
    return src.slice(at, end);
  }

  private isNamed(type: number): boolean {
    return this.g.named[type] === 1;
  }

  /** Calls `f` with each child's type id; `f` may move into the child but must come back. */
  private children(f: (type: number, index: number) => void, quiet = false): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    let i = 0;
    do {
      const type = c.nodeTypeId;
      if (this.recovered && c.nodeIsMissing) {
        // `long: 64;`: the grammar wants a name before every bitfield and
        // makes one up; an unnamed bitfield is C, read from its clause.
        if (quiet || type === this.T.field_identifier) continue;
        this.items.push({ k: "error", text: `missing ${this.g.types[type] ?? "token"}`, at: c.startIndex });
        continue;
      }
      f(type, i++);
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  /** The declarations of the top-level node under the cursor, into `items`. */
  topLevel(): void {
    const T = this.T;
    const items = this.items;
    const type = this.c.nodeTypeId;
    if (type === T.declaration) items.push(this.declaration(false));
    else if (type === T.type_definition) items.push(this.declaration(true));
    else if (type === T.struct_specifier || type === T.union_specifier || type === T.enum_specifier) {
      const at = this.c.startIndex;
      items.push({ k: "decl", spec: this.spec(type), typedef: false, attrs: [], declarators: [], at });
    } else if (type === T.preproc_call) {
      const at = this.c.startIndex;
      let directive = "";
      let arg = "";
      this.children((t) => {
        if (t === T.preproc_directive) directive = this.text().trim();
        else if (t === T.preproc_arg) arg = this.text().trim();
      });
      if (directive === "#pragma" && arg.startsWith("pack")) items.push({ k: "pack", arg, at });
    } else if (type === ERROR) {
      this.error();
      this.children(() => this.topLevel());
    }
  }

  private error(): void {
    const text = this.text();
    this.items.push({ k: "error", text: text.length > 80 ? `${text.slice(0, 77)}...` : text, at: this.c.startIndex });
  }

  /** A declaration, type definition, field or parameter: specifier, attributes, declarators. */
  private parts(onOther?: (type: number, declarators: Declarator[]) => void): { spec: Spec; attrs: Attr[]; declarators: Declarator[] } {
    const T = this.T;
    let spec: Spec | undefined;
    const attrs: Attr[] = [];
    const declarators: Declarator[] = [];
    const outer = this.stray;
    this.stray = undefined;
    this.children((t) => {
      if (spec === undefined && this.specTypes.has(t)) spec = this.spec(t);
      else if (this.declaratorTypes.has(t)) declarators.push(this.declarator(t));
      // After a declarator an attribute is that declarator's (`int a, b __attribute__((aligned(8)))` aligns b).
      else if (t === T.attribute_specifier) (declarators[declarators.length - 1]?.attrs ?? attrs).push(...this.attributes());
      else if (t === T.type_qualifier) this.qualifier(attrs);
      else if (t === ERROR) this.attributesIn(declarators[declarators.length - 1]?.attrs ?? attrs);
      else onOther?.(t, declarators);
    });
    // `long f2 __attribute__((x));` parses as the type `long f2` with no declarator.
    const stray = this.stray as { name: string; at: number } | undefined;
    this.stray = outer;
    if (stray) {
      const first = declarators[0];
      if (!first) declarators.push({ name: stray.name, derived: [], attrs: [], at: stray.at });
      else if (first.name === "" && first.bits !== undefined && first.derived.length === 0) {
        first.name = stray.name;
        first.at = stray.at;
      }
    }
    return { spec: spec ?? { k: "none" }, attrs, declarators };
  }

  /** A name the grammar took for part of a `long`/`unsigned` type: it can only be a declarator's. */
  private stray: { name: string; at: number } | undefined;

  /**
   * An ERROR inside a declaration: a second `__attribute__` after a
   * member's name is one the grammar has no place for; it is read. Anything
   * else is said to be unreadable.
   */
  private attributesIn(attrs: Attr[]): void {
    const T = this.T;
    let other = false;
    this.children((t) => {
      if (t === T.attribute_specifier) attrs.push(...this.attributes());
      else if (t !== T.comment && this.g.types[t] !== ";") other = true;
    });
    if (other) this.error();
  }

  /** `_Atomic` and `_Alignas(...)` change a layout; const, volatile and restrict do not. */
  private qualifier(attrs: Attr[]): void {
    const T = this.T;
    if (this.word(this.c.startIndex) === "_Atomic") {
      attrs.push({ name: "_Atomic", args: [] });
      return;
    }
    this.children((t) => {
      if (t !== T.alignas_qualifier) return;
      this.children((at) => {
        if (!this.isNamed(at) || at === T.comment) return;
        attrs.push({ name: "aligned", args: [at === T.type_descriptor ? { k: "alignof", type: this.typeName(at) } : this.expr(at)] });
      });
    });
  }

  private declaration(typedef: boolean): Item {
    const at = this.c.startIndex;
    const { spec, attrs, declarators } = this.parts();
    return { k: "decl", spec, typedef, attrs, declarators, at };
  }

  private spec(type: number): Spec {
    const T = this.T;
    if (type === T.primitive_type || type === T.type_identifier) {
      const at = this.c.startIndex;
      const text = this.word(at);
      return PRIMITIVES.has(text) ? { k: "prim", words: [text] } : { k: "name", name: text, pos: { at } };
    }
    if (type === T.sized_type_specifier) {
      const words: string[] = [];
      this.children((t) => {
        const word = this.isNamed(t) ? this.word(this.c.startIndex) : (this.g.types[t] ?? "");
        if (t === T.type_identifier && !PRIMITIVES.has(word)) this.stray = { name: word, at: this.c.startIndex };
        else words.push(word);
      });
      return { k: "prim", words };
    }
    if (type === T.struct_specifier || type === T.union_specifier) return this.record(type === T.struct_specifier ? "struct" : "union");
    if (type === T.enum_specifier) return this.enumSpec();
    if (type === T.macro_type_specifier) {
      let name = "";
      let tn: TypeName | undefined;
      const at = this.c.startIndex;
      // `_Atomic(T)` reads as the qualifier `_Atomic` and a macro call to `(T)` missing its name.
      this.children((t) => {
        if (t === T.identifier) name = this.text();
        else if (t === T.type_descriptor) tn = this.typeName(t);
      }, true);
      if (tn && (name === "" || /^_*typeof_*$/.test(name))) return { k: "typeof", type: tn };
      return { k: "name", name, pos: { at } };
    }
    return { k: "none" };
  }

  private record(tag: "struct" | "union"): Spec {
    const T = this.T;
    const at = this.c.startIndex;
    let name = "";
    let fields: FieldDecl[] | undefined;
    const attrs: Attr[] = [];
    this.children((t) => {
      if (t === T.type_identifier) name = this.word(this.c.startIndex);
      else if (t === T.field_declaration_list) fields = this.fields();
      else if (t === T.attribute_specifier) attrs.push(...this.attributes());
    });
    const spec: Spec = { k: "record", tag, name, attrs, at };
    if (fields) spec.fields = fields;
    return spec;
  }

  private fields(): FieldDecl[] {
    const T = this.T;
    const out: FieldDecl[] = [];
    const visit = (t: number): void => {
      if (t === T.field_declaration) out.push(this.field());
      else if (t === ERROR) {
        this.error();
        this.children(visit);
      }
    };
    this.children(visit);
    return out;
  }

  private field(): FieldDecl {
    const T = this.T;
    const at = this.c.startIndex;
    const parts = this.parts((t, declarators) => {
      if (t !== T.bitfield_clause) return;
      let bits: Expr = { k: "other", text: "" };
      this.children((bt) => {
        if (this.isNamed(bt) && bt !== T.comment) bits = this.expr(bt);
      });
      const last = declarators[declarators.length - 1];
      if (last && last.bits === undefined) last.bits = bits;
      else declarators.push({ name: "", derived: [], attrs: [], bits, at: this.c.startIndex });
    });
    return { spec: parts.spec, attrs: parts.attrs, declarators: parts.declarators, at };
  }

  private enumSpec(): Spec {
    const T = this.T;
    const at = this.c.startIndex;
    let name = "";
    let values: Enumerator[] | undefined;
    const attrs: Attr[] = [];
    // The fixed type of `enum e : unsigned char` lies between the name and
    // the list; the grammar reads only its last word, so it is read from the text.
    let typeFrom = at + 4;
    let typeTo = -1;
    this.children((t) => {
      if (t === T.type_identifier && name === "") {
        name = this.text();
        typeFrom = this.c.endIndex;
      } else if (t === T.enumerator_list) {
        typeTo = this.c.startIndex;
        const vs: Enumerator[] = [];
        values = vs;
        this.children((et) => {
          if (et !== T.enumerator) return;
          const e: Enumerator = { name: "", at: this.c.startIndex };
          this.children((vt) => {
            if (vt === T.identifier && e.name === "") e.name = this.word(this.c.startIndex);
            else if (this.isNamed(vt) && vt !== T.comment) e.value = this.expr(vt);
          });
          vs.push(e);
        });
      } else if (t === T.attribute_specifier) attrs.push(...this.attributes());
      // The words of `: unsigned int` before the last are an ERROR; they are read from the text below.
    });
    const spec: Spec = { k: "enum", name, attrs, at };
    if (values) spec.values = values;
    const between = this.src.slice(typeFrom, typeTo < 0 ? this.c.endIndex : typeTo);
    const marked = between.includes(ENUM_TYPE_MARK) ? ENUM_TYPE_COMMENT.exec(between) : null;
    const fixed = /^\s*:\s*([A-Za-z_][\w\s]*?)\s*$/.exec(between);
    if (marked) spec.underlying = { k: "name", name: marked[1]!, pos: { at: typeFrom } };
    else if (fixed) {
      const words = fixed[1]!.split(/\s+/);
      spec.underlying = words.every((w) => PRIMITIVES.has(w)) ? { k: "prim", words } : words.length === 1 ? { k: "name", name: words[0]!, pos: { at: typeFrom } } : { k: "none" };
    }
    return spec;
  }

  private declarator(type: number): Declarator {
    const T = this.T;
    if (type === T.identifier || type === T.field_identifier || type === T.type_identifier || type === T.primitive_type) {
      const at = this.c.startIndex;
      return { name: this.word(at), derived: [], attrs: [], at };
    }
    // A declarator around a name takes the name's position; its own is
    // asked for (a call into the parser) only when it has no name inside.
    let inner: Declarator | undefined;
    const attrs: Attr[] = [];
    if (type === T.pointer_declarator || type === T.abstract_pointer_declarator) {
      this.children((t) => {
        if (this.declaratorTypes.has(t)) inner = this.declarator(t);
        else if (t === T.attribute_specifier) attrs.push(...this.attributes());
      });
      return this.wrap({ k: "ptr" }, inner, attrs);
    }
    if (type === T.array_declarator || type === T.abstract_array_declarator) {
      let len: Expr | undefined;
      const abstract = type === T.abstract_array_declarator;
      this.children((t) => {
        if (!this.isNamed(t) || t === T.type_qualifier || t === T.comment) return;
        if (inner === undefined && len === undefined && (abstract ? t !== T.identifier && this.declaratorTypes.has(t) : this.declaratorTypes.has(t))) inner = this.declarator(t);
        else len = this.expr(t);
      });
      return this.wrap(len ? { k: "array", len } : { k: "array" }, inner, attrs);
    }
    if (type === T.function_declarator || type === T.abstract_function_declarator) {
      let params: Param[] = [];
      let variadic = false;
      this.children((t) => {
        if (t === T.parameter_list) ({ params, variadic } = this.params());
        else if (this.declaratorTypes.has(t)) inner = this.declarator(t);
        else if (t === T.attribute_specifier) attrs.push(...this.attributes());
      });
      return this.wrap({ k: "func", params, variadic }, inner, attrs);
    }
    if (type === T.init_declarator) {
      let init: Expr | undefined;
      this.children((t) => {
        if (!this.isNamed(t) || t === T.comment) return;
        if (inner === undefined) inner = this.declarator(t);
        else init = this.expr(t);
      });
      const d = inner ?? { name: "", derived: [], attrs: [], at: this.c.startIndex };
      if (init) d.init = init;
      return d;
    }
    // parenthesized and attributed declarators
    this.children((t) => {
      if (t === T.attribute_specifier) attrs.push(...this.attributes());
      else if (this.declaratorTypes.has(t)) inner = this.declarator(t);
    });
    const d = inner ?? { name: "", derived: [], attrs: [], at: this.c.startIndex };
    d.attrs.push(...attrs);
    return d;
  }

  /** `mine` added to the declarator inside, or a nameless declarator at the cursor's node. */
  private wrap(mine: Derived, inner: Declarator | undefined, attrs: Attr[]): Declarator {
    if (!inner) return { name: "", derived: [mine], attrs, at: this.c.startIndex };
    inner.derived.unshift(mine);
    inner.attrs.push(...attrs);
    return inner;
  }

  private params(): { params: Param[]; variadic: boolean } {
    const T = this.T;
    const params: Param[] = [];
    let variadic = false;
    this.children((t) => {
      if (t === T.variadic_parameter || this.g.types[t] === "...") variadic = true;
      else if (t === T.parameter_declaration) {
        const { spec, declarators } = this.parts();
        const d = declarators[0];
        params.push({ name: d?.name ?? "", type: { spec, derived: d?.derived ?? [] } });
      }
    });
    return { params, variadic };
  }

  private typeName(type: number): TypeName {
    if (type !== this.T.type_descriptor) return { spec: this.spec(type), derived: [] };
    const { spec, declarators } = this.parts();
    return { spec, derived: declarators[0]?.derived ?? [] };
  }

  private attributes(): Attr[] {
    const T = this.T;
    const out: Attr[] = [];
    this.children((t) => {
      if (t !== T.argument_list) return;
      this.children((at) => {
        if (at === T.identifier) out.push({ name: attrName(this.text()), args: [] });
        else if (at === T.call_expression) {
          let name = "";
          const args: Expr[] = [];
          this.children((ct) => {
            if (ct === T.identifier) name = attrName(this.text());
            else if (ct === T.argument_list) this.children((xt) => this.isNamed(xt) && xt !== T.comment && args.push(this.expr(xt)));
          });
          out.push({ name, args });
        }
      });
    });
    return out;
  }

  private expr(type: number): Expr {
    const T = this.T;
    if (type === T.number_literal) return { k: "num", text: this.text() };
    if (type === T.char_literal) return { k: "char", text: this.text() };
    if (type === T.string_literal || type === T.concatenated_string) return { k: "str", text: this.text() };
    if (type === T.identifier || type === T.true || type === T.false) return { k: "id", name: this.word(this.c.startIndex) };
    const none: Expr = { k: "other", text: "" };
    const named: Expr[] = [];
    let op = "";
    let tn: TypeName | undefined;
    let member = "";
    if (type === T.parenthesized_expression || type === T.binary_expression || type === T.unary_expression || type === T.conditional_expression) {
      this.children((t) => {
        if (this.isNamed(t)) {
          if (t !== T.comment) named.push(this.expr(t));
        } else if (op === "" && t !== undefined && this.g.types[t] !== "(" && this.g.types[t] !== ")") op = this.g.types[t] ?? "";
      });
      if (type === T.parenthesized_expression) return named[0] ?? none;
      if (type === T.binary_expression) return { k: "binary", op, a: named[0] ?? none, b: named[1] ?? none };
      if (type === T.unary_expression) return { k: "unary", op, a: named[0] ?? none };
      return { k: "cond", c: named[0] ?? none, a: named[1] ?? none, b: named[2] ?? none };
    }
    if (type === T.sizeof_expression || type === T.alignof_expression || type === T.cast_expression || type === T.offsetof_expression) {
      this.children((t) => {
        if (!this.isNamed(t) || t === T.comment) return;
        if (t === T.type_descriptor) tn = this.typeName(t);
        else if (t === T.field_identifier) member = this.text();
        else named.push(this.expr(t));
      });
      if (type === T.sizeof_expression) return tn ? { k: "sizeof", type: tn } : { k: "sizeof", a: named[0] ?? none };
      if (type === T.alignof_expression) return tn ? { k: "alignof", type: tn } : { k: "other", text: this.text() };
      if (type === T.cast_expression) return tn ? { k: "cast", type: tn, a: named[0] ?? none } : (named[0] ?? none);
      return tn ? { k: "offsetof", type: tn, member } : { k: "other", text: this.text() };
    }
    if (type === T.initializer_list) {
      const items: { field?: string; value: Expr }[] = [];
      this.children((t) => {
        if (t === T.initializer_pair) {
          let field: string | undefined;
          let value: Expr = none;
          this.children((pt) => {
            if (pt === T.field_designator) field = this.text().replace(/^\.\s*/, "");
            else if (this.isNamed(pt) && pt !== T.comment) value = this.expr(pt);
          });
          items.push({ ...(field !== undefined ? { field } : {}), value });
        } else if (this.isNamed(t) && t !== T.comment) items.push({ value: this.expr(t) });
      });
      return { k: "init", items };
    }
    return { k: "other", text: this.text() };
  }
}
