import { MARK, splitDeclaration } from "../../ir/c-names.js";
import { MAX_CHAIN } from "../../ir/graph.js";
import { floatAlign, intAlign } from "../../ir/layout/aggregate.js";
import type { TypeId } from "../../ir/types.js";
import type { Btf } from "../../readers/btf/btf.js";
import { Kind } from "../../readers/btf/wire.js";
import { TYPE_COL } from "./text.js";

// Layout of every aggregate of a kernel straight from the BTF records: the
// graph path builds an IR node per type and a member object per member
// before it prints a line, and that, not the printing, is most of its time.
// This path answers the same questions (resolve, sizeOf, alignOf, the C
// spelling) over the records' words, with caches in flat arrays by id. It
// must print what the graph path prints, byte for byte (a test holds it to
// that), so it follows the graph path's walks step by step, depth bounds and
// cycle guards included; and where the graph path would fail, it gives up
// (Unfit) and the caller runs the graph path, which then says why.
//
// Most of a run is spent before V8 has optimized any of this, so the work
// per member is kept to a few typed-array reads and cached strings, and
// the kinds are BTF's numbers, not strings compared one by one.

/** What the records formatters read of a BTF reader. */
export type AggregateRecords = Pick<Btf, "file" | "count" | "target" | "sound" | "flatRecords" | "locOf">;

/** The records hold something the graph path would reject, or spell differently: use the graph. */
export class Unfit extends Error {}

export const { INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64 } = Kind;

/** The C keyword of a qualifier, by kind. */
const QUALIFIERS: string[] = [];
QUALIFIERS[CONST] = "const";
QUALIFIERS[VOLATILE] = "volatile";
QUALIFIERS[RESTRICT] = "restrict";

/** The C keyword of a struct or union kind. */
export const keywordOf = (kind: number): "struct" | "union" => (kind === UNION ? "union" : "struct");

export class RecordTypes {
  readonly pointerSize: number;
  private readonly pointerAlign: number;
  /** The records, as FlatRecords gives them. */
  readonly words: Uint32Array;
  readonly at: Int32Array;
  /** The string sections, as bytes: a name runs from its offset to the next NUL. */
  readonly nameBytes: Uint8Array;
  /** The same bytes, for Buffer's string decoding. */
  private readonly nameBuffer: Buffer;
  /** By id: 1 + its kind once its record is known to decode, else 0 (ENUM64 is kept as ENUM). */
  private readonly kinds: Uint8Array;
  /**
   * sizeOf's answers by id: -1 while unknown, -2 for sizes too large to
   * keep here (only corrupt input has them).
   */
  readonly sizes: Int32Array;
  /** alignOf's answers by resolved id, 0 while unknown (alignments are a few bytes, at least 1). */
  private readonly aligns: Uint8Array;
  /** resolve's answers by id, plus 1; 0 while unknown. */
  private readonly resolved: Int32Array;
  /** anonymous's answers by id: 0 while unknown, 1 for none, else 1 + STRUCT or UNION. */
  readonly anon: Uint8Array;
  /**
   * By id, a member type's text in the format written, worked out once per
   * type: the first of its pieces in `arena`, 0 while unknown. For text
   * (`columns`) three pieces: the type column padded as text.ts pads it and
   * what goes before the member's name (`(*`), then what goes after it
   * (`)(void *)`, `[16]`), then the size column and the end of the line.
   * For JSON (`typeNameJson`) one: its C name as a JSON string.
   */
  readonly pieces: Int32Array;
  /** For text, by id, the width of the declarator without the name (of a type `columns` has seen); wider than 16 bits is Unfit. */
  readonly widths: Uint16Array;
  /** The strings worked out once per type, as bytes. */
  readonly arena = new Arena();
  /** One format's pieces: a kernel's 125,000 types need no arrays for the other. */
  constructor(
    readonly r: AggregateRecords,
    readonly format: "text" | "json",
  ) {
    const flat = r.flatRecords();
    // A name's length in UTF-16 units pads the columns; only ASCII makes it the byte count the records give.
    if (!flat.ascii) throw new Unfit("names beyond ASCII");
    this.words = flat.words;
    this.at = flat.at;
    // A plain view, not a Buffer: its indexOf is V8's own, without Buffer's checks in JavaScript.
    this.nameBytes = new Uint8Array(flat.nameBytes.buffer, flat.nameBytes.byteOffset, flat.nameBytes.byteLength);
    this.nameBuffer = Buffer.from(flat.nameBytes.buffer, flat.nameBytes.byteOffset, flat.nameBytes.byteLength);
    this.pointerSize = r.target.scalars.pointer.size;
    this.pointerAlign = r.target.scalars.pointer.align;
    this.kinds = new Uint8Array(r.count);
    this.sizes = new Int32Array(r.count).fill(-1);
    this.aligns = new Uint8Array(r.count);
    this.resolved = new Int32Array(r.count);
    this.anon = new Uint8Array(r.count);
    this.pieces = new Int32Array(r.count);
    this.widths = new Uint16Array(format === "text" ? r.count : 0);
  }

