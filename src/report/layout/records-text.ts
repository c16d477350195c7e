import type { TypeId } from "../../ir/types.js";
import { plain, type Style } from "../style.js";
import { latin1, type ByteOut } from "./byte-out.js";
import { aggregateKind, keywordOf, MAX_NESTING, STRUCT, UNION, type RecordTypes } from "./record-types.js";
import { boundaryLine, brackets, holeBitPart, NAME_COL, TYPE_COL, type LayoutTextOptions } from "./text.js";

// text.ts's picture of a struct, written from the BTF records in one pass
// per aggregate: holes and problems are found as the members go by rather
// than gathered into a shape first. Every line is text.ts's; see
// record-types.ts for why this path exists and how it stays equal. A member
// line is a few copies of bytes into the output: the type's columns from the
// arena, worked out once per type, the name from the string section, then
// the offset.

/** What the summary needs of the members, gathered while they print. */
interface Tally {
  byteHoles: number;
  sumHoles: number;
  bitHoles: number;
  sumBitHoles: number;
  problems: string[];
}

const newTally = (): Tally => ({ byteHoles: 0, sumHoles: 0, bitHoles: 0, sumBitHoles: 0, problems: [] });

/** Empties a tally for the next aggregate. */
function resetTally(t: Tally): void {
  t.byteHoles = t.sumHoles = t.bitHoles = t.sumBitHoles = 0;
  if (t.problems.length) t.problems = [];
}

const NEWLINE = 0x0a;
const SPACE = 0x20;
const COLON = 0x3a;
const SEMICOLON = 0x3b;
/** Bytes a line holds besides its pieces from the arena, its name and its indent. */
const LINE_ROOM = TYPE_COL + NAME_COL + 128;

/** The constant parts of the summary lines, after the comment's opening bracket. */
const SIZE = latin1("\t/* size: ");
const CACHELINES = latin1(", cachelines: ");
const MEMBERS = latin1(", members: ");
const SUM_MEMBERS = latin1("\t/* sum members: ");
const HOLES = latin1(", holes: ");
const SUM_HOLES = latin1(", sum holes: ");
const BIT_HOLES = latin1("\t/* bit holes: ");
const SUM_BIT_HOLES = latin1(", sum bit holes: ");
const BITS = latin1(" bits");
const PADDING = latin1("\t/* padding: ");
const BIT_PADDING = latin1("\t/* bit_padding: ");
const ALIGN = latin1("\t/* align: ");
const PACKED = latin1("\t/* encoding/binary size: ");
const LAST = latin1("\t/* last cacheline: ");
const BYTES = latin1(" bytes");
const HOLE_XXX = latin1("/* XXX ");
const HOLE_BIT = latin1(" bit hole, try to pack */");
const HOLE_BITS = latin1(" bits hole, try to pack */");
const HOLE_BYTE = latin1(" byte hole, try to pack */");
const HOLE_BYTES = latin1(" bytes hole, try to pack */");
const END_COMMENT = latin1(" */");
const END_AGGREGATE = latin1("};\n\n");
const END_NESTED = latin1(`};${" ".repeat(TYPE_COL + NAME_COL + 1 - 2)} /* `);
/** Runs of tabs and spaces to copy a prefix of: the indent (prepareText bounds the depth) and the name column's padding. */
const TABS = latin1("\t".repeat(MAX_NESTING + 2));
const SPACES = latin1(" ".repeat(NAME_COL));

/**
 * Writes the layout of an aggregate to `out` at each `aggregate`, as
 * layoutText does over the graph, once prepareText has asked `types`
 * everything: it cannot fail then.
 */
export class RecordsText {
  private readonly style: Style;
  private readonly line: number;
  /** What the style writes before a member line; after its name column with the start of the position comment. */
  private readonly open: Buffer;
  private readonly closeComment: Buffer;
  /** The comment's brackets, as bytes. */
  private readonly commentOpen: Buffer;
  private readonly commentClose: Buffer;
  /** The warning's brackets, as bytes, around a hole's line. */
  private readonly warningOpen: Buffer;
  private readonly warningClose: Buffer;
  /** `struct ` and `union ` as the style writes them, by kind. */
  private readonly keywords: Buffer[] = [];
  /** `struct {` and `union {` and a newline, by kind. */
  private readonly nestedOpen: Buffer[] = [];
  /** The type style's brackets around an aggregate's name. */
  private readonly typeOpen: Buffer;
  private readonly typeClose: Buffer;
  private readonly names: Uint8Array;
  /** The summary's tally of the aggregate being written. */
  private readonly tally = newTally();
  /** Where the tallies of nested aggregates go: nothing reads them. */
  private readonly nested = newTally();
  /** The next cacheline boundary of the aggregate being written. */
  private readonly boundary = { value: 0 };

