// One pass over preprocessed C text that finds its top-level declarations
// without parsing them: where each starts and ends, the names it declares
// (tags, typedef names, enumerators, variables, functions) and the names it
// needs. A program that includes a 3 MB vmlinux.h then parses only the few
// declarations its own code reaches (reachable.ts), not its 16,000.
// The scan errs on the side of needing more: a name it cannot place is
// counted as used, which costs a parse, never a layout.

import { C_WORD, Ch } from "../chars.js";
import { W, wordsOf, Words } from "./words.js";

/** Names in one namespace: a tag is `#` and its name (C gives struct, union and enum one tag namespace). */
export type Key = string;

export const tagKey = (name: string): Key => `#${name}`;

export interface Decl {
  /** Character offsets in the scanned text; `end` is past the `;` or the function body's `}`. */
  start: number;
  end: number;
  defines: Key[];
  /**
   * Names whose declarations this one needs read first: typedef names,
   * constants, tags used by value. Found on first use (needsOf): the index
   * itself skips the insides of record bodies, most of a header's text.
   */
  needs?: Key[];
  /** Read whatever the program uses: `#pragma pack`, and variables placed in a section (a header's maps). */
  root: boolean;
}

export interface DeclIndex {
  text: string;
  decls: Decl[];
  /** Declarations defining each key, in text order. */
  definers: Definers;
}

/**
 * The declarations defining each key, found through the scan's own table
 * of words: a key is a word (a tag, a word marked as one), so no map of a
 * header's 30,000 names is built for the few a program looks up.
 */
export class Definers {
  constructor(
    private readonly words: Words,
    /** Per word code (a word's number, twice, plus one for a tag), its first definer plus one; 0 for none. */
    private readonly first: Int32Array,
    /** Per word code defined more than once, all its definers. */
    private readonly more: Map<number, number[]>,
  ) {}

  get(k: Key): readonly number[] | undefined {
    const tag = k.startsWith("#");
    const id = this.words.find(tag ? k.slice(1) : k);
    if (id < 0) return undefined;
    const code = id * 2 + (tag ? 1 : 0);
    const first = code < this.first.length ? this.first[code]! : 0;
    if (first === 0) return undefined;
    return this.more.get(code) ?? [first - 1];
  }

  /** Every key defined. */
  *keys(): Iterable<Key> {
    for (let code = 0; code < this.first.length; code++) {
      if (this.first[code] === 0) continue;
      const name = this.words.name(code >> 1);
      yield code & 1 ? tagKey(name) : name;
    }
  }
}



const enum Mode {
  /** Where declarations are and what they define; record bodies are searched only for the tags and enumerators they define. */
  Index,
  /** What one declaration needs. */
  Needs,
  /** A program's own text: function bodies are read too. */
  Program,
}

/**
 * In a record body, an index looks no further than the next brace, quote
 * or tag keyword that opens a body (`struct name {`, attributes allowed
 * between): native searches over the bulk of a header, past the members
 * that only name a type. A search for braces, quotes and tag keywords,
 * then at each keyword a check that a body follows: one expression doing
 * both tries that check at every character.
 */
