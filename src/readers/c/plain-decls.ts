import type { Language } from "web-tree-sitter";
import { C_WORD, Ch } from "../chars.js";
import { attrName, PRIMITIVES, TS_PRIMITIVE_WORDS, type Attr, type Declarator, type Derived, type Enumerator, type Expr, type FieldDecl, type Item, type Param, type Spec } from "./syntax.js";

// The plain declarations bpftool writes into a vmlinux.h (records, enums,
// typedefs; members with pointers, arrays, function pointers and
// bitfields; `packed`) read straight from the text into the items walk.ts
// makes of tree-sitter's tree, without the parser: a whole vmlinux.h in a
// fraction of the time. Only what it reads exactly as tree-sitter-c does is
// taken; on anything else (a comment, a directive, a keyword it does not
// know, an expression beyond arithmetic, a construct whose tree-sitter
// parse it does not mirror) it gives the declaration up, and the caller
// parses that with tree-sitter. A test holds the two to the same items.

const enum K {
  End,
  Word,
  Num,
  Punct,
  /** A string literal, quotes and escapes kept as written. */
  Str,
}


/** Punctuation of two characters, by a code past any character's. */
const enum P {
  Shl = 256,
  Shr,
  Le,
  Ge,
  Eq,
  Ne,
  And,
  Or,
  Ellipsis,
}

/** Thrown inside a declaration this reader does not take. */
const NOT_PLAIN: unique symbol = Symbol("not plain");


/** One-character punctuation the reader knows. */
const PUNCT = new Uint8Array(128);
for (const c of "{}()[];,*:=+-~!%^/&|<>") PUNCT[c.charCodeAt(0)] = 1;

/** The spellings walk.ts reads as typeof. */
const TYPEOF = /^_*typeof_*$/;
const QUALIFIERS = new Set(["const", "volatile", "restrict"]);
const SIZE_WORDS = new Set(["signed", "unsigned", "long", "short"]);

/** Binding strength of binary operators, as tree-sitter-c's precedences order them. */
const BINARY: Record<number, [string, number]> = {
  [P.Or]: ["||", 1],
  [P.And]: ["&&", 2],
  124: ["|", 3],
  94: ["^", 4],
  38: ["&", 5],
  [P.Eq]: ["==", 6],
  [P.Ne]: ["!=", 6],
  60: ["<", 7],
  62: [">", 7],
  [P.Le]: ["<=", 7],
  [P.Ge]: [">=", 7],
  [P.Shl]: ["<<", 9],
  [P.Shr]: [">>", 9],
  43: ["+", 10],
  45: ["-", 10],
  42: ["*", 11],
  47: ["/", 11],
  37: ["%", 11],
};

