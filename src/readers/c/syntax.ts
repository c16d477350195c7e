// C declarations as the parser saw them, before any name is resolved or any
// size known: plain data, so a worker thread can produce it and the resolver
// can read it in source order. Positions are character offsets in the
// preprocessed text; the resolver maps them back to files and lines only
// where a location is kept.

export type Expr =
  | { k: "num"; text: string }
  | { k: "char"; text: string }
  | { k: "str"; text: string }
  | { k: "id"; name: string }
  | { k: "unary"; op: string; a: Expr }
  | { k: "binary"; op: string; a: Expr; b: Expr }
  | { k: "cond"; c: Expr; a: Expr; b: Expr }
  | { k: "sizeof"; type?: TypeName; a?: Expr }
  | { k: "alignof"; type: TypeName }
  | { k: "cast"; type: TypeName; a: Expr }
  | { k: "offsetof"; type: TypeName; member: string }
  | { k: "init"; items: { field?: string; value: Expr }[] }
  | { k: "other"; text: string };

export interface Attr {
  /**
   * Without surrounding underscores: `packed`, `aligned`, `section`, `mode`,
   * `vector_size`. `_Alignas(N)` is read as `aligned(N)` and `_Alignas(T)` as
   * `aligned(_Alignof(T))`; the qualifier `_Atomic` is an attribute `_Atomic`.
   */
  name: string;
  args: Expr[];
}

export interface Pos {
  at: number;
}

export type Spec =
  /** Keywords of a built-in type: `unsigned long int`, `_Bool`, `__int128`. */
  | { k: "prim"; words: string[] }
  | { k: "name"; name: string; pos: Pos }
  | ({ k: "record"; tag: "struct" | "union"; name: string; fields?: FieldDecl[]; attrs: Attr[] } & Pos)
  /** `underlying` is the type after `enum e :` (C23, and clang's extension before it). */
  | ({ k: "enum"; name: string; values?: Enumerator[]; attrs: Attr[]; underlying?: Spec } & Pos)
  | { k: "typeof"; type: TypeName }
  | { k: "none" };

export interface Enumerator extends Pos {
  name: string;
  value?: Expr;
}

export type Derived = { k: "ptr" } | { k: "array"; len?: Expr } | { k: "func"; params: Param[]; variadic: boolean };

export interface Param {
  name: string;
  type: TypeName;
}

export interface TypeName {
  spec: Spec;
  /** From the outside in: `*a[3]` is [ptr, array 3], an array of three pointers. */
  derived: Derived[];
}

export interface Declarator extends Pos {
  name: string;
  derived: Derived[];
  attrs: Attr[];
  bits?: Expr;
  init?: Expr;
}

export interface FieldDecl extends Pos {
  spec: Spec;
  attrs: Attr[];
  /** Empty for an anonymous struct or union member. */
  declarators: Declarator[];
}

export type Item =
  | ({ k: "decl"; spec: Spec; typedef: boolean; attrs: Attr[]; declarators: Declarator[] } & Pos)
  | ({ k: "pack"; arg: string } & Pos)
  | ({ k: "error"; text: string } & Pos);

/** tree-sitter-c's `primitive_type` token: the only words it takes after `unsigned` and the like, or after `enum e :`. */
export const TS_PRIMITIVE_WORDS: ReadonlySet<string> = new Set([
  "bool", "char", "int", "float", "double", "void", "size_t", "ssize_t", "ptrdiff_t", "intptr_t", "uintptr_t", "charptr_t", "nullptr_t", "max_align_t",
  ...[8, 16, 32, 64].flatMap((n) => [`int${n}_t`, `uint${n}_t`, `char${n}_t`]),
]);

/**
 * `enum e : u32 {` as the preprocessor gives it to the grammar, which takes
 * only a primitive type after the colon: `enum e : int` and a comment of
 * this mark and `u32`, where the walk reads the type's name back.
 */
export const ENUM_TYPE_MARK = "abidrift-enum-type:";

/** Words that make a built-in type: a specifier of one of these is `prim`, of any other word a `name`. */
export const PRIMITIVES: ReadonlySet<string> = new Set(["char", "int", "float", "double", "void", "_Bool", "bool", "short", "long", "signed", "unsigned", "__int128", "_Float16", "__fp16"]);

/** An attribute's name without surrounding underscores: `__aligned__` is `aligned`. */
export function attrName(text: string): string {
  return text.replace(/^__(.*)__$/, "$1");
}