const BODY_STOP = /[{}"']|\b(?:struct|union|enum)\b/g;
const OPENS_BODY = /(?:struct|union|enum)\b(?:\s*__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\))*(?:\s+[A-Za-z_$][\w$]*)?(?:\s*__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\))*\s*\{/y;

/** Where the scan of an enum body looks: separators, groups, literals, and what ends the quick scan. */
const ENUM_STOP = /[,(){}"'#]/g;

/** Words that change the scan's state in an enum body: a body holding one is read word by word. */
const ENUM_STATE_WORDS = new RegExp(`\\b(?:${[...wordsOf([W.Tag, W.Group, W.Shape, W.Typeof, W.Typedef]), "section"].join("|")})\\b`, "g");

/** Where the search of a record body from `at` stops: a brace, a quote, a tag keyword opening a body, or the end. */
function bodyStop(text: string, at: number): number {
  for (;;) {
    BODY_STOP.lastIndex = at;
    if (!BODY_STOP.test(text)) return text.length;
    const past = BODY_STOP.lastIndex;
    const c = text.charCodeAt(past - 1);
    if (c === Ch.LBrace || c === Ch.RBrace || c === Ch.Quote || c === Ch.Apostrophe) return past - 1;
    // struct, union, enum: told apart by their last letter.
    const keyword = past - (c === 116 ? 6 : c === 110 ? 5 : 4);
    OPENS_BODY.lastIndex = keyword;
    if (OPENS_BODY.test(text)) return keyword;
    at = past;
  }
}

/** What a `{` opened inside a declaration. */
const enum Brace {
  Record,
  Enum,
  Other,
}

/**
 * The declarations of `text`. `quick`: record and enum bodies are searched
 * natively for the little an index wants of them; false reads them word by
 * word, which must give the same (a test holds the two together).
 */
export function indexDeclarations(text: string, quick = true): DeclIndex {
  return new Scanner(text, Mode.Index, quick).run();
}

/** What declaration `i` of `index` needs. */
export function needsOf(index: DeclIndex, i: number): Key[] {
  const d = index.decls[i]!;
  return (d.needs ??= new Scanner(index.text.slice(d.start, d.end), Mode.Needs).run().decls[0]?.needs ?? []);
}

/** What one scan of a program's own text finds. */
export interface ProgramScan {
  /**
   * Every name it declares or uses, function bodies included: a name it
   * declares again must meet the header's declaration as a compiler would.
   * A record it names only through pointers it needs no more than a header
   * does; its object's BTF would not hold it either.
   */
  names: Set<Key>;
  /** Its function bodies, as pairs of offsets: the `{` and the `}` that closes it. */
  bodies: number[];
  /** Where each function whose body `bodies` holds starts. */
  functionStarts: number[];
  /**
   * Whether each function, parsed by itself, parses as within the whole
   * text. Not so where a brace is never closed (a parser mends a body
   * elsewhere), where a brace at file scope opens no body, record, enum or
   * initializer (a K&R definition declares its parameters between its
   * signature and its body: a function to a parser, not to the index), or
   * where a directive stands inside a declaration at file scope (`#ifdef`
   * around two signatures: a parser puts the function in the directive's
   * block, whose end cuts it).
   */
  functionsAlone: boolean;
}

/** The function bodies of a program's text, as `scanProgram` gives them. */
export function functionBodies(text: string): number[] {
  return scanProgram(text).bodies;
}

export function scanProgram(text: string): ProgramScan {
  const scanner = new Scanner(text, Mode.Program);
  const names = new Set<Key>();
  for (const d of scanner.run().decls) {
    for (const k of d.defines) names.add(k);
    for (const k of d.needs!) names.add(k);
  }
  const bodies = scanner.bodies;
  // A body the text ends in is not closed: it is left as it is.
  if (bodies.length % 2) bodies.pop();
  return { names, bodies, functionStarts: scanner.functionStarts, functionsAlone: scanner.functionsAlone };
}

class Scanner {
  private i = 0;
  private readonly n: number;
  private readonly words: Words;
  /** Tag keys made so far, by word: a map, since an array written at scattered word numbers turns into a dictionary. */
  private readonly tags = new Map<number, Key>();
  private readonly decls: Decl[] = [];
  /** In a program's text, each function body's braces, where each function starts, and whether each parses alone: see ProgramScan. */
  readonly bodies: number[] = [];
  readonly functionStarts: number[] = [];
  functionsAlone = true;

  // The declaration being read.
  private start = -1;
  private readonly defines: Key[] = [];
  private defined = 0;
  /** Per define, its word code (see Definers). */
  private readonly defineCodes: number[] = [];
  private readonly needs: Key[] = [];
  private needed = 0;
  /** Per need, its word code. */
  private readonly needCodes: number[] = [];
  private firstDefiner = new Int32Array(1024);
  private readonly moreDefiners = new Map<number, number[]>();
  /** Paren depth where a sizeof, typeof, offsetof or alignment ends; -1 when outside one: a tag named in there is needed, pointer or not. */
  private shapeEnd = -1;
  private typedef = false;
  private section = false;
  private function = false;
  // The lists below are kept from one declaration to the next, with a count
  // of what they hold: emptying an array by `length = 0` gives up its room,
  // and sixteen thousand declarations each grew theirs again.
  /** Open braces, innermost last: `depth` of them. */
  private readonly braces: Brace[] = [];
  private depth = 0;
  /** Per record body open, whether the declarator around it had its name. */
  private readonly outerNamed: boolean[] = [];
  /** The enumerators enumBody finds, before it knows it may keep them. */
  private readonly enumerators: number[] = [];
  /** Where the next word after an enum body's `{` that enumBody leaves to the word-by-word scan ends. */
  private stateWordEnd = -1;
  private records = 0;
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
  /** The last punctuation read: a `{` after a `)` at the outermost level opens a function's body. */
  private lastPunct = 0;
  /** `enum` was the last tag keyword: the body it opens holds enumerators. */
  private enumOpening = false;

  constructor(
    private readonly text: string,
    private readonly mode: Mode,
    private readonly quick = false,
  ) {
    this.n = text.length;
    this.words = new Words(text);
  }

  run(): DeclIndex {
    const { text, n } = this;
    let lineStart = true;
    const index = this.quick;
    while (this.i < n) {
      if (index && this.inBody()) {
        this.i = bodyStop(text, this.i);
        lineStart = false;
        if (this.i >= n) break;
      }
      const c = text.charCodeAt(this.i);
      if (c === Ch.Newline) {
        lineStart = true;
        this.i++;
        continue;
      }
      if (c === Ch.Space || c === Ch.Tab || c === Ch.Cr || c === 11 || c === 12) {
        this.i++;
        continue;
      }
      if (c === Ch.Hash && lineStart) {
        this.directive();
        continue;
      }
      lineStart = false;
      if (c < 128 && C_WORD[c] && !(c >= 48 && c <= 57)) this.word();
      else if ((c >= 48 && c <= 57) || (c === Ch.Dot && this.digitAt(this.i + 1))) this.number();
      else if (c === Ch.Quote || c === Ch.Apostrophe) this.quoted(c);
      else if (c !== Ch.Slash || !this.comment()) this.punct(c);
    }
    if (this.depth > 0) this.functionsAlone = false;
    if (this.start >= 0) this.end(n);
    return { text, decls: this.decls, definers: new Definers(this.words, this.firstDefiner, this.moreDefiners) };
  }

  private skipping(): boolean {
    const depth = this.depth;
    return this.mode === Mode.Index && depth > 0 && this.braces[depth - 1] === Brace.Record;
  }

  /** In a record body, with no tag or attribute waiting for its next token: where an index skips ahead. */
  private inBody(): boolean {
    const depth = this.depth;
    return depth > 0 && this.braces[depth - 1] === Brace.Record && !this.tagWord && this.tagName < 0 && this.groupEnd < 0;
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
    while (e > 0 && text.charCodeAt(e - 1) === Ch.Backslash) e = text.indexOf("\n", e + 1);
    if (e < 0) e = this.n;
    if (this.start < 0 && /^#\s*pragma\s+pack\b/.test(text.slice(this.i, Math.min(e, this.i + 64)))) {
      this.decls.push({ start: this.i, end: e, defines: [], needs: [], root: true });
    }
    if (this.start >= 0 && this.depth === 0) this.functionsAlone = false;
    this.i = e;
  }

  /** Skips a comment at the `/` under the scan: preprocessed text has none, a program's text as written does. */
  private comment(): boolean {
    const { text } = this;
    const next = text.charCodeAt(this.i + 1);
    if (next === Ch.Star) {
      const end = text.indexOf("*/", this.i + 2);
      this.i = end < 0 ? this.n : end + 2;
      return true;
    }
    if (next !== Ch.Slash) return false;
    const end = text.indexOf("\n", this.i + 2);
    this.i = end < 0 ? this.n : end;
    return true;
  }

  private number(): void {
    const { text } = this;
    let i = this.i + 1;
    while (i < this.n) {
      const c = text.charCodeAt(i);
      if (c < 128 && (C_WORD[c] || c === Ch.Dot)) i++;
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
      if (c === Ch.Backslash) i += 2;
      else if (c === q || c === Ch.Newline) {
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
    // Kept within 24 bits: small integers all the way.
    let h = text.charCodeAt(from);
    let i = from + 1;
    while (i < this.n) {
      const c = text.charCodeAt(i);
      if (c < 128 && C_WORD[c]) {
        h = (h * 31 + c) & 0xffffff;
        i++;
      } else break;
    }
    if (this.start < 0) this.start = from;
    this.i = i;
    const id = this.words.id(from, i, h);
    const kind = this.words.kind(id);
    // Attributes may stand between a tag keyword, its name and its body.
    if (kind === W.Group) {
      if (this.groupEnd < 0) this.groupEnd = this.parens;
      if ((this.words.name(id) === "_Alignas" || this.words.name(id) === "alignas") && this.shapeEnd < 0) this.shapeEnd = this.parens;
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
      this.enumOpening = this.words.name(id) === "enum";
      this.enumerator = false;
      return;
    }
    if (this.groupEnd >= 0) {
      if (this.words.name(id) === "section") this.section = true;
      else if ((kind === W.Shape || kind === W.Typeof) && this.shapeEnd < 0) this.shapeEnd = this.parens;
      else if (kind === W.Name) this.need(id);
      return;
    }
    const top = this.depth === 0 ? Brace.Record : this.braces[this.depth - 1]!;
    if (kind !== W.Name) {
      if (kind === W.Type) {
        if (top === Brace.Record && this.typeofEnd < 0) this.sawType = true;
      } else if (kind === W.Shape) {
        if (this.shapeEnd < 0) this.shapeEnd = this.parens;
      }
      else if (kind === W.Typeof) {
        if (this.shapeEnd < 0) this.shapeEnd = this.parens;
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
        this.define(id, false);
      } else this.need(id);
      return;
    }
    if (top !== Brace.Record || this.typeofEnd >= 0 || this.initializer || this.named) {
      this.need(id);
      return;
    }
    if (!this.sawType) {
      // A typedef name as the type.
      this.sawType = true;
      this.need(id);
      return;
    }
    // A declarator's name: a declaration's is defined, a member's is nobody's business.
    this.named = true;
    if (this.depth === 0) this.define(id, false);
  }


  /**
   * Settles a tag name waiting for what follows it: `kind` is the next
   * token, a char code for punctuation, 1 for a word, 0 for a literal.
   */
  private after(kind: number): void {
    const name = this.tagName;
    if (name < 0 || this.groupEnd >= 0) return;
    this.tagName = -1;
    const { words } = this;
    const serial = this.decls.length;
    if (kind === Ch.LBrace) this.define(name, true);
    // A pointer's layout is the same whether its target is defined or only declared.
    else if ((kind !== Ch.Star || this.shapeEnd >= 0) && words.mark(name, true, serial)) {
      this.needs[this.needed] = this.tag(name);
      this.needCodes[this.needed++] = name * 2 + 1;
    }
    const depth = this.depth;
    if ((depth === 0 || this.braces[depth - 1] === Brace.Record) && this.typeofEnd < 0) this.sawType = true;
  }

  /** Word `id` as a tag's key. */
  private tag(id: number): Key {
    let key = this.tags.get(id);
    if (key === undefined) this.tags.set(id, (key = tagKey(this.words.name(id))));
    return key;
  }

  /** Lists word `id` among the names the declaration being read needs, once. */
  private need(id: number): void {
    if (this.words.mark(id, false, this.decls.length)) {
      this.needs[this.needed] = this.words.name(id);
      this.needCodes[this.needed++] = id * 2;
    }
  }

  /** Lists word `id`, or the tag it names, among what the declaration being read defines. */
  private define(id: number, tag: boolean): void {
    this.defines[this.defined] = tag ? this.tag(id) : this.words.name(id);
    this.defineCodes[this.defined++] = id * 2 + (tag ? 1 : 0);
  }

  private punct(c: number): void {
    this.begin();
    const opening = this.tagWord || this.tagName >= 0;
    if (this.groupEnd < 0) this.tagWord = false;
    this.after(c);
    this.i++;
    const depth = this.depth;
    const top = depth === 0 ? Brace.Record : this.braces[depth - 1]!;
    switch (c) {
      // An index counts no parentheses in a record body but an attribute's: it skips the others' mates.
      case Ch.LParen:
        if (!this.skipping() || this.groupEnd >= 0) this.parens++;
        break;
      case Ch.RParen:
        if (this.skipping() && this.groupEnd < 0) break;
        this.parens--;
        if (this.groupEnd === this.parens) this.groupEnd = -1;
        if (this.typeofEnd === this.parens) this.typeofEnd = -1;
        if (this.shapeEnd === this.parens) this.shapeEnd = -1;
        break;
      case Ch.LBrace:
        this.lbrace(opening);
        return;
      case Ch.RBrace: {
        const b = this.depth > 0 ? this.braces[--this.depth] : undefined;
        if (b === Brace.Record) {
          // The member or declaration around the body goes on: a type was named.
          this.named = this.records > 0 ? this.outerNamed[--this.records]! : false;
          this.sawType = true;
        } else if (b === Brace.Enum) {
          this.enumerator = false;
          this.sawType = true;
        } else if (this.function && depth === 1) {
          this.bodies.push(this.i - 1);
          this.functionStarts.push(this.start);
          this.end(this.i);
        }
        break;
      }
      case Ch.Comma:
        if (this.parens !== 0) break;
        if (top === Brace.Record) {
          this.named = false;
          this.initializer = false;
        } else if (top === Brace.Enum) this.enumerator = true;
        break;
      case Ch.Equals:
        if (depth === 0 && this.parens === 0) this.initializer = true;
        break;
      case Ch.Semi:
        if (this.parens !== 0) break;
        if (depth === 0) this.end(this.i);
        else if (top === Brace.Record) this.sawType = this.named = false;
        break;
    }
    this.lastPunct = c;
  }

  private lbrace(opening: boolean): void {
    const last = this.lastPunct;
    this.lastPunct = Ch.LBrace;
    if (opening) {
      const isEnum = this.enumOpening;
      this.enumOpening = false;
      if (isEnum) {
        this.braces[this.depth++] = Brace.Enum;
        this.enumerator = true;
        if (this.quick) this.enumBody();
      } else {
        this.braces[this.depth++] = Brace.Record;
        this.outerNamed[this.records++] = this.named;
        this.sawType = this.named = false;
      }
      return;
    }
    // A `{` after a parameter list at the outermost level opens a function's body: skip it whole.
    if (this.depth === 0 && !this.initializer && last === Ch.RParen && this.parens === 0) {
      this.function = true;
      if (this.mode === Mode.Program) {
        this.bodies.push(this.i - 1);
        this.braces[this.depth++] = Brace.Other;
      }
      else {
        this.skipBody();
        this.end(this.i);
      }
      return;
    }
    if (this.depth === 0 && !this.initializer && this.mode === Mode.Program) this.functionsAlone = false;
    this.braces[this.depth++] = Brace.Other;
  }

  /**
   * Of an enum body an index wants only the enumerators: the first word
   * after the `{` and after each `,` outside parentheses. They are found
   * with native searches (a kernel header's enums are a fifth of it), and
   * the scan goes on at the closing `}`, in the state the word-by-word scan
   * would leave. A body holding anything else that scan would act on (a
   * brace, a directive, a tag, an attribute, sizeof, an enumerator that is
   * a keyword) is left to it, from the start of the body.
   */
  private enumBody(): void {
    if (this.groupEnd >= 0 || this.typeofEnd >= 0 || this.shapeEnd >= 0) return;
    const { text, n } = this;
    const names = this.enumerators;
    let count = 0;
    let parens = this.parens;
    let want = true;
    let i = this.i;
    for (;;) {
      if (want) {
        let c = text.charCodeAt(i);
        while (c === Ch.Space || c === Ch.Newline || c === Ch.Tab || c === Ch.Cr || c === 11 || c === 12) c = text.charCodeAt(++i);
        if (c < 128 && C_WORD[c] && !(c >= 48 && c <= 57)) {
          const from = i;
          let h = c;
          for (let d = text.charCodeAt(++i); i < n && d < 128 && C_WORD[d]; d = text.charCodeAt(++i)) h = (h * 31 + d) & 0xffffff;
          const id = this.words.id(from, i, h);
          if (this.words.kind(id) !== W.Name) return;
          names[count++] = id;
          want = false;
          continue;
        }
        if (c !== Ch.RBrace) return;
      }
      ENUM_STOP.lastIndex = i;
      if (!ENUM_STOP.test(text)) return;
      i = ENUM_STOP.lastIndex - 1;
      const c = text.charCodeAt(i);
      if (c === Ch.LParen) parens++;
      else if (c === Ch.RParen) parens--;
      else if (c === Ch.Comma) {
        if (parens === 0) want = true;
      } else if (c === Ch.Quote || c === Ch.Apostrophe) {
        for (i++; i < n; i++) {
          const d = text.charCodeAt(i);
          if (d === Ch.Backslash) i++;
          else if (d === c || d === Ch.Newline) break;
        }
      } else if (c === Ch.RBrace) break;
      else return;
      i++;
    }
    // Where the next such word ends, kept while it lies ahead: a word cannot
    // hold a brace, so one that ends before the `}` is in the body.
    if (this.stateWordEnd <= this.i) {
      ENUM_STATE_WORDS.lastIndex = this.i;
      this.stateWordEnd = ENUM_STATE_WORDS.test(text) ? ENUM_STATE_WORDS.lastIndex : n + 1;
    }
    if (this.stateWordEnd <= i) return;
    for (let k = 0; k < count; k++) this.define(names[k]!, false);
    this.parens = parens;
    this.enumerator = want;
    this.i = i;
  }

  private skipBody(): void {
    const { text } = this;
    let depth = 1;
    let i = this.i;
    while (i < this.n && depth > 0) {
      const c = text.charCodeAt(i);
      if (c === Ch.LBrace) depth++;
      else if (c === Ch.RBrace) depth--;
      else if (c === Ch.Quote || c === Ch.Apostrophe) {
        i++;
        while (i < this.n) {
          const d = text.charCodeAt(i);
          if (d === Ch.Backslash) i++;
          else if (d === c || d === Ch.Newline) break;
          i++;
        }
      }
      i++;
    }
    this.i = i;
  }

  private end(at: number): void {
    const root = this.section && !this.typedef && !this.function;
    // `struct s;` declares the tag: read where the tag is, it gives the tag its place among the types.
    const forward = this.defined === 0 && !this.typedef && this.needed === 1 && this.needs[0]!.startsWith("#");
    const codes = forward ? this.needCodes : this.defineCodes;
    const serial = this.decls.length;
    for (let k = 0, count = forward ? this.needed : this.defined; k < count; k++) {
      const code = codes[k]!;
      if (code >= this.firstDefiner.length) {
        let size = this.firstDefiner.length * 2;
        while (size <= code) size *= 2;
        const grown = new Int32Array(size);
        grown.set(this.firstDefiner);
        this.firstDefiner = grown;
      }
      const first = this.firstDefiner[code]! - 1;
      if (first < 0) this.firstDefiner[code] = serial + 1;
      else if (first !== serial) {
        const more = this.moreDefiners.get(code);
        if (!more) this.moreDefiners.set(code, [first, serial]);
        else if (more[more.length - 1] !== serial) more.push(serial);
      }
    }
    // The lists being built are kept for the next declaration; a declaration keeps copies of their exact size.
    const defines = forward ? this.needs.slice(0, 1) : this.defines.slice(0, this.defined);
    if (this.mode === Mode.Index) this.decls.push({ start: this.start, end: at, defines, root });
    else this.decls.push({ start: this.start, end: at, defines, needs: forward ? [] : this.needs.slice(0, this.needed), root });
    this.start = -1;
    this.defined = this.needed = 0;
    this.shapeEnd = -1;
    this.typedef = this.section = this.function = false;
    this.depth = this.records = 0;
    this.parens = 0;
    this.groupEnd = this.typeofEnd = -1;
    this.sawType = this.named = this.initializer = false;
    this.tagWord = false;
    this.tagName = -1;
    this.enumerator = this.enumOpening = false;
    this.lastPunct = Ch.Semi;
  }
}
