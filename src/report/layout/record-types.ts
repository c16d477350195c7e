import { MARK, splitDeclaration } from "../../ir/c-names.js";
import { MAX_CHAIN } from "../../ir/graph.js";
import { floatAlign, intAlign } from "../../ir/layout/aggregate.js";
import type { Target } from "../../ir/targets.js";
import type { SourceLoc, Type, TypeId } from "../../ir/types.js";

// Layout of every aggregate of a kernel straight from the BTF records: the
// graph path builds an IR node per type and a member object per member
// before it prints a line, and that, not the printing, is most of its time.
// This path answers the same questions (resolve, sizeOf, alignOf, the C
// spelling) over the records, with caches in flat arrays by id. It must
// print what the graph path prints, byte for byte (a test holds it to
// that), so it follows the graph path's walks step by step, depth bounds and
// cycle guards included; and where the graph path would fail, it gives up
// (Unfit) and the caller runs the graph path, which then says why.

/** The records a BTF reader exposes (src/readers/btf's Btf has them). */
export interface AggregateRecords {
  readonly file: string;
  readonly count: number;
  readonly target: Target;
  /** Whether decoding `id` as a graph node would succeed. */
  sound(id: TypeId): boolean;
  irKind(id: TypeId): Type["kind"];
  nameOf(id: TypeId): string;
  vlen(id: TypeId): number;
  sizeOrType(id: TypeId): number;
  /** Word `k` after the record's common part. */
  word(id: TypeId, k: number): number;
  kindFlag(id: TypeId): boolean;
  /** Where the entries after a record's common part start, in the view of its blob. */
  entries(id: TypeId): { view: DataView; at: number; le: boolean };
  /** The string at a name offset, `where` being the record for a message. */
  str(off: number, where: number): string;
  /** Copies the name at string offset `off` into `dst` from `at`: where it ends, or -1 for no room. */
  copyName(off: number, dst: Uint8Array, at: number): number;
  asciiNames(): boolean;
  locOf(id: TypeId): SourceLoc;
}

/** The records hold something the graph path would reject, or spell differently: use the graph. */
export class Unfit extends Error {}

type Kind = Type["kind"];
const KINDS: readonly Kind[] = ["void", "int", "ptr", "array", "struct", "union", "enum", "fwd", "typedef", "volatile", "const", "restrict", "func", "func_proto", "var", "datasec", "float", "decl_tag", "type_tag"];


export class RecordTypes {
  readonly pointerSize: number;
  private readonly pointerAlign: number;
  /** By id: 1 + the index of its kind in KINDS once its record is known to decode, else 0. */
  private readonly kinds: Uint8Array;
  /**
   * sizeOf's answers by id: -1 while unknown, -2 for sizes too large to
   * keep here (only corrupt input has them). Integer arrays, because a
   * double read from a Float64Array is a heap number until the code is
   * optimized, and most of this runs before it is.
   */
  private readonly sizes: Int32Array;
  /** alignOf's answers by resolved id, 0 while unknown (alignments are a few bytes, at least 1). */
  private readonly aligns: Uint8Array;
  /**
   * A member type's part of a member line, encoded once per type into
   * `arena`: the type column padded as text.ts pads it, with what goes
   * before the member's name (`(*`); then what goes after it (`)(void *)`,
   * `[16]`). By id: where that starts (+1, 0 while unknown), the two
   * lengths, and the declarator's width without the name.
   */
  arena: Buffer;
  private arenaLen = 0;
  readonly colStart: Int32Array;
  readonly colHead: Int32Array;
  readonly colAfter: Int32Array;
  readonly colWidth: Int32Array;
  private readonly nameIndex: Int32Array;
  private readonly names: string[] = [];

  constructor(readonly r: AggregateRecords) {
    // A name's length in UTF-16 units pads the columns; only ASCII makes it the byte count the records give.
    if (!r.asciiNames()) throw new Unfit("names beyond ASCII");
    this.pointerSize = r.target.scalars.pointer.size;
    this.pointerAlign = r.target.scalars.pointer.align;
    this.kinds = new Uint8Array(r.count);
    this.sizes = new Int32Array(r.count).fill(-1);
    this.aligns = new Uint8Array(r.count);
    this.colStart = new Int32Array(r.count);
    this.colHead = new Int32Array(r.count);
    this.colAfter = new Int32Array(r.count);
    this.colWidth = new Int32Array(r.count);
    this.nameIndex = new Int32Array(r.count);
    // Sized so that a kernel's member types fit without growing: replacing
    // the buffer while the writer is being optimized throws that work away.
    this.arena = Buffer.allocUnsafe(Math.max(1 << 12, r.count * 8));
  }

  /** The kind of `id`, once its record is known to decode. */
  kind(id: TypeId): Kind {
    const known = this.kinds[id];
    if (known) return KINDS[known - 1]!;
    if (!this.r.sound(id)) throw new Unfit(`type ${id}`);
    const kind = this.r.irKind(id);
    this.kinds[id] = KINDS.indexOf(kind) + 1;
    return kind;
  }

  /** The name at string offset `off`, for a message. */
  name(off: number): string {
    return this.r.str(off, 0);
  }

