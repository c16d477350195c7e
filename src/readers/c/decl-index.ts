// One pass over preprocessed C text that finds its top-level declarations
// without parsing them: where each starts and ends, the names it declares
// (tags, typedef names, enumerators, variables, functions) and the names it
// needs. A program that includes a 3 MB vmlinux.h then parses only the few
// declarations its own code reaches (reachable.ts), not all 100,000 of them.
// The scan errs on the side of needing more: a name it cannot place is
// counted as used, which costs a parse, never a layout.

/** Names in one namespace: a tag is `#` and its name (C gives struct, union and enum one tag namespace). */
export type Key = string;

export const tagKey = (name: string): Key => `#${name}`;

export interface Decl {
  /** Character offsets in the scanned text; `end` is past the `;` or the function body's `}`. */
  start: number;
  end: number;
  defines: Key[];
  /** Names whose declarations this one needs read first: typedef names, constants, tags used by value. */
  needs: Key[];
  /** Read whatever the program uses: `#pragma pack`, and variables placed in a section (a header's maps). */
  root: boolean;
}

export interface DeclIndex {
  decls: Decl[];
  /** Declarations defining each key, in text order. */
  definers: Map<Key, number[]>;
}

const enum C {
  Tab = 9,
  Nl = 10,
  Cr = 13,
  Space = 32,
  Quote = 34,
  Hash = 35,
  Apos = 39,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Comma = 44,
  Dot = 46,
  Colon = 58,
  Semi = 59,
  Eq = 61,
  LBrack = 91,
  Backslash = 92,
  RBrack = 93,
  LBrace = 123,
  RBrace = 125,
}

/** What a word is to the scan; a word not here is a name. */
const enum W {
  Tag = 1,
  Group,
  Shape,
  Typeof,
  Typedef,
  Type,
  Other,
}

const WORDS = new Map<string, W>();
for (const w of ["struct", "union", "enum"]) WORDS.set(w, W.Tag);
// Followed by a parenthesized group that declares nothing: its names are only used.
for (const w of ["__attribute__", "__attribute", "__declspec", "__asm__", "__asm", "asm", "_Alignas", "alignas"]) WORDS.set(w, W.Group);
// After these a tag named through a pointer still needs its definition: its size or members are read.
for (const w of ["sizeof", "_Alignof", "__alignof__", "__alignof", "alignof", "offsetof", "__builtin_offsetof"]) WORDS.set(w, W.Shape);
for (const w of ["typeof", "__typeof__", "__typeof"]) WORDS.set(w, W.Typeof);
WORDS.set("typedef", W.Typedef);
for (const w of ["void", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "_Bool", "__int128", "_Float16", "__fp16", "_Complex", "__signed__", "__signed", "__unsigned"]) WORDS.set(w, W.Type);
for (const w of [
  "const", "volatile", "restrict", "__restrict", "__restrict__", "static", "extern", "inline", "__inline", "__inline__", "register", "auto",
  "_Thread_local", "__thread", "_Noreturn", "__const", "__const__", "__volatile__", "__volatile", "_Atomic", "__extension__", "_Static_assert", "static_assert",
]) WORDS.set(w, W.Other);

