import type { TypeId } from "../../ir/types.js";
import { plain, type Style } from "../style.js";
import type { ByteOut } from "./byte-out.js";
import { Unfit, type AggregateRecords, type RecordTypes } from "./record-types.js";
import { boundaryLine, brackets, holeLines, NAME_COL, splitHole, TYPE_COL, type LayoutTextOptions } from "./text.js";

// text.ts's picture of a struct, written from the BTF records in one pass
// per aggregate: holes and problems are found as the members go by rather
// than gathered into a shape first. Every line is text.ts's; see
// record-types.ts for why this path exists and how it stays equal.

/** What the summary needs of the members, gathered while they print. */
interface Tally {
  byteHoles: number;
  sumHoles: number;
  bitHoles: number;
  sumBitHoles: number;
  problems: string[];
}

/**
 * Writes the layout of each aggregate in `ids` to `out`, as layoutText does
 * over the graph. Throws Unfit (or the reader's InputError) where the graph
 * path would fail or spell a type differently; `out` then holds a part.
 */
export function layoutRecordsText(types: RecordTypes, ids: readonly TypeId[], out: ByteOut, opts: LayoutTextOptions = {}): void {
  const w = new RecordWriter(types, out, opts);
  for (const id of ids) {
    w.aggregate(id);
    out.line("");
  }
}

/** A guess at the bytes layoutRecordsText writes for `ids`: an output buffer of this size rarely grows. */
export function textSizeHint(r: AggregateRecords, ids: readonly TypeId[]): number {
  // A kernel's layout runs to some 70 bytes a member and 220 more an aggregate.
  let members = 0;
  for (const id of ids) members += r.vlen(id);
  return members * 70 + ids.length * 220;
}

class RecordWriter {
  private readonly style: Style;
  private readonly line: number;
  private readonly member: readonly [Uint8Array, Uint8Array];
  private readonly comment: readonly [string, string];
  private readonly r: AggregateRecords;
  constructor(
    private readonly types: RecordTypes,
    private readonly out: ByteOut,
    private readonly opts: LayoutTextOptions,
  ) {
    this.r = types.r;
    this.style = opts.style ?? plain;
    this.line = opts.cachelineSize ?? 64;
    const [open, close] = brackets(this.style.member);
    this.member = [Buffer.from(open, "utf8"), Buffer.from(close, "utf8")];
    this.comment = brackets(this.style.comment);
  }

  aggregate(id: TypeId): void {
    const s = this.style;
    const kind = this.types.kind(id);
    if (kind !== "struct" && kind !== "union") throw new Unfit(`type ${id} is not an aggregate`);
    const name = this.r.nameOf(id);
    const align = this.types.alignOf(id);
    this.out.line(`${s.keyword(kind)} ${name ? s.type(name) + " " : ""}{`);
    const tally: Tally = { byteHoles: 0, sumHoles: 0, bitHoles: 0, sumBitHoles: 0, problems: [] };
    const tail = this.members(id, kind, 0, "\t", { value: this.line }, tally);
    this.summary(id, kind, align, tail, tally);
    this.out.line("};");
  }