  /** The BTF kind of `id` (0 for void), once its record is known to decode. */
  kind(id: TypeId): number {
    const known = this.kinds[id];
    if (known) return known - 1;
    if (!this.r.sound(id)) throw new Unfit(`type ${id}`);
    let kind = id === 0 ? 0 : (this.words[this.at[id]! + 1]! >>> 24) & 0x1f;
    if (kind === ENUM64) kind = ENUM;
    this.kinds[id] = kind + 1;
    return kind;
  }

  /** The string at offset `off` (one `sound` has checked). */
  str(off: number): string {
    // Most parameters of function types have no name.
    if (this.nameBytes[off] === 0) return "";
    // The records path takes ASCII names only, so UTF-8 is latin1 here; Buffer decodes it without looking the encoding up.
    return this.nameBuffer.toString(undefined, off, this.nameBytes.indexOf(0, off));
  }

  /** Whether no name needs escaping in a JSON string: then JSON.stringify(name) is the name in quotes. */
  namesJsonPlain(): boolean {
    const b = this.nameBytes;
    // NUL only ends names; the other control characters, quotes and backslashes would be escaped.
    for (let k = 0; k < b.length; k++) {
      const c = b[k]!;
      if ((c < 0x20 && c !== 0) || c === 0x22 || c === 0x5c) return false;
    }
    return true;
  }

  /** The name of type `id` (of a record `kind` has checked). */
  name(id: TypeId): string {
    return id === 0 ? "" : this.str(this.words[this.at[id]!]!);
  }

  /** The record's third word: a size, or the id of the type it refers to. */
  sizeOrType(id: TypeId): number {
    return this.words[this.at[id]! + 2]!;
  }

  /** Word `k` after the record's common part. */
  private word(id: TypeId, k: number): number {
    return this.words[this.at[id]! + 3 + k]!;
  }