  /** As graph.ts's resolve: through typedefs and qualifiers. */
  resolve(id: TypeId): TypeId {
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      switch (this.kind(id)) {
        case "typedef":
        case "const":
        case "volatile":
        case "restrict":
        case "type_tag":
          id = this.r.sizeOrType(id);
          continue;
        default:
          return id;
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
        case "int":
        case "float":
        case "enum":
        case "struct":
        case "union":
        case "datasec":
          return count * this.r.sizeOrType(rid);
        case "ptr":
          return count * this.pointerSize;
        case "array":
          count *= this.r.word(rid, 2);
          id = this.r.word(rid, 0);
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
    switch (this.kind(id)) {
      case "int":
      case "enum":
        return intAlign(this.r.target, this.r.sizeOrType(id));
      case "float":
        return floatAlign(this.r.target, this.r.sizeOrType(id));
      case "ptr":
        return this.pointerAlign;
      case "array":
        return this.alignWithin(this.r.word(id, 0), depth + 1);
      case "struct":
      case "union": {
        const known = this.aligns[id]!;
        if (known) return known;
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
    let align = 1;
    let packed = false;
    const bitfields = this.r.kindFlag(id);
    const n = this.r.vlen(id);
    const { view, at, le } = this.r.entries(id);
    for (let k = 0, p = at; k < n; k++, p += 12) {
      const a = this.alignWithin(view.getUint32(p + 4, le), depth + 1);
      const word = view.getUint32(p + 8, le);
      const bitSize = bitfields ? word >>> 24 : 0;
      const bitOffset = bitfields ? word & 0xffffff : word;
      if (bitSize === 0 && bitOffset % (a * 8) !== 0) packed = true;
      if (a > align) align = a;
    }
    if (packed || this.r.sizeOrType(id) % align !== 0) return 1;
    return align;
  }

  /** As c-names.ts's cDeclarationColumns, encoded into `arena` with text.ts's padding of the type column; returns colStart's entry. */
  columns(id: TypeId, typeCol: number): number {
    const known = this.colStart[id]!;
    if (known) return known;
    const { type, before, after } = splitDeclaration(this.declare(id, MARK, 0));
    const head = `${type}${" ".repeat(Math.max(0, typeCol - type.length))} ${before}`;
    // Names are ASCII (the constructor made sure), so these are too: a character is a byte.
    const need = this.arenaLen + head.length + after.length;
    if (need > this.arena.length) {
      const next = Buffer.allocUnsafe(Math.max(need, this.arena.length * 2));
      this.arena.copy(next, 0, 0, this.arenaLen);
      this.arena = next;
    }
    const start = this.arenaLen;
    this.arena.write(head, start, "latin1");
    this.arena.write(after, start + head.length, "latin1");
    this.arenaLen = need;
    this.colHead[id] = head.length;
    this.colAfter[id] = after.length;
    this.colWidth[id] = before.length + after.length;
    return (this.colStart[id] = start + 1);
  }

  /** As c-names.ts's cTypeName. */
  typeName(id: TypeId): string {
    const known = this.nameIndex[id]!;
    if (known) return this.names[known - 1]!;
    const name = this.declare(id, "", 0);
    this.names.push(name);
    this.nameIndex[id] = this.names.length;
    return name;
  }

  /** As c-names.ts's declare. */
  private declare(id: TypeId, inner: string, depth: number): string {
    if (depth > MAX_CHAIN) throw new Unfit("declarator nesting");
    const r = this.r;
    const kind = this.kind(id);
    switch (kind) {
      case "void":
        return join("void", inner);
      case "ptr": {
        const target = r.sizeOrType(id);
        const to = this.kind(target);
        const star = to === "array" || to === "func_proto" ? `(*${inner})` : `*${inner}`;
        return this.declare(target, star, depth + 1);
      }
      case "array":
        return this.declare(r.word(id, 0), `${inner}[${r.word(id, 2)}]`, depth + 1);
      case "func_proto": {
        const params: string[] = [];
        const n = r.vlen(id);
        for (let k = 0; k < n; k++) {
          const type = r.word(id, 2 * k + 1);
          // A last parameter of type void with no name marks `...`.
          if (type === 0 && k === n - 1) {
            params.push("...");
            break;
          }
          params.push(this.declare(type, r.str(r.word(id, 2 * k), 0), depth + 1));
        }
        return this.declare(r.sizeOrType(id), `${inner}(${params.length ? params.join(", ") : "void"})`, depth + 1);
      }
      case "const":
      case "volatile":
      case "restrict": {
        const target = r.sizeOrType(id);
        if (this.kind(target) === "ptr") return this.declare(target, `${kind} ${inner}`.trimEnd(), depth + 1);
        return `${kind} ${this.declare(target, inner, depth + 1)}`;
      }
      case "type_tag":
        return this.declare(r.sizeOrType(id), inner, depth + 1);
      case "func":
      case "var":
        return join(r.nameOf(id), inner);
      case "datasec":
        return join(`SEC("${r.nameOf(id)}")`, inner);
      case "decl_tag":
        return join(`__attribute__((btf_decl_tag("${r.nameOf(id)}")))`, inner);
      case "struct":
      case "union":
      case "enum": {
        const name = r.nameOf(id);
        return join(name ? `${kind} ${name}` : `${kind} {...}`, inner);
      }
      case "fwd":
        return join(`${r.kindFlag(id) ? "union" : "struct"} ${r.nameOf(id)}`, inner);
      default:
        // int, float, typedef
        return join(r.nameOf(id), inner);
    }
  }
}

function join(base: string, inner: string): string {
  return inner === "" ? base : `${base} ${inner}`;
}