  /**
   * The members of aggregate `id`, which starts `base` bits into the
   * outermost type; returns its tail padding in bits. Holes and problems
   * are aggregateShape's, found in its order.
   */
  private members(id: TypeId, kind: "struct" | "union", base: number, indent: string, boundary: { value: number }, tally: Tally): number {
    const s = this.style;
    const out = this.out;
    const types = this.types;
    const r = this.r;
    const n = r.vlen(id);
    const size = r.sizeOrType(id);
    const totalBits = size * 8;
    const bitfields = r.kindFlag(id);
    const { view, at, le } = r.entries(id);
    let end = 0;
    for (let i = 0, p = at; i < n; i++, p += 12) {
      const nameOff = view.getUint32(p, le);
      const type = view.getUint32(p + 4, le);
      const word = view.getUint32(p + 8, le);
      const bitOffset = bitfields ? word & 0xffffff : word;
      const bitSize = bitfields ? word >>> 24 : 0;
      const typeSize = types.sizeOf(type);
      const width = bitSize || typeSize * 8;
      if (bitOffset + width > totalBits) {
        tally.problems.push(`member ${types.name(nameOff) || "(anonymous)"} ends at bit ${bitOffset + width}, past the ${kind}'s ${size} bytes`);
      }
      if (kind === "struct") {
        if (bitOffset > end) {
          const hole = { bitOffset: end, bits: bitOffset - end };
          this.hole(hole, indent);
          this.count(hole, tally);
        } else if (bitOffset < end) {
          tally.problems.push(`member ${types.name(nameOff) || "(anonymous)"} at bit ${bitOffset} overlaps the member before it, which ends at bit ${end}`);
        }
      }
      end = Math.max(end, bitOffset + width);
      const abs = base + bitOffset;
      if (this.opts.cachelines) this.boundaries(abs, indent, boundary);
      const inner = this.anonymous(type);
      if (inner) {
        types.alignOf(type);
        out.line(`${indent}${s.keyword(inner)} {`);
        // A nested aggregate's holes and problems are its own: they print inside it, not in the summary.
        const nested: Tally = { byteHoles: 0, sumHoles: 0, bitHoles: 0, sumBitHoles: 0, problems: [] };
        this.members(type, inner, abs, indent + "\t", boundary, nested);
        out.text(indent);
        out.text("};");
        out.ensure(TYPE_COL + NAME_COL + 64);
        out.spaces(TYPE_COL + NAME_COL + 1 - 2);
        out.text(" ");
        this.position(abs, 0, r.sizeOrType(type));
        continue;
      }
      this.memberLine(indent, type, nameOff, bitSize, abs, typeSize);
    }
    const tail = Math.max(0, totalBits - end);
    if (tail && kind === "struct" && n) {
      // Tail padding of a nested anonymous aggregate is a hole in the outer one.
      if (base !== 0 || indent !== "\t") this.hole({ bitOffset: size * 8 - tail, bits: tail }, indent);
    }
    return tail;
  }

  /**
   * One member's line, the bulk of the output, in a function of its own so
   * that it is small and hot enough to be optimized early. Its pieces are
   * copied as bytes: the type's from the arena, the name from the string
   * section.
   */
  private memberLine(indent: string, type: TypeId, nameOff: number, bitSize: number, abs: number, typeSize: number): void {
    const out = this.out;
    const types = this.types;
    const r = this.r;
    const open = this.member[0];
    const close = this.member[1];
    const col = types.columns(type, TYPE_COL) - 1;
    const headEnd = col + types.colHead[type]!;
    const afterEnd = headEnd + types.colAfter[type]!;
    const arena = types.arena;
    out.ensure(open.length + indent.length + (afterEnd - col) + close.length + NAME_COL + 96);
    let buf = out.buf;
    let len = out.len;
    for (let k = 0; k < open.length; k++) buf[len++] = open[k]!;
    for (let k = 0; k < indent.length; k++) buf[len++] = TAB;
    for (let k = col; k < headEnd; k++) buf[len++] = arena[k]!;
    let nameEnd = r.copyName(nameOff, buf, len);
    while (nameEnd < 0) {
      out.len = len;
      out.ensure(buf.length);
      buf = out.buf;
      nameEnd = r.copyName(nameOff, buf, len);
    }
    const nameLen = nameEnd - len;
    out.len = nameEnd;
    out.ensure((afterEnd - headEnd) + close.length + NAME_COL + 96);
    buf = out.buf;
    len = out.len;
    for (let k = headEnd; k < afterEnd; k++) buf[len++] = arena[k]!;
    let bits = 0;
    if (bitSize) {
      buf[len++] = COLON;
      out.len = len;
      out.number(bitSize);
      bits = out.len - len + 1;
      len = out.len;
    }
    buf[len++] = SEMICOLON;
    for (let k = NAME_COL - (types.colWidth[type]! + nameLen + bits + 1); k > 0; k--) buf[len++] = SPACE;
    for (let k = 0; k < close.length; k++) buf[len++] = close[k]!;
    buf[len++] = SPACE;
    out.len = len;
    this.position(abs, bitSize, typeSize);
  }