  /** As graph.ts's resolve: through typedefs and qualifiers. */
  resolve(id: TypeId): TypeId {
    const known = this.resolved[id];
    if (known) return known - 1;
    let rid = id;
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      const kind = this.kind(rid);
      if (kind === TYPEDEF || kind === CONST || kind === VOLATILE || kind === RESTRICT || kind === TYPE_TAG) rid = this.sizeOrType(rid);
      else {
        this.resolved[id] = rid + 1;
        return rid;
      }
    }
    throw new Unfit("qualifier chain");
  }

  /** As graph.ts's sizeOf. */
  sizeOf(id: TypeId): number {
    const known = this.sizes[id]!;
    if (known >= 0) return known;
    const size = this.sizeOfChain(id);
    this.sizes[id] = size <= 0x7fffffff ? size : -2;
    return size;
  }

  private sizeOfChain(id: TypeId): number {
    let count = 1;
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      const rid = this.resolve(id);
      switch (this.kind(rid)) {
        case INT:
        case FLOAT:
        case ENUM:
        case STRUCT:
        case UNION:
        case DATASEC:
          return count * this.sizeOrType(rid);
        case PTR:
          return count * this.pointerSize;
        case ARRAY:
          count *= this.word(rid, 2);
          id = this.word(rid, 0);
          continue;
        default:
          return 0;
      }
    }
    throw new Unfit("array nesting");
  }

  /**
   * As aggregate.ts's alignOf, cache included: a struct is marked 1 while
   * its members are walked, so a corrupt self-containing one ends the walk,
   * and what it settles on depends on the order of the calls, which callers
   * keep as the graph path's.
   */
  alignOf(id: TypeId): number {
    return this.alignWithin(id, 0);
  }

  private alignWithin(id: TypeId, depth: number): number {
    if (depth > MAX_CHAIN) throw new Unfit("nesting");
    id = this.resolve(id);
    // A struct's entry is 1 while its members are walked; every other kind's is final when made.
    const known = this.aligns[id]!;
    if (known) return known;
    switch (this.kind(id)) {
      case INT:
      case ENUM:
        return (this.aligns[id] = intAlign(this.r.target, this.sizeOrType(id)));
      case FLOAT:
        return (this.aligns[id] = floatAlign(this.r.target, this.sizeOrType(id)));
      case PTR:
        return (this.aligns[id] = this.pointerAlign);
      case ARRAY:
        return this.alignWithin(this.word(id, 0), depth + 1);
      case STRUCT:
      case UNION: {
        this.aligns[id] = 1;
        const a = this.derivedAlign(id, depth);
        this.aligns[id] = a;
        return a;
      }
      default:
        return 1;
    }
  }

  private derivedAlign(id: TypeId, depth: number): number {
    const w = this.words;
    const at = this.at[id]!;
    const info = w[at + 1]!;
    const n = info & 0xffff;
    const bitfields = info >>> 31 === 1;
    let align = 1;
    let packed = false;
    const { resolved, aligns } = this;
    for (let k = 0, q = at + 3; k < n; k++, q += 3) {
      // alignWithin's answer where its caches hold it, without the call.
      const type = w[q + 1]!;
      const r = resolved[type]!;
      const known = r && depth < MAX_CHAIN ? aligns[r - 1]! : 0;
      const a = known || this.alignWithin(type, depth + 1);
      const word = w[q + 2]!;
      const bitSize = bitfields ? word >>> 24 : 0;
      const bitOffset = bitfields ? word & 0xffffff : word;
      if (bitSize === 0 && bitOffset % (a * 8) !== 0) packed = true;
      if (a > align) align = a;
    }
    if (packed || w[at + 2]! % align !== 0) return 1;
    return align;
  }

  /** The kind (STRUCT or UNION) of an anonymous struct or union member's type, else 0; as the graph path's test. */
  anonymous(id: TypeId): number {
    const known = this.anon[id]!;
    if (known) return known - 1;
    const rid = this.resolve(id);
    const kind = this.kind(rid);
    const inner = (kind === STRUCT || kind === UNION) && rid === id && this.nameBytes[this.words[this.at[rid]!]!] === 0 ? kind : 0;
    this.anon[id] = inner + 1;
    return inner;
  }

  /** As c-names.ts's cDeclarationColumns, padded as text.ts pads the type column; returns the first piece of `id`'s. */
  columns(id: TypeId): number {
    if (this.format !== "text") throw new Error("RecordTypes: columns of a JSON writer's types");
    const known = this.pieces[id]!;
    if (known) return known;
    const { type, before, after } = this.plainColumns(id) ?? splitDeclaration(this.declare(id, MARK, 0));
    const pad = type.length < TYPE_COL ? PADDING[TYPE_COL - type.length]! : "";
    const piece = this.arena.add(`${type}${pad} ${before}`, after, sizeColumn(this.sizeOf(id)));
    const width = before.length + after.length;
    if (width > 0xffff) throw new Unfit("declarator wider than 65535 columns");
    this.widths[id] = width;
    return (this.pieces[id] = piece);
  }

  /**
   * What splitDeclaration makes of declare(id, MARK), for a type plainWalk
   * takes: most member types, spelled without the whole declaration written
   * around a mark and searched. Undefined for the others, and for a base
   * name with a parenthesis, which splitDeclaration would take for a
   * declarator's (only corrupt input has one): declare spells those.
   */
  private plainColumns(id: TypeId): { type: string; before: string; after: string } | undefined {
    const walk = this.plainWalk(id, MARK, 0);
    if (!walk) return undefined;
    const { quals, base, stars, after } = walk;
    if (base.includes("(")) return undefined;
    const type = stars === "" ? `${quals}${base}` : `${quals}${base} ${stars}`;
    // trimEnd's work where there is any: a name or a pointer's qualifier may end in a space.
    return { type: endsInSpace(type) ? type.trimEnd() : type, before: "", after };
  }

  /** As declare(id, name, depth), for a type plainWalk takes; else undefined. */
  private plainDeclare(id: TypeId, name: string, depth: number): string | undefined {
    // declare trims what follows a pointer's qualifier, which would cut into a name ending in a space (only corrupt input has one).
    if (name !== "") {
      const last = name.charCodeAt(name.length - 1);
      if (last === 0x20 || (last >= 0x09 && last <= 0x0d)) return undefined;
    }
    const walk = this.plainWalk(id, name, depth);
    if (!walk) return undefined;
    const inner = `${walk.stars}${name}${walk.after}`;
    return `${walk.quals}${join(walk.base, inner)}`;
  }

  /**
   * declare(id, name, depth) in one walk down the type's chain, where no
   * declarator wraps the name (no function, no pointer to an array or a
   * function): the qualifiers written before the base type, the base type,
   * the stars (and qualifiers of pointers) between it and the name, the
   * array bounds after it. Undefined for the other types, and where declare
   * would go too deep (it then says so). Each step asks `kind` what declare
   * asks it, in the same order.
   */
  private plainWalk(id: TypeId, name: string, depth: number): { quals: string; base: string; stars: string; after: string } | undefined {
    let quals = "";
    let stars = "";
    let after = "";
    let x = id;
    for (; depth <= MAX_CHAIN; depth++) {
      const kind = this.kind(x);
      switch (kind) {
        case PTR: {
          const target = this.sizeOrType(x);
          const to = this.kind(target);
          if (to === ARRAY || to === FUNC_PROTO) return undefined;
          stars = `*${stars}`;
          x = target;
          continue;
        }
        case ARRAY:
          after = `${after}[${this.word(x, 2)}]`;
          x = this.word(x, 0);
          continue;
        case TYPE_TAG:
          x = this.sizeOrType(x);
          continue;
        case CONST:
        case VOLATILE:
        case RESTRICT: {
          // A table and non-short-circuit tests, so that the rare qualifiers run no operation V8's optimized code has not seen (each would throw it away).
          const qualifier = QUALIFIERS[kind]!;
          const target = this.sizeOrType(x);
          // declare trims what follows a pointer's qualifier: there is nothing to trim unless that is empty.
          if (this.kind(target) === PTR) stars = (+(stars === "") & +(name === "") & +(after === "")) === 1 ? qualifier : `${qualifier} ${stars}`;
          else quals = `${quals}${qualifier} `;
          x = target;
          continue;
        }
        case DATASEC:
        case DECL_TAG:
        case FUNC_PROTO:
          return undefined;
        default:
          return { quals, base: this.baseName(x, kind), stars, after };
      }
    }
    return undefined;
  }

  /** declare's spelling of a type that takes no declarator (void, a named or tagged type). */
  private baseName(id: TypeId, kind: number): string {
    switch (kind) {
      case 0:
        return "void";
      case STRUCT:
      case UNION:
      case ENUM: {
        const name = this.name(id);
        const tag = kind === ENUM ? "enum" : keywordOf(kind);
        return name ? `${tag} ${name}` : `${tag} {...}`;
      }
      case FWD:
        return `${this.words[this.at[id]! + 1]! >>> 31 === 1 ? "union" : "struct"} ${this.name(id)}`;
      default:
        // int, float, typedef, func, var
        return this.name(id);
    }
  }

  /** As c-names.ts's cTypeName, as a JSON string; returns its piece. */
  typeNameJson(id: TypeId): number {
    if (this.format !== "json") throw new Error("RecordTypes: a JSON name of a text writer's types");
    const known = this.pieces[id]!;
    if (known) return known;
    return (this.pieces[id] = this.arena.add(JSON.stringify(this.plainDeclare(id, "", 0) ?? this.declare(id, "", 0))));
  }

  /** As c-names.ts's declare. */
  private declare(id: TypeId, inner: string, depth: number): string {
    if (depth > MAX_CHAIN) throw new Unfit("declarator nesting");
    const kind = this.kind(id);
    switch (kind) {
      case 0:
        return join("void", inner);
      case PTR: {
        const target = this.sizeOrType(id);
        const to = this.kind(target);
        const star = to === ARRAY || to === FUNC_PROTO ? `(*${inner})` : `*${inner}`;
        return this.declare(target, star, depth + 1);
      }
      case ARRAY:
        return this.declare(this.word(id, 0), `${inner}[${this.word(id, 2)}]`, depth + 1);
      case FUNC_PROTO: {
        const params: string[] = [];
        const n = this.words[this.at[id]! + 1]! & 0xffff;
        for (let k = 0; k < n; k++) {
          const type = this.word(id, 2 * k + 1);
          // A last parameter of type void with no name marks `...`.
          if (type === 0 && k === n - 1) {
            params.push("...");
            break;
          }
          const name = this.str(this.word(id, 2 * k));
          params.push(this.plainDeclare(type, name, depth + 1) ?? this.declare(type, name, depth + 1));
        }
        return this.declare(this.sizeOrType(id), `${inner}(${params.length ? params.join(", ") : "void"})`, depth + 1);
      }
      case CONST:
      case VOLATILE:
      case RESTRICT: {
        const qualifier = kind === CONST ? "const" : kind === VOLATILE ? "volatile" : "restrict";
        const target = this.sizeOrType(id);
        if (this.kind(target) === PTR) return this.declare(target, `${qualifier} ${inner}`.trimEnd(), depth + 1);
        return `${qualifier} ${this.declare(target, inner, depth + 1)}`;
      }
      case TYPE_TAG:
        return this.declare(this.sizeOrType(id), inner, depth + 1);
      case DATASEC:
        return join(`SEC("${this.name(id)}")`, inner);
      case DECL_TAG:
        return join(`__attribute__((btf_decl_tag("${this.name(id)}")))`, inner);
      default:
        return join(this.baseName(id, kind), inner);
    }
  }
}

