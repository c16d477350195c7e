import { InputError } from "./errors.js";
import { MAX_CHAIN, type TypeGraph } from "./graph.js";
import type { Type, TypeId } from "./types.js";

// C spelling of IR types, for reports and layouts: `struct list_head *`,
// `char comm[16]`, `void (*func)(struct callback_head *)`. Type tags are left
// out: they change nothing of the layout.

const nameCache = new WeakMap<TypeGraph, Map<TypeId, string>>();

/** The name a type goes by: `unsigned int`, `struct dns_key`, `char *`, `__u8[16]`. */
export function cTypeName(graph: TypeGraph, id: TypeId): string {
  let cache = nameCache.get(graph);
  if (!cache) nameCache.set(graph, (cache = new Map()));
  let name = cache.get(id);
  if (name === undefined) cache.set(id, (name = declare(graph, id, "", 0)));
  return name;
}

/** A declaration of `name` with the given type: `char comm[16]`, `int (*fn)(void)`. */
export function cDeclaration(graph: TypeGraph, id: TypeId, name: string): string {
  return declare(graph, id, name, 0);
}

/**
 * A declaration split where pahole's columns split it: the type with any
 * pointer stars (`struct list_head *`), then the declarator around the
 * member's name (`comm[16]` is "" + name + "[16]", `(*func)(void *)` is
 * "(*" + name + ")(void *)"). The split depends only on the type, so it is
 * worked out once per type and shared: callers write the name between
 * `before` and `after` themselves.
 */
export function cDeclarationColumns(graph: TypeGraph, id: TypeId): Readonly<Columns> {
  let cache = columnCache.get(graph);
  // Ids are dense: an array by id is a cheaper cache than a Map.
  if (!cache) columnCache.set(graph, (cache = new Array<Columns | undefined>(graph.count)));
  return (cache[id] ??= columns(graph, id));
}

export interface Columns {
  type: string;
  before: string;
  after: string;
}

const columnCache = new WeakMap<TypeGraph, (Columns | undefined)[]>();
/** Where the name goes in a declaration written for `splitDeclaration`. */
export const MARK = "\u0000";

function columns(graph: TypeGraph, id: TypeId): Columns {
  return splitDeclaration(declare(graph, id, MARK, 0));
}

/** A declaration written around `MARK` for the name, split into pahole's columns. */
export function splitDeclaration(full: string): Columns {
  const at = full.indexOf(MARK);
  let type = full.slice(0, at).trimEnd();
  let before = "";
  // `(*fn)(...)` keeps its stars with the name; plain pointers stay left.
  const paren = type.lastIndexOf("(");
  if (paren >= 0 && type.indexOf(")", paren) < 0) {
    before = type.slice(paren);
    type = type.slice(0, paren).trimEnd();
  }
  return { type, before, after: full.slice(at + 1) };
}

/** `struct foo`, `union {...}`, `enum bar`: the tag of a named or anonymous type. */
export function cTagName(t: Type): string {
  switch (t.kind) {
    case "struct":
    case "union":
    case "enum":
      return t.name ? `${t.kind} ${t.name}` : `${t.kind} {...}`;
    case "fwd":
      return `${t.union ? "union" : "struct"} ${t.name}`;
    case "int":
    case "float":
    case "typedef":
      return t.name;
    default:
      return t.kind;
  }
}

function join(base: string, inner: string): string {
  return inner === "" ? base : `${base} ${inner}`;
}

function declare(graph: TypeGraph, id: TypeId, inner: string, depth: number): string {
  if (depth > MAX_CHAIN) throw new InputError(graph.file, `type id ${id}: declarator nested deeper than ${MAX_CHAIN} (a cycle?)`);
  const t = graph.type(id);
  switch (t.kind) {
    case "void":
      return join("void", inner);
    case "ptr": {
      const to = graph.type(t.target).kind;
      const star = to === "array" || to === "func_proto" ? `(*${inner})` : `*${inner}`;
      return declare(graph, t.target, star, depth + 1);
    }
    case "array":
      return declare(graph, t.elem, `${inner}[${t.count}]`, depth + 1);
    case "func_proto": {
      const params = t.params.map((p) => declare(graph, p.type, p.name, depth + 1));
      if (t.variadic) params.push("...");
      return declare(graph, t.ret, `${inner}(${params.length ? params.join(", ") : "void"})`, depth + 1);
    }
    case "const":
    case "volatile":
    case "restrict": {
      const under = graph.type(t.target).kind;
      // `const char *` qualifies the pointee; `char *const` the pointer.
      if (under === "ptr") return declare(graph, t.target, `${t.kind} ${inner}`.trimEnd(), depth + 1);
      return `${t.kind} ${declare(graph, t.target, inner, depth + 1)}`;
    }
    case "type_tag":
      return declare(graph, t.target, inner, depth + 1);
    case "func":
    case "var":
      return join(t.name, inner);
    case "datasec":
      return join(`SEC("${t.name}")`, inner);
    case "decl_tag":
      return join(`__attribute__((btf_decl_tag("${t.tag}")))`, inner);
    default:
      return join(cTagName(t), inner);
  }
}