  constructor(
    private readonly types: RecordTypes,
    private readonly out: ByteOut,
    private readonly opts: LayoutTextOptions,
  ) {
    const s = (this.style = opts.style ?? plain);
    this.line = opts.cachelineSize ?? 64;
    const [open, close] = brackets(s.member);
    this.open = latin1(open);
    this.closeComment = latin1(`${close} /* `);
    const [commentOpen, commentClose] = brackets(s.comment);
    this.commentOpen = Buffer.from(commentOpen);
    this.commentClose = Buffer.from(commentClose);
    const [warningOpen, warningClose] = brackets(s.warning);
    this.warningOpen = Buffer.from(warningOpen);
    this.warningClose = Buffer.from(warningClose);
    for (const kind of [STRUCT, UNION]) {
      this.keywords[kind] = Buffer.from(`${s.keyword(keywordOf(kind))} `);
      this.nestedOpen[kind] = Buffer.from(`${s.keyword(keywordOf(kind))} {\n`);
    }
    const [typeOpen, typeClose] = brackets(s.type);
    this.typeOpen = Buffer.from(typeOpen);
    this.typeClose = Buffer.from(`${typeClose} `);
    this.names = types.nameBytes;
  }

  /** The lines of aggregate `id` and the blank line after them. */
  aggregate(id: TypeId): void {
    const types = this.types;
    const out = this.out;
    const kind = aggregateKind(types, id);
    const align = types.alignOf(id);
    const nameOff = types.words[types.at[id]!]!;
    const nameEnd = this.names.indexOf(0, nameOff);
    out.room(LINE_ROOM + nameEnd - nameOff);
    out.put(this.keywords[kind]!);
    if (nameEnd > nameOff) {
      out.put(this.typeOpen);
      out.copy(this.names, nameOff, nameEnd);
      out.put(this.typeClose);
    }
    out.buf[out.len++] = 0x7b; // {
    out.buf[out.len++] = NEWLINE;
    // One tally and one boundary serve every aggregate in turn: unoptimized code would allocate them 10,000 times for a kernel.
    const tally = this.tally;
    resetTally(tally);
    resetTally(this.nested);
    const boundary = this.boundary;
    boundary.value = this.line;
    const tail = this.members(id, kind, 0, 1, boundary, tally);
    this.summary(id, kind, align, tail, tally);
    out.room(END_AGGREGATE.length);
    out.put(END_AGGREGATE);
  }