/**
 * Strings as bytes, one after another: piece k is bytes[ends[k - 1]..ends[k]),
 * and piece 0 is empty, so 0 can mean "not yet" in a cache of pieces.
 * Only ASCII goes in (the records path declines other names).
 */
export class Arena {
  bytes = Buffer.alloc(1 << 16);
  ends = new Int32Array(1 << 12);
  private count = 1;

  /** Appends `a`, `b` and `c` as consecutive pieces (`b` and `c` if given); returns the first. */
  add(a: string, b?: string, c?: string): number {
    const first = this.count;
    const start = this.ends[first - 1]!;
    const s = b === undefined ? a : c === undefined ? a + b : a + b + c;
    if (start + s.length > this.bytes.length) {
      const bytes = Buffer.alloc(Math.max(2 * this.bytes.length, start + s.length));
      this.bytes.copy(bytes);
      this.bytes = bytes;
    }
    if (first + 3 > this.ends.length) {
      const ends = new Int32Array(2 * this.ends.length + 3);
      ends.set(this.ends);
      this.ends = ends;
    }
    // ASCII, so UTF-8 is one byte a character; Buffer writes UTF-8 without looking the encoding up.
    this.bytes.write(s, start);
    let end = (this.ends[this.count++] = start + a.length);
    if (b !== undefined) end = this.ends[this.count++] = end + b.length;
    if (c !== undefined) this.ends[this.count++] = end + c.length;
    return first;
  }
}