  /** The kind of an anonymous struct or union member's type, if that is what it is. */
  private anonymous(id: TypeId): "struct" | "union" | undefined {
    const rid = this.types.resolve(id);
    const kind = this.types.kind(rid);
    if ((kind === "struct" || kind === "union") && rid === id && this.r.nameOf(rid) === "") return kind;
    return undefined;
  }

  private count(hole: { bitOffset: number; bits: number }, tally: Tally): void {
    const { bytes, bits } = splitHole(hole);
    if (bytes) {
      tally.byteHoles++;
      tally.sumHoles += bytes;
    }
    if (bits) {
      tally.bitHoles++;
      tally.sumBitHoles += bits;
    }
  }

  private position(bitOffset: number, bitSize: number, size: number): void {
    const out = this.out;
    // A shift where the offset allows: a division's double would be a heap number in unoptimized code.
    const byte = bitOffset <= 0x7fffffff ? bitOffset >> 3 : Math.floor(bitOffset / 8);
    out.ensure(96);
    out.put(OPEN_COMMENT);
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
    out.put(CLOSE_COMMENT);
  }

  private hole(hole: { bitOffset: number; bits: number }, indent: string): void {
    for (const l of holeLines(hole, indent, this.style)) this.out.line(l);
  }

  private boundaries(bitOffset: number, indent: string, boundary: { value: number }): void {
    const l = boundaryLine(bitOffset, indent, boundary, this.line, this.style);
    if (l !== undefined) this.out.line(l);
  }

  private summary(id: TypeId, kind: "struct" | "union", align: number, tail: number, t: Tally): void {
    const s = this.style;
    const size = this.r.sizeOrType(id);
    const n = this.r.vlen(id);
    this.out.line("");
    this.note("size: ", size, ", cachelines: ", Math.ceil(size / this.line), ", members: ", n);
    if (t.byteHoles) {
      let sumMembers = 0;
      const bitfields = this.r.kindFlag(id);
      const { view, at, le } = this.r.entries(id);
      for (let i = 0, p = at; i < n; i++, p += 12) {
        if (!bitfields || view.getUint32(p + 8, le) >>> 24 === 0) sumMembers += this.types.sizeOf(view.getUint32(p + 4, le));
      }
      this.note("sum members: ", sumMembers, ", holes: ", t.byteHoles, ", sum holes: ", t.sumHoles);
    }
    if (t.bitHoles) this.note("bit holes: ", t.bitHoles, ", sum bit holes: ", t.sumBitHoles, " bits");
    if (kind === "struct" && tail >= 8) this.note("padding: ", Math.floor(tail / 8));
    if (kind === "struct" && tail % 8) this.note("bit_padding: ", tail % 8, " bits");
    this.note("align: ", align);
    const packed = this.opts.packedSizes?.get(id);
    if (packed !== undefined) this.note("encoding/binary size: ", packed);
    const last = size % this.line;
    if (last) this.note("last cacheline: ", last, " bytes");
    for (const p of t.problems) this.out.line(s.error(`\t/* ERROR: ${p} */`));
  }

  private note(...parts: (string | number)[]): void {
    const out = this.out;
    out.text(this.comment[0]);
    out.text("\t/* ");
    for (const p of parts) {
      if (typeof p === "number") {
        out.ensure(32);
        out.number(p);
      } else out.text(p);
    }
    out.text(" */");
    out.line(this.comment[1]);
  }
}

const TAB = 0x09;
const SPACE = 0x20;
const COLON = 0x3a;
const SEMICOLON = 0x3b;
const OPEN_COMMENT = Buffer.from("/* ");
const CLOSE_COMMENT = Buffer.from(" */\n");