  /**
   * Writes the member lines of aggregate `id`, which starts `base` bits into
   * the outermost type and is indented `depth` tabs; returns its tail
   * padding in bits. Holes and problems are aggregateShape's, found in its
   * order.
   */
  private members(id: TypeId, kind: number, base: number, depth: number, boundary: { value: number }, tally: Tally): number {
    const types = this.types;
    const out = this.out;
    const w = types.words;
    const { sizes, anon } = types;
    const at = types.at[id]!;
    const info = w[at + 1]!;
    const n = info & 0xffff;
    const bitfields = info >>> 31 === 1;
    const size = w[at + 2]!;
    const totalBits = size * 8;
    let end = 0;
    for (let i = 0, q = at + 3; i < n; i++, q += 3) {
      const nameOff = w[q]!;
      const type = w[q + 1]!;
      const word = w[q + 2]!;
      const bitOffset = bitfields ? word & 0xffffff : word;
      const bitSize = bitfields ? word >>> 24 : 0;
      const known = sizes[type]!;
      const typeSize = known >= 0 ? known : types.sizeOf(type);
      const width = bitSize || typeSize * 8;
      if (bitOffset + width > totalBits) {
        tally.problems.push(`member ${types.str(nameOff) || "(anonymous)"} ends at bit ${bitOffset + width}, past the ${keywordOf(kind)}'s ${size} bytes`);
      }
      if (kind === STRUCT) {
        if (bitOffset > end) {
          this.hole(end, bitOffset - end, depth, tally);
        } else if (bitOffset < end) {
          tally.problems.push(`member ${types.str(nameOff) || "(anonymous)"} at bit ${bitOffset} overlaps the member before it, which ends at bit ${end}`);
        }
      }
      if (bitOffset + width > end) end = bitOffset + width;
      const abs = base + bitOffset;
      if (this.opts.cachelines) this.boundaries(abs, depth, boundary);
      const inner = anon[type]! - 1;
      if (inner) {
        out.room(LINE_ROOM + depth);
        this.tabs(depth);
        out.put(this.nestedOpen[inner]!);
        // A nested aggregate's holes and problems are its own: they print inside it, not in the summary.
        this.members(type, inner, abs, depth + 1, boundary, this.nested);
        out.room(LINE_ROOM + depth);
        this.tabs(depth);
        out.put(END_NESTED);
        this.position(abs, 0, types.sizeOrType(type));
        continue;
      }
      this.memberLine(type, nameOff, bitSize, abs, typeSize, depth);
    }
    const tail = Math.max(0, totalBits - end);
    if (tail && kind === STRUCT && n) {
      // Tail padding of a nested anonymous aggregate is a hole in the outer one.
      if (base !== 0 || depth !== 1) this.hole(size * 8 - tail, tail, depth, undefined);
    }
    return tail;
  }

  /**
   * The line of a member of type `type` named at `nameOff`, the bulk of the
   * output, in a small function of its own so that V8 optimizes it early.
   */
  private memberLine(type: TypeId, nameOff: number, bitSize: number, abs: number, typeSize: number, depth: number): void {
    const types = this.types;
    const out = this.out;
    const arena = types.arena.bytes;
    const ends = types.arena.ends;
    const names = this.names;
    const piece = types.pieces[type]!;
    const headStart = ends[piece - 1]!;
    const nameAt = ends[piece]!;
    const afterEnd = ends[piece + 1]!;
    const lineEnd = ends[piece + 2]!;
    const nameEnd = names.indexOf(0, nameOff);
    out.room(LINE_ROOM + depth + (lineEnd - headStart) + (nameEnd - nameOff));
    // Each piece through one small copy loop, which V8 optimizes within the first few lines.
    out.put(this.open);
    out.copy(TABS, 0, depth);
    out.copy(arena, headStart, nameAt);
    out.copy(names, nameOff, nameEnd);
    out.copy(arena, nameAt, afterEnd);
    let pad = NAME_COL - (types.widths[type]! + (nameEnd - nameOff) + 1);
    if (bitSize) {
      out.buf[out.len++] = COLON;
      const before = out.len;
      out.number(bitSize, 0);
      pad -= out.len - before + 1;
    }
    out.buf[out.len++] = SEMICOLON;
    out.copy(SPACES, 0, pad);
    out.put(this.closeComment);
    if (bitSize) {
      this.position(abs, bitSize, typeSize);
    } else {
      // A shift where the offset allows: a division's double would be a heap number in unoptimized code.
      out.number(abs <= 0x7fffffff ? abs >> 3 : Math.floor(abs / 8), 5);
      out.copy(arena, afterEnd, lineEnd);
    }
  }

  private tabs(depth: number): void {
    this.out.copy(TABS, 0, depth);
  }

  /** The offset and size columns after `/* `, and the end of the line (room is the caller's). */
  private position(bitOffset: number, bitSize: number, size: number): void {
    const out = this.out;
    const byte = Math.floor(bitOffset / 8);
    if (bitSize) {
      // For a bitfield: byte of its storage unit, bit within that unit, unit size.
      const unit = size > 0 ? size : 1;
      const unitStart = Math.floor(byte / unit) * unit;
      out.number(unitStart, 5);
      out.buf[out.len++] = COLON;
      out.number(bitOffset - unitStart * 8, 2);
      out.buf[out.len++] = SPACE;
      out.number(size, 4);
    } else {
      out.number(byte, 5);
      out.buf[out.len++] = SPACE;
      out.number(size, 5);
    }
    out.put(END_COMMENT);
    out.buf[out.len++] = NEWLINE;
  }