/** Spaces that pad a type column, by count. */
const PADDING = Array.from({ length: TYPE_COL + 1 }, (_, n) => " ".repeat(n));

/** The size column and the end of a member line, made once for each size below 4096. */
const SIZE_COLUMNS: string[] = [];
function sizeColumn(size: number): string {
  const known = size >= 0 && size < 4096 ? SIZE_COLUMNS[size] : undefined;
  if (known !== undefined) return known;
  const column = ` ${String(size).padStart(5)} */\n`;
  if (size >= 0 && size < 4096) SIZE_COLUMNS[size] = column;
  return column;
}

/** Whether `s` ends in what trimEnd takes off, of the ASCII the records path reads: tab to carriage return, space. */
function endsInSpace(s: string): boolean {
  const c = s.charCodeAt(s.length - 1);
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function join(base: string, inner: string): string {
  return inner === "" ? base : `${base} ${inner}`;
}

/** Depth of anonymous members inside anonymous members beyond which the records are not trusted. */
export const MAX_NESTING = MAX_CHAIN;

/**
 * Asks `types` everything the text writer will ask of `ids`, in its order
 * (alignOf's answers depend on it), so that writing cannot fail half way
 * through: whatever would make the records unfit is found before a byte is
 * written.
 */
export function prepareText(types: RecordTypes, ids: readonly TypeId[]): void {
  // Indexed, not for-of: unoptimized code allocates an iterator result per step.
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    aggregateKind(types, id);
    types.alignOf(id);
    prepareMembers(types, id, 0);
  }
}

