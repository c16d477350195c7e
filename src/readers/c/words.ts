// The words of a C text for the declaration index (decl-index.ts): each
// distinct word kept once, with what it is to the scan.

/** What a word is to the scan. */
export enum W {
  Name,
  Tag,
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

/** The words of these kinds. */
export function wordsOf(kinds: readonly W[]): string[] {
  return [...WORDS].filter(([, k]) => kinds.includes(k)).map(([w]) => w);
}

/** The fields of a word in Words. The marks: the last declaration (plus one) that needed it as a name, as a tag. */
const enum F {
  At,
  Len,
  Hash,
  Kind,
  NameMark,
  TagMark,
  Size,
}

const LONGEST_WORD = Math.max(...[...WORDS.keys()].map((w) => w.length));

/** A word's hash with its high bits mixed into the low ones, which pick its slot. */
function spread(h: number): number {
  return (h ^ (h >>> 11) ^ (h >>> 19)) & 0xffffff;
}

/**
 * Each distinct word of the text once: a word is looked up by its
 * characters where it stands, so the hundreds of thousands of repeats in a
 * header allocate nothing.
 */
export class Words {
  /** Per word, F fields: where it first stands, its length, hash and kind, and the marks below. */
  private info: Int32Array;
  private count = 0;
  /** Per word, its text once asked for; as long as the word table, so that it stays an array and not a dictionary. */
  private readonly names: (string | undefined)[];
  private slots: Int32Array;

  constructor(private readonly text: string) {
    // Room for about a distinct word in eight characters at half load before growing.
    let size = 1 << 10;
    while (size < text.length / 16) size *= 2;
    this.slots = new Int32Array(size).fill(-1);
    this.info = new Int32Array((size >> 1) * F.Size);
    this.names = new Array<string | undefined>(size >> 1).fill(undefined);
  }

  /** The number of the word text[from, to), whose hash is `h`. */
  id(from: number, to: number, h: number): number {
    const { slots, info } = this;
    const mask = slots.length - 1;
    const len = to - from;
    for (let s = spread(h) & mask; ; s = (s + 1) & mask) {
      const id = slots[s]!;
      if (id < 0) return this.add(s, from, len, h);
      const at = id * F.Size;
      if (info[at + F.Len] === len && info[at + F.Hash] === h && this.same(info[at + F.At]!, from, len)) return id;
    }
  }

  /** The number of word `name`, -1 if the text has no such word. */
  find(name: string): number {
    const n = name.length;
    if (n === 0) return -1;
    let h = name.charCodeAt(0);
    for (let k = 1; k < n; k++) h = (h * 31 + name.charCodeAt(k)) & 0xffffff;
    const { slots, info, text } = this;
    const mask = slots.length - 1;
    for (let s = spread(h) & mask; ; s = (s + 1) & mask) {
      const id = slots[s]!;
      if (id < 0) return -1;
      const at = id * F.Size;
      if (info[at + F.Len] !== n || info[at + F.Hash] !== h) continue;
      const from = info[at + F.At]!;
      let k = 0;
      while (k < n && text.charCodeAt(from + k) === name.charCodeAt(k)) k++;
      if (k === n) return id;
    }
  }

  name(id: number): string {
    let name = this.names[id];
    if (name === undefined) {
      const at = this.info[id * F.Size + F.At]!;
      name = this.names[id] = this.text.slice(at, at + this.info[id * F.Size + F.Len]!);
    }
    return name;
  }

  kind(id: number): W {
    return this.info[id * F.Size + F.Kind]!;
  }

  /**
   * Marks word `id`, as a name or as a tag, listed for declaration
   * `serial`: false when it was already, so each is listed once per
   * declaration.
   */
  mark(id: number, asTag: boolean, serial: number): boolean {
    const at = id * F.Size + (asTag ? F.TagMark : F.NameMark);
    if (this.info[at] === serial + 1) return false;
    this.info[at] = serial + 1;
    return true;
  }

  private add(slot: number, from: number, len: number, h: number): number {
    const id = this.count++;
    const at = id * F.Size;
    this.info[at + F.At] = from;
    this.info[at + F.Len] = len;
    this.info[at + F.Hash] = h;
    this.slots[slot] = id;
    this.info[at + F.Kind] = len > LONGEST_WORD ? W.Name : (WORDS.get(this.name(id)) ?? W.Name);
    if (this.count * 2 >= this.slots.length) this.grow();
    return id;
  }

  private same(a: number, b: number, len: number): boolean {
    const { text } = this;
    for (let k = 0; k < len; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
    return true;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let s = spread(this.info[id * F.Size + F.Hash]!) & mask;
      while (slots[s]! >= 0) s = (s + 1) & mask;
      slots[s] = id;
    }
    const info = new Int32Array((slots.length >> 1) * F.Size);
    info.set(this.info);
    for (let k = this.names.length; k < slots.length >> 1; k++) this.names.push(undefined);
    this.slots = slots;
    this.info = info;
  }
}