  /**
   * text.ts's holeLines for the hole of `bits` at `bitOffset`, written as
   * bytes (a kernel has 4,000 holes), and counted in `tally` if given.
   */
  private hole(bitOffset: number, bits: number, depth: number, tally: Tally | undefined): void {
    const bitCount = holeBitPart(bitOffset, bits);
    const byteCount = (bits - bitCount) / 8;
    if (tally) {
      if (byteCount) {
        tally.byteHoles++;
        tally.sumHoles += byteCount;
      }
      if (bitCount) {
        tally.bitHoles++;
        tally.sumBitHoles += bitCount;
      }
    }
    const out = this.out;
    out.room(2 * LINE_ROOM + 2 * depth);
    out.buf[out.len++] = NEWLINE;
    if (bitCount) this.holeLine(bitCount, bitCount === 1 ? HOLE_BIT : HOLE_BITS, depth);
    if (byteCount) this.holeLine(byteCount, byteCount === 1 ? HOLE_BYTE : HOLE_BYTES, depth);
    out.buf[out.len++] = NEWLINE;
  }

  /** One hole line, `/* XXX 4 bytes hole, try to pack` and the comment's end, in the warning style (room is the caller's). */
  private holeLine(n: number, units: Buffer, depth: number): void {
    const out = this.out;
    out.put(this.warningOpen);
    out.copy(TABS, 0, depth);
    out.put(HOLE_XXX);
    out.number(n, 0);
    out.put(units);
    out.put(this.warningClose);
    out.buf[out.len++] = NEWLINE;
  }

  private boundaries(bitOffset: number, depth: number, boundary: { value: number }): void {
    const l = boundaryLine(bitOffset, "\t".repeat(depth), boundary, this.line, this.style);
    if (l !== undefined) this.out.text(`${l}\n`);
  }

  private summary(id: TypeId, kind: number, align: number, tail: number, t: Tally): void {
    const types = this.types;
    const out = this.out;
    const w = types.words;
    const at = types.at[id]!;
    const info = w[at + 1]!;
    const n = info & 0xffff;
    const size = w[at + 2]!;
    out.room(16 * LINE_ROOM);
    out.buf[out.len++] = NEWLINE;
    this.note(SIZE, size, CACHELINES, Math.ceil(size / this.line), MEMBERS, n);
    if (t.byteHoles) {
      let sumMembers = 0;
      const bitfields = info >>> 31 === 1;
      for (let i = 0, q = at + 3; i < n; i++, q += 3) {
        if (!bitfields || w[q + 2]! >>> 24 === 0) sumMembers += types.sizeOf(w[q + 1]!);
      }
      this.note(SUM_MEMBERS, sumMembers, HOLES, t.byteHoles, SUM_HOLES, t.sumHoles);
    }
    if (t.bitHoles) this.note(BIT_HOLES, t.bitHoles, SUM_BIT_HOLES, t.sumBitHoles, BITS);
    if (kind === STRUCT && tail >= 8) this.note(PADDING, Math.floor(tail / 8));
    if (kind === STRUCT && tail % 8) this.note(BIT_PADDING, tail % 8, BITS);
    this.note(ALIGN, align);
    const packed = this.opts.packedSizes?.get(id);
    if (packed !== undefined) this.note(PACKED, packed);
    const last = size % this.line;
    if (last) this.note(LAST, last, BYTES);
    // Indexed, not for-of: unoptimized code allocates an iterator per aggregate even for no problems.
    for (let i = 0; i < t.problems.length; i++) out.text(`${this.style.error(`\t/* ERROR: ${t.problems[i]} */`)}\n`);
  }

  /** One line of the summary comment: its constant parts and numbers in turn (room is the caller's). */
  private note(a: Buffer, x: number, b?: Buffer, y?: number, c?: Buffer, z?: number): void {
    const out = this.out;
    out.put(this.commentOpen);
    out.put(a);
    out.number(x, 0);
    if (b) out.put(b);
    if (y !== undefined) out.number(y, 0);
    if (c) out.put(c);
    if (z !== undefined) out.number(z, 0);
    out.put(END_COMMENT);
    out.put(this.commentClose);
    out.buf[out.len++] = NEWLINE;
  }
}