/** A number as tree-sitter-c's `number_literal` reads it, narrowed to integers. */
const INTEGER = /^(?:0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*$/;

const keywordSets = new WeakMap<Language, ReadonlySet<string>>();

/** The words tree-sitter-c lexes as keywords, from the grammar itself: its unnamed tokens spelled as identifiers. */
function keywordsOf(lang: Language): ReadonlySet<string> {
  let words = keywordSets.get(lang);
  if (words) return words;
  const set = new Set<string>();
  for (let i = 0; i < lang.nodeTypeCount; i++) {
    const t = lang.types[i];
    if (t && !lang.nodeTypeIsNamed(i) && /^[A-Za-z_]\w*$/.test(t)) set.add(t);
  }
  keywordSets.set(lang, (words = set));
  return words;
}

/** A declaration read, and where it ends (past its `;`). */
export interface PlainRead {
  item: Item;
  end: number;
}

export class PlainReader {
  private readonly n: number;
  /** Words tree-sitter-c lexes as keywords: none of them is taken as a name. */
  private readonly keywords: ReadonlySet<string>;
  /** The current token: its kind, where it starts and ends, its text if a word, its code if punctuation. */
  private kind = K.End;
  private start = 0;
  private end = 0;
  private word = "";
  private punct = 0;

  constructor(
    readonly text: string,
    /** tree-sitter-c, whose keywords the reader leaves to it. */
    grammar: Language,
  ) {
    this.n = text.length;
    this.keywords = keywordsOf(grammar);
  }

  /** Where the next token from `at` starts, past blanks; the text's length at its end. */
  skipBlanks(at: number): number {
    const { text: src, n } = this;
    while (at < n) {
      const c = src.charCodeAt(at);
      if (c === 32 || c === 10 || c === 9 || c === 13 || c === 11 || c === 12) at++;
      else break;
    }
    return at;
  }

  /** The top-level declaration at `at`, a token's start; undefined when it is not plain. */
  declaration(at: number): PlainRead | undefined {
    this.end = at;
    try {
      this.next();
      const item = this.topLevel();
      return { item, end: this.end };
    } catch (e) {
      // Nesting deeper than the stack goes (a fuzzer's `((((...`) is tree-sitter's to read too.
      if (e === NOT_PLAIN || e instanceof RangeError) return undefined;
      throw e;
    }
  }

  private next(): void {
    const { text: src, n } = this;
    const at = this.skipBlanks(this.end);
    this.start = at;
    if (at >= n) {
      this.kind = K.End;
      this.end = at;
      return;
    }
    const c = src.charCodeAt(at);
    if (c >= 128) throw NOT_PLAIN;
    if (c === Ch.Quote) {
      let e = at + 1;
      for (; e < n; e++) {
        const d = src.charCodeAt(e);
        if (d === Ch.Backslash) e++;
        else if (d === Ch.Quote) break;
        // A string running past its line, or a character beyond ASCII, is tree-sitter's to read.
        else if (d === Ch.Newline || d >= 128) throw NOT_PLAIN;
      }
      if (e >= n) throw NOT_PLAIN;
      this.kind = K.Str;
      this.end = e + 1;
      return;
    }
    if (C_WORD[c]) {
      let e = at + 1;
      while (e < n) {
        const d = src.charCodeAt(e);
        if (d < 128 && (C_WORD[d] || d === 46)) e++;
        else break;
      }
      if (c >= 48 && c <= 57) {
        this.kind = K.Num;
        // An exponent's sign would continue the literal.
        const last = src.charCodeAt(e - 1) | 32;
        const after = src.charCodeAt(e);
        if ((last === 101 || last === 112) && (after === 43 || after === 45)) throw NOT_PLAIN;
        if (!INTEGER.test(src.slice(at, e))) throw NOT_PLAIN;
      } else {
        this.kind = K.Word;
        this.word = src.slice(at, e);
        if (this.word.includes(".")) throw NOT_PLAIN;
      }
      this.end = e;
      return;
    }
    this.kind = K.Punct;
    const d = src.charCodeAt(at + 1);
    let code = 0;
    if (c === 46) {
      if (d !== 46 || src.charCodeAt(at + 2) !== 46) throw NOT_PLAIN;
      this.punct = P.Ellipsis;
      this.end = at + 3;
      return;
    }
    if (c === 60 && d === 60) code = P.Shl;
    else if (c === 62 && d === 62) code = P.Shr;
    else if (c === 60 && d === 61) code = P.Le;
    else if (c === 62 && d === 61) code = P.Ge;
    else if (c === 61 && d === 61) code = P.Eq;
    else if (c === 33 && d === 61) code = P.Ne;
    else if (c === 38 && d === 38) code = P.And;
    else if (c === 124 && d === 124) code = P.Or;
    if (code) {
      this.punct = code;
      this.end = at + 2;
      return;
    }
    // Comments, `->`, `++`, `--`, compound assignments: not in a plain declaration.
    if (!PUNCT[c] || (c === 47 && (d === 42 || d === 47)) || (c === 45 && (d === 62 || d === 45)) || (c === 43 && d === 43) || (d === 61 && c !== 61 && c !== 60 && c !== 62)) throw NOT_PLAIN;
    this.punct = c;
    this.end = at + 1;
  }

  private isNumber(): boolean {
    return this.kind === K.Num;
  }

  private is(c: number): boolean {
    return this.kind === K.Punct && this.punct === c;
  }

  private expect(c: number): void {
    if (!this.is(c)) throw NOT_PLAIN;
    this.next();
  }

  /** The current word, if a name tree-sitter-c would take as an identifier; moves past it. */
  private name(): string {
    if (this.kind !== K.Word || this.keywords.has(this.word) || TS_PRIMITIVE_WORDS.has(this.word)) throw NOT_PLAIN;
    const w = this.word;
    this.next();
    return w;
  }

  private topLevel(): Item {
    const at = this.start;
    const typedef = this.kind === K.Word && this.word === "typedef";
    if (typedef) this.next();
    const quals = this.qualifiers();
    const spec = this.spec();
    if (this.is(Ch.Semi)) {
      // `struct s { ... };`: a type specifier alone, as tree-sitter-c takes it only bare.
      if (typedef || quals || (spec.k !== "record" && spec.k !== "enum")) throw NOT_PLAIN;
      return { k: "decl", spec, typedef: false, attrs: [], declarators: [], at };
    }
    this.qualifiers();
    // Attributes between the type and the declarators are the declaration's (libbpf's SEC() and __uint() expand there).
    const attrs: Attr[] = [];
    if (!typedef) while (this.isAttribute()) attrs.push(...this.attributes());
    const declarators: Declarator[] = [];
    for (;;) {
      const d = this.declarator(typedef);
      if (!typedef && this.is(Ch.Equals)) {
        this.next();
        // An initializer list is tree-sitter's to read.
        if (this.is(Ch.LBrace)) throw NOT_PLAIN;
        d.init = this.expr(1);
      }
      declarators.push(d);
      if (!this.is(Ch.Comma)) break;
      this.next();
    }
    // A typedef's attributes after its declarators are the last declarator's; a variable's, tree-sitter-c does not place.
    if (typedef) while (this.isAttribute()) declarators[declarators.length - 1]!.attrs.push(...this.attributes());
    if (!this.is(Ch.Semi)) throw NOT_PLAIN;
    return { k: "decl", spec, typedef, attrs, declarators, at };
  }

  /** Skips const, volatile and restrict, which change no layout; whether there were any. */
  private qualifiers(): boolean {
    let any = false;
    while (this.kind === K.Word && QUALIFIERS.has(this.word)) {
      any = true;
      this.next();
    }
    return any;
  }

  private spec(): Spec {
    if (this.kind !== K.Word) throw NOT_PLAIN;
    const at = this.start;
    const w = this.word;
    if (SIZE_WORDS.has(w)) {
      const words: string[] = [];
      while (this.kind === K.Word && SIZE_WORDS.has(this.word)) {
        words.push(this.word);
        this.next();
      }
      if (this.kind === K.Word && TS_PRIMITIVE_WORDS.has(this.word)) {
        words.push(this.word);
        this.next();
        if (this.kind === K.Word && (SIZE_WORDS.has(this.word) || QUALIFIERS.has(this.word))) throw NOT_PLAIN;
      } else if (!this.is(Ch.Colon)) {
        // `long x`: tree-sitter-c may take x for the type; only an unnamed bitfield (`long: 64`) is sure.
        throw NOT_PLAIN;
      }
      return { k: "prim", words };
    }
    if (w === "struct" || w === "union") return this.record(w);
    if (w === "enum") return this.enumSpec();
    if (this.keywords.has(w)) throw NOT_PLAIN;
    this.next();
    if (TYPEOF.test(w)) return this.typeofSpec();
    if (this.kind === K.Word && SIZE_WORDS.has(this.word)) {
      // `__int128 unsigned`: the size words may follow a built-in type.
      if (!PRIMITIVES.has(w) && !TS_PRIMITIVE_WORDS.has(w)) throw NOT_PLAIN;
      const words = [w];
      while (this.kind === K.Word && SIZE_WORDS.has(this.word)) {
        words.push(this.word);
        this.next();
      }
      if (this.kind === K.Word && (TS_PRIMITIVE_WORDS.has(this.word) || QUALIFIERS.has(this.word))) throw NOT_PLAIN;
      return { k: "prim", words };
    }
    return PRIMITIVES.has(w) ? { k: "prim", words: [w] } : { k: "name", name: w, pos: { at } };
  }

  /**
   * `typeof(T)`, tree-sitter-c's macro_type_specifier named typeof: a type,
   * const and pointers around it.
   */
  private typeofSpec(): Spec {
    this.expect(Ch.LParen);
    this.qualifiers();
    const spec = this.spec();
    this.qualifiers();
    const derived: Derived[] = [];
    while (this.is(Ch.Star)) {
      this.next();
      this.qualifiers();
      derived.push({ k: "ptr" });
    }
    this.expect(Ch.RParen);
    return { k: "typeof", type: { spec, derived } };
  }

  private record(tag: "struct" | "union"): Spec {
    const at = this.start;
    this.next();
    let name = "";
    if (this.kind === K.Word && !this.isAttribute()) name = this.name();
    let fields: FieldDecl[] | undefined;
    if (this.is(Ch.LBrace)) fields = this.fields();
    else if (name === "") throw NOT_PLAIN;
    const attrs = this.isAttribute() ? this.attributes() : [];
    const spec: Spec = { k: "record", tag, name, attrs, at };
    if (fields) spec.fields = fields;
    return spec;
  }

  private fields(): FieldDecl[] {
    this.next();
    const out: FieldDecl[] = [];
    while (!this.is(Ch.RBrace)) out.push(this.field());
    this.next();
    return out;
  }

  private field(): FieldDecl {
    const at = this.start;
    this.qualifiers();
    const spec = this.spec();
    this.qualifiers();
    const declarators: Declarator[] = [];
    if (this.is(Ch.Semi)) {
      if (spec.k !== "record" && spec.k !== "enum") throw NOT_PLAIN;
    } else {
      for (;;) {
        if (this.is(Ch.Colon)) {
          // An unnamed bitfield: tree-sitter-c makes up the missing name and walk.ts reads the clause.
          const colon = this.start;
          this.next();
          declarators.push({ name: "", derived: [], attrs: [], bits: this.expr(1), at: colon });
        } else {
          const d = this.declarator(false);
          if (this.is(Ch.Colon)) {
            this.next();
            d.bits = this.expr(1);
          }
          declarators.push(d);
        }
        if (!this.is(Ch.Comma)) break;
        this.next();
      }
      if (this.isAttribute()) {
        if (spec.k === "prim" && SIZE_WORDS.has(spec.words[spec.words.length - 1]!)) throw NOT_PLAIN;
        declarators[declarators.length - 1]!.attrs.push(...this.attributes());
      }
    }
    this.expect(Ch.Semi);
    return { spec, attrs: [], declarators, at };
  }

  private enumSpec(): Spec {
    const at = this.start;
    this.next();
    let name = "";
    if (this.kind === K.Word) name = this.name();
    let values: Enumerator[] | undefined;
    if (this.is(Ch.LBrace)) {
      this.next();
      values = [];
      while (!this.is(Ch.RBrace)) {
        // tree-sitter-c takes `true` and `false` for enumerator names, as in vmlinux.h's `enum { false = 0, true = 1 }`.
        const e: Enumerator = { name: this.kind === K.Word && (this.word === "true" || this.word === "false") ? this.word : "", at: this.start };
        if (e.name) this.next();
        else e.name = this.name();
        if (this.is(Ch.Equals)) {
          this.next();
          e.value = this.expr(1);
        }
        values.push(e);
        if (this.is(Ch.Comma)) this.next();
        else if (!this.is(Ch.RBrace)) throw NOT_PLAIN;
      }
      this.next();
    } else if (name === "") throw NOT_PLAIN;
    // A fixed type (`enum e : int`) and attributes are left to tree-sitter.
    if (this.is(Ch.Colon) || this.isAttribute()) throw NOT_PLAIN;
    const spec: Spec = { k: "enum", name, attrs: [], at };
    if (values) spec.values = values;
    return spec;
  }

  /**
   * A named declarator: `derived` lists what wraps the name from the
   * outside in, as tree-sitter-c nests its nodes: a pointer around all that
   * follows it, each suffix around what precedes it.
   */
  private declarator(typedef: boolean): Declarator {
    if (this.is(Ch.Star)) {
      this.next();
      this.qualifiers();
      const inner = this.declarator(typedef);
      inner.derived.unshift({ k: "ptr" });
      return inner;
    }
    let d: Declarator;
    if (this.is(Ch.LParen)) {
      this.next();
      if (!this.is(Ch.Star)) throw NOT_PLAIN;
      d = this.declarator(typedef);
      this.expect(Ch.RParen);
    } else {
      const at = this.start;
      // A typedef may name `size_t`, a primitive_type to tree-sitter-c, as walk.ts reads it.
      const name = typedef && this.kind === K.Word && TS_PRIMITIVE_WORDS.has(this.word) ? this.word : "";
      if (name) this.next();
      d = { name: name || this.name(), derived: [], attrs: [], at };
    }
    this.suffixes(d.derived);
    return d;
  }

  /** Arrays and parameter lists after a declarator, each around what precedes it. */
  private suffixes(derived: Derived[]): void {
    for (;;) {
      if (this.is(Ch.LBracket)) {
        this.next();
        if (this.is(Ch.RBracket)) derived.unshift({ k: "array" });
        else derived.unshift({ k: "array", len: this.expr(1) });
        this.expect(Ch.RBracket);
      } else if (this.is(Ch.LParen)) derived.unshift(this.params());
      else return;
    }
  }

  /** A parameter's declarator, named or not: `*`, `(*)(int)`, `*name`. */
  private paramDeclarator(): { name: string; derived: Derived[] } {
    if (this.is(Ch.Star)) {
      this.next();
      this.qualifiers();
      const inner = this.is(Ch.Comma) || this.is(Ch.RParen) ? { name: "", derived: [] } : this.paramDeclarator();
      inner.derived.unshift({ k: "ptr" });
      return inner;
    }
    let d: { name: string; derived: Derived[] };
    if (this.is(Ch.LParen)) {
      this.next();
      if (!this.is(Ch.Star)) throw NOT_PLAIN;
      d = this.paramDeclarator();
      this.expect(Ch.RParen);
    } else d = { name: this.name(), derived: [] };
    this.suffixes(d.derived);
    return d;
  }

  private params(): { k: "func"; params: Param[]; variadic: boolean } {
    this.next();
    const params: Param[] = [];
    let variadic = false;
    if (!this.is(Ch.RParen)) {
      for (;;) {
        if (this.is(P.Ellipsis)) {
          variadic = true;
          this.next();
        } else {
          this.qualifiers();
          const spec = this.spec();
          this.qualifiers();
          const d = this.is(Ch.Comma) || this.is(Ch.RParen) ? undefined : this.paramDeclarator();
          params.push({ name: d?.name ?? "", type: { spec, derived: d?.derived ?? [] } });
        }
        if (!this.is(Ch.Comma)) break;
        this.next();
      }
    }
    this.expect(Ch.RParen);
    return { k: "func", params, variadic };
  }

  private isAttribute(): boolean {
    return this.kind === K.Word && (this.word === "__attribute__" || this.word === "__attribute");
  }

  /** `__attribute__((a, b(1)))`: names, and arguments that are arithmetic. */
  private attributes(): Attr[] {
    this.next();
    this.expect(Ch.LParen);
    this.expect(Ch.LParen);
    const out: Attr[] = [];
    if (!this.is(Ch.RParen)) {
      for (;;) {
        const name = attrName(this.name());
        const args: Expr[] = [];
        if (this.is(Ch.LParen)) {
          this.next();
          if (!this.is(Ch.RParen)) {
            for (;;) {
              args.push(this.expr(1));
              if (!this.is(Ch.Comma)) break;
              this.next();
            }
          }
          this.expect(Ch.RParen);
        }
        out.push({ name, args });
        if (!this.is(Ch.Comma)) break;
        this.next();
      }
    }
    this.expect(Ch.RParen);
    this.expect(Ch.RParen);
    return out;
  }

  /** An expression whose operators bind at least as strongly as `min`. */
  private expr(min: number): Expr {
    let a = this.unary();
    for (;;) {
      const op = this.kind === K.Punct ? BINARY[this.punct] : undefined;
      if (!op || op[1] < min) return a;
      this.next();
      a = { k: "binary", op: op[0], a, b: this.expr(op[1] + 1) };
    }
  }

  private unary(): Expr {
    if (this.kind === K.Str) {
      // Strings side by side are one concatenated_string, spanning the blanks between them.
      const from = this.start;
      let to = this.end;
      this.next();
      while (this.kind === K.Str) {
        to = this.end;
        this.next();
      }
      // A word after a string may be a macro tree-sitter-c takes into the concatenation.
      if (this.kind === K.Word) throw NOT_PLAIN;
      return { k: "str", text: this.text.slice(from, to) };
    }
    if (this.kind === K.Num) {
      const text = this.text.slice(this.start, this.end);
      this.next();
      return { k: "num", text };
    }
    if (this.kind === K.Word) {
      const name = this.name();
      // A call, or a cast's operand: not arithmetic this reader follows.
      if (this.is(Ch.LParen)) throw NOT_PLAIN;
      return { k: "id", name };
    }
    if (this.kind !== K.Punct) throw NOT_PLAIN;
    const c = this.punct;
    if (c === Ch.Minus || c === Ch.Plus) {
      // A sign written against its digits is part of the number, as tree-sitter-c lexes it.
      const d = this.text.charCodeAt(this.end);
      if (d >= 48 && d <= 57) {
        const from = this.start;
        this.next();
        if (!this.isNumber() || this.start !== from + 1) throw NOT_PLAIN;
        const text = this.text.slice(from, this.end);
        this.next();
        return { k: "num", text };
      }
    }
    if (c === Ch.Minus || c === Ch.Plus || c === Ch.Tilde || c === Ch.Bang) {
      this.next();
      return { k: "unary", op: String.fromCharCode(c), a: this.unary() };
    }
    if (c === Ch.LParen) {
      this.next();
      const inner = this.expr(1);
      // `(name)` may be a cast; tree-sitter-c decides that by what follows.
      if (inner.k === "id") throw NOT_PLAIN;
      this.expect(Ch.RParen);
      return inner;
    }
    throw NOT_PLAIN;
  }
}