/** Identifier characters: [A-Za-z0-9_$]. */
const WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) WORD[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 ? 1 : 0;

/**
 * Each distinct word of the text once: a word is looked up by its
 * characters where it stands, so the hundreds of thousands of repeats in a
 * header allocate nothing.
 */
class Words {
  readonly names: string[] = [];
  readonly kinds: (W | undefined)[] = [];
  private readonly tags: (Key | undefined)[] = [];
  private readonly at: number[] = [];
  private slots = new Int32Array(1 << 14).fill(-1);

  constructor(private readonly text: string) {}

  /** The number of the word text[from, to), whose hash is `h`. */
  id(from: number, to: number, h: number): number {
    const { text, slots } = this;
    const mask = slots.length - 1;
    const len = to - from;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = slots[s]!;
      if (id < 0) {
        const name = text.slice(from, to);
        const n = this.names.length;
        this.names.push(name);
        this.kinds.push(WORDS.get(name));
        this.tags.push(undefined);
        this.at.push(from);
        slots[s] = n;
        if (n * 2 > mask) this.grow();
        return n;
      }
      if (this.names[id]!.length === len && this.same(this.at[id]!, from, len)) return id;
    }
  }

  tag(id: number): Key {
    return (this.tags[id] ??= tagKey(this.names[id]!));
  }

  private same(a: number, b: number, len: number): boolean {
    const { text } = this;
    for (let k = 0; k < len; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
    return true;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    this.names.forEach((name, id) => {
      let h = 0;
      for (let k = 0; k < name.length; k++) h = (Math.imul(h, 31) + name.charCodeAt(k)) | 0;
      let s = h & mask;
      while (slots[s]! >= 0) s = (s + 1) & mask;
      slots[s] = id;
    });
    this.slots = slots;
  }
}

/** What a `{` opened inside a declaration. */
const enum Brace {
  Record,
  Enum,
  Other,
}

/** The declarations of `text`. */
export function indexDeclarations(text: string): DeclIndex {
  return new Scanner(text, false).run();
}

/**
 * Every name a program's own text declares or uses, function bodies
 * included, and every tag it names as needed by value: its functions may
 * read any record they name, and a name it declares again must meet the
 * header's declaration as a compiler would.
 */
export function namesOfProgram(text: string): Set<Key> {
  const names = new Set<Key>();
  for (const d of new Scanner(text, true).run().decls) {
    for (const k of d.defines) names.add(k);
    for (const k of d.needs) names.add(k);
  }
  return names;
}

class Scanner {
  private i = 0;
  private readonly n: number;
  private readonly words: Words;
  private readonly decls: Decl[] = [];

  // The declaration being read.
  private start = -1;
  private defines: Key[] = [];
  private needs: Key[] = [];
  private ptrTags: Key[] = [];
  private shape = false;
  private typedef = false;
  private section = false;
  private function = false;
  /** Open braces, innermost last. */
  private braces: Brace[] = [];
  /** Per record body open, whether the declarator around it had its name. */
  private outerNamed: boolean[] = [];
  private parens = 0;
  /** Paren depth where an attribute's group or typeof's ends; -1 when outside one. */
  private groupEnd = -1;
  private typeofEnd = -1;
  /** In the declaration or member being read: a type was named, the current declarator's name was seen. */
  private sawType = false;
  private named = false;
  private initializer = false;
  /** A tag keyword waits for its name or body; a tag name waits for what follows it. */
  private tagWord = false;
  private tagName = -1;
  /** In an enum body, where the next word is an enumerator. */
  private enumerator = false;
  private lastPunct = 0;
  /** `enum` was the last tag keyword: the body it opens holds enumerators. */
  private enumOpening = false;

  constructor(
    private readonly text: string,
    /** A program's text: function bodies are read, tags named through pointers needed. */
    private readonly program: boolean,
  ) {
    this.n = text.length;
    this.words = new Words(text);
  }

  run(): DeclIndex {
    const { text, n } = this;
    let lineStart = true;
    while (this.i < n) {
      const c = text.charCodeAt(this.i);
      if (c === C.Nl) {
        lineStart = true;
        this.i++;
        continue;
      }
      if (c === C.Space || c === C.Tab || c === C.Cr || c === 11 || c === 12) {
        this.i++;
        continue;
      }
      if (c === C.Hash && lineStart) {
        this.directive();
        continue;
      }
      lineStart = false;
      if (c < 128 && WORD[c] && !(c >= 48 && c <= 57)) this.word();
      else if ((c >= 48 && c <= 57) || (c === C.Dot && this.digitAt(this.i + 1))) this.number();
      else if (c === C.Quote || c === C.Apos) this.quoted(c);
      else this.punct(c);
    }
    if (this.start >= 0) this.end(n);
    const definers = new Map<Key, number[]>();
    this.decls.forEach((d, at) => {
      for (const k of d.defines) {
        const list = definers.get(k);
        if (list) {
          if (list[list.length - 1] !== at) list.push(at);
        } else definers.set(k, [at]);
      }
    });
    return { decls: this.decls, definers };
  }

  private digitAt(i: number): boolean {
    const c = this.text.charCodeAt(i);
    return c >= 48 && c <= 57;
  }

  /** A preprocessor line: `#pragma pack` is a declaration of its own that every program reads; others are skipped. */
  private directive(): void {
    const { text } = this;
    let e = text.indexOf("\n", this.i);
    // Lines continued with a backslash are one directive.
    while (e > 0 && text.charCodeAt(e - 1) === C.Backslash) e = text.indexOf("\n", e + 1);
    if (e < 0) e = this.n;
    if (this.start < 0 && /^#\s*pragma\s+pack\b/.test(text.slice(this.i, Math.min(e, this.i + 64)))) {
      this.decls.push({ start: this.i, end: e, defines: [], needs: [], root: true });
    }
    this.i = e;
  }

  private number(): void {
    const { text } = this;
    let i = this.i + 1;
    while (i < this.n) {
      const c = text.charCodeAt(i);
      if (c < 128 && (WORD[c] || c === C.Dot)) i++;
      // An exponent's sign belongs to the number: 1e+5, 0x1p-3.
      else if ((c === 43 || c === 45) && /[eEpP]/.test(text[i - 1]!)) i++;
      else break;
    }
    this.i = i;
    this.begin();
    this.after(0);
  }

  private quoted(q: number): void {
    const { text } = this;
    let i = this.i + 1;
    while (i < this.n) {
      const c = text.charCodeAt(i);
      if (c === C.Backslash) i += 2;
      else if (c === q || c === C.Nl) {
        i++;
        break;
      } else i++;
    }
    this.i = i;
    this.begin();
    this.after(0);
  }

  private begin(): void {
    if (this.start < 0) this.start = this.i;
  }

  private word(): void {
    const { text } = this;
    const from = this.i;
    let h = text.charCodeAt(from);
    let i = from + 1;
    while (i < this.n) {
      const c = text.charCodeAt(i);
      if (c < 128 && WORD[c]) {
        h = (Math.imul(h, 31) + c) | 0;
        i++;
      } else break;
    }
    if (this.start < 0) this.start = from;
    this.i = i;
    const id = this.words.id(from, i, h);
    const w = this.words.names[id]!;
    const kind = this.words.kinds[id];
    // Attributes may stand between a tag keyword, its name and its body.
    if (kind === W.Group) {
      if (this.groupEnd < 0) this.groupEnd = this.parens;
      if (w === "_Alignas" || w === "alignas") this.shape = true;
      return;
    }
    if (this.tagWord && this.groupEnd < 0) {
      this.tagWord = false;
      this.tagName = id;
      return;
    }
    // A tag name waiting to learn whether a body or a `*` follows is used by value when a word does.
    this.after(1);
    if (kind === W.Tag) {
      this.tagWord = true;
      this.enumOpening = w === "enum";
      this.enumerator = false;
      return;
    }
    if (this.groupEnd >= 0) {
      if (w === "section") this.section = true;
      else if (kind === W.Shape || kind === W.Typeof) this.shape = true;
      else if (kind === undefined) this.needs.push(w);
      return;
    }
    const top = this.braces.length === 0 ? Brace.Record : this.braces[this.braces.length - 1]!;
    if (kind !== undefined) {
      if (kind === W.Type) {
        if (top === Brace.Record && this.typeofEnd < 0) this.sawType = true;
      } else if (kind === W.Shape) this.shape = true;
      else if (kind === W.Typeof) {
        this.shape = true;
        if (top === Brace.Record && !this.named && this.typeofEnd < 0) {
          this.sawType = true;
          this.typeofEnd = this.parens;
        }
      } else if (kind === W.Typedef) this.typedef = true;
      return;
    }
    if (top === Brace.Enum) {
      if (this.enumerator) {
        this.enumerator = false;
        this.defines.push(w);
      } else this.needs.push(w);
      return;
    }
    if (top !== Brace.Record || this.typeofEnd >= 0 || this.initializer || this.named) {
      this.needs.push(w);
      return;
    }
    if (!this.sawType) {
      // A typedef name as the type.
      this.sawType = true;
      this.needs.push(w);
      return;
    }
    // A declarator's name: a declaration's is defined, a member's is nobody's business.
    this.named = true;
    if (this.braces.length === 0) this.defines.push(w);
  }


  /**
   * Settles a tag name waiting for what follows it: `kind` is the next
   * token, a char code for punctuation, 1 for a word, 0 for a literal.
   */
  private after(kind: number): void {
    const name = this.tagName;
    if (name < 0 || this.groupEnd >= 0) return;
    this.tagName = -1;
    const key = this.words.tag(name);
    if (kind === C.LBrace) this.defines.push(key);
    else if (kind === C.Star) this.ptrTags.push(key);
    else this.needs.push(key);
    const depth = this.braces.length;
    if ((depth === 0 || this.braces[depth - 1] === Brace.Record) && this.typeofEnd < 0) this.sawType = true;
  }

  private punct(c: number): void {
    this.begin();
    const opening = this.tagWord || this.tagName >= 0;
    if (this.groupEnd < 0) this.tagWord = false;
    this.after(c);
    this.i++;
    const depth = this.braces.length;
    const top = depth === 0 ? Brace.Record : this.braces[depth - 1]!;
    switch (c) {
      case C.LParen:
        this.parens++;
        break;
      case C.RParen:
        this.parens--;
        if (this.groupEnd === this.parens) this.groupEnd = -1;
        if (this.typeofEnd === this.parens) this.typeofEnd = -1;
        break;
      case C.LBrace:
        this.lbrace(opening);
        return;
      case C.RBrace: {
        const b = this.braces.pop();
        if (b === Brace.Record) {
          // The member or declaration around the body goes on: a type was named.
          this.named = this.outerNamed.pop() ?? false;
          this.sawType = true;
        } else if (b === Brace.Enum) {
          this.enumerator = false;
          this.sawType = true;
        } else if (this.function && depth === 1) this.end(this.i);
        break;
      }
      case C.Comma:
        if (this.parens !== 0) break;
        if (top === Brace.Record) {
          this.named = false;
          this.initializer = false;
        } else if (top === Brace.Enum) this.enumerator = true;
        break;
      case C.Eq:
        if (depth === 0 && this.parens === 0) this.initializer = true;
        break;
      case C.Semi:
        if (this.parens !== 0) break;
        if (depth === 0) this.end(this.i);
        else if (top === Brace.Record) this.sawType = this.named = false;
        break;
    }
    this.lastPunct = c;
  }

  private lbrace(opening: boolean): void {
    const last = this.lastPunct;
    this.lastPunct = C.LBrace;
    if (opening) {
      const isEnum = this.enumOpening;
      this.enumOpening = false;
      if (isEnum) {
        this.braces.push(Brace.Enum);
        this.enumerator = true;
      } else {
        this.braces.push(Brace.Record);
        this.outerNamed.push(this.named);
        this.sawType = this.named = false;
      }
      return;
    }
    // A `{` after a parameter list at the outermost level opens a function's body: skip it whole.
    if (this.braces.length === 0 && !this.initializer && last === C.RParen && this.parens === 0) {
      this.function = true;
      if (this.program) this.braces.push(Brace.Other);
      else {
        this.skipBody();
        this.end(this.i);
      }
      return;
    }
    this.braces.push(Brace.Other);
  }

  private skipBody(): void {
    const { text } = this;
    let depth = 1;
    let i = this.i;
    while (i < this.n && depth > 0) {
      const c = text.charCodeAt(i);
      if (c === C.LBrace) depth++;
      else if (c === C.RBrace) depth--;
      else if (c === C.Quote || c === C.Apos) {
        i++;
        while (i < this.n) {
          const d = text.charCodeAt(i);
          if (d === C.Backslash) i++;
          else if (d === c || d === C.Nl) break;
          i++;
        }
      }
      i++;
    }
    this.i = i;
  }

  private end(at: number): void {
    const root = this.section && !this.typedef && !this.function;
    let needs = this.needs;
    // `struct s;` declares the tag: read where the tag is, it gives the tag its place among the types.
    if (!this.defines.length && !this.typedef && needs.length === 1 && !this.ptrTags.length && needs[0]!.startsWith("#")) {
      this.defines = needs;
      needs = [];
    }
    if (this.shape || this.program) needs.push(...this.ptrTags);
    this.decls.push({ start: this.start, end: at, defines: this.defines, needs, root });
    this.start = -1;
    this.defines = [];
    this.needs = [];
    this.ptrTags = [];
    this.shape = this.typedef = this.section = this.function = false;
    this.braces = [];
    this.outerNamed = [];
    this.parens = 0;
    this.groupEnd = this.typeofEnd = -1;
    this.sawType = this.named = this.initializer = false;
    this.tagWord = false;
    this.tagName = -1;
    this.enumerator = this.enumOpening = false;
    this.lastPunct = C.Semi;
  }
}