function prepareMembers(types: RecordTypes, id: TypeId, depth: number): void {
  if (depth > MAX_NESTING) throw new Unfit("anonymous members nested too deep");
  const { words: w, sizes, anon, pieces } = types;
  const at = types.at[id]!;
  const n = w[at + 1]! & 0xffff;
  // The caches are read here before each call: most answers are known, and a call costs more than a read before V8 optimizes.
  for (let i = 0, q = at + 4; i < n; i++, q += 3) {
    const type = w[q]!;
    if (sizes[type]! < 0) types.sizeOf(type);
    const a = anon[type]!;
    if (a === 0 ? types.anonymous(type) : a - 1) {
      types.alignOf(type);
      prepareMembers(types, type, depth + 1);
    } else if (!pieces[type]) types.columns(type);
  }
}

/** As prepareText, for the JSON writer. */
export function prepareJson(types: RecordTypes, ids: readonly TypeId[]): void {
  // Indexed, not for-of: unoptimized code allocates an iterator result per step.
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    aggregateKind(types, id);
    types.alignOf(id);
    const { words: w, sizes, pieces } = types;
    const at = types.at[id]!;
    const n = w[at + 1]! & 0xffff;
    for (let i = 0, q = at + 4; i < n; i++, q += 3) {
      const type = w[q]!;
      if (sizes[type]! < 0) types.sizeOf(type);
      if (!pieces[type]) types.typeNameJson(type);
    }
  }
}

/** STRUCT or UNION, the kind of aggregate `id`. */
export function aggregateKind(types: RecordTypes, id: TypeId): number {
  const kind = types.kind(id);
  if (kind !== STRUCT && kind !== UNION) throw new Unfit(`type ${id} is not an aggregate`);
  return kind;
}
