import type { TypeId } from "../../ir/types.js";
import { plain, type Style } from "../style.js";
import { aggregateKind, keywordOf, STRUCT, type RecordTypes } from "./record-types.js";
import type { TextOut } from "./text-out.js";
import { boundaryLine, brackets, holeLines, NAME_COL, splitHole, TYPE_COL, type LayoutTextOptions } from "./text.js";

// text.ts's picture of a struct, written from the BTF records in one pass
// per aggregate: holes and problems are found as the members go by rather
// than gathered into a shape first. Every line is text.ts's; see
// record-types.ts for why this path exists and how it stays equal. A member
// line is a few appended strings: the type's columns worked out once, the
// name a slice of the string section, the offset column.

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
 * over the graph, once prepareText has asked `types` everything: it cannot
 * fail then.
 */
export function layoutRecordsText(types: RecordTypes, ids: readonly TypeId[], out: TextOut, opts: LayoutTextOptions = {}): void {
  const w = new RecordWriter(types, opts);
  for (const id of ids) {
    out.add(w.aggregate(id));
  }
}

const SPACES = Array.from({ length: TYPE_COL + NAME_COL + 2 }, (_, n) => " ".repeat(n));

/** String(n).padStart(width), for widths up to SPACES' length. */
function padded(n: number, width: number): string {
  const s = String(n);
  return s.length < width ? SPACES[width - s.length]! + s : s;
}

/** padded(n, 5) of the offsets most lines have, each made once. */
const OFFSETS: string[] = [];
function offset5(n: number): string {
  if (n >= 1 << 14) return padded(n, 5);
  return (OFFSETS[n] ??= padded(n, 5));
}

class RecordWriter {
  private readonly style: Style;
  private readonly line: number;
  /** What the style writes before a member line, and after its name column with the start of the position comment. */
  private readonly open: string;
  private readonly closeComment: string;
  private readonly comment: readonly [string, string];
  constructor(
    private readonly types: RecordTypes,
    private readonly opts: LayoutTextOptions,
  ) {
    this.style = opts.style ?? plain;
    this.line = opts.cachelineSize ?? 64;
    const [open, close] = brackets(this.style.member);
    this.open = open;
    this.closeComment = `${close} /* `;
    this.comment = brackets(this.style.comment);
  }

  /** The lines of aggregate `id` and the blank line after them. */
  aggregate(id: TypeId): string {
    const s = this.style;
    const kind = aggregateKind(this.types, id);
    const name = this.types.name(id);
    const align = this.types.alignOf(id);
    const tally: Tally = { byteHoles: 0, sumHoles: 0, bitHoles: 0, sumBitHoles: 0, problems: [] };
    const head = `${s.keyword(keywordOf(kind))} ${name ? s.type(name) + " " : ""}{\n`;
    const tail = { bits: 0 };
    const members = this.members(id, kind, 0, "\t", { value: this.line }, tally, tail);
    return `${head}${members}${this.summary(id, kind, align, tail.bits, tally)}};\n\n`;
  }

  /**
   * The member lines of aggregate `id`, which starts `base` bits into the
   * outermost type; its tail padding in bits goes to `tail`. Holes and
   * problems are aggregateShape's, found in its order.
   */
  private members(id: TypeId, kind: number, base: number, indent: string, boundary: { value: number }, tally: Tally, tail: { bits: number }): string {
    const types = this.types;
    const w = types.words;
    const { sizes, anon, slots, heads, afters, widths, tails } = types;
    const at = types.at[id]!;
    const info = w[at + 1]!;
    const n = info & 0xffff;
    const bitfields = info >>> 31 === 1;
    const size = w[at + 2]!;
    const totalBits = size * 8;
    const prefix = this.open + indent;
    const closeComment = this.closeComment;
    let out = "";
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
          const hole = { bitOffset: end, bits: bitOffset - end };
          out += this.hole(hole, indent);
          this.count(hole, tally);
        } else if (bitOffset < end) {
          tally.problems.push(`member ${types.str(nameOff) || "(anonymous)"} at bit ${bitOffset} overlaps the member before it, which ends at bit ${end}`);
        }
      }
      if (bitOffset + width > end) end = bitOffset + width;
      const abs = base + bitOffset;
      if (this.opts.cachelines) out += this.boundaries(abs, indent, boundary);
      const inner = anon[type]! - 1;
      if (inner) {
        // A nested aggregate's holes and problems are its own: they print inside it, not in the summary.
        const nested: Tally = { byteHoles: 0, sumHoles: 0, bitHoles: 0, sumBitHoles: 0, problems: [] };
        out += `${indent}${this.style.keyword(keywordOf(inner))} {\n`;
        out += this.members(type, inner, abs, indent + "\t", boundary, nested, { bits: 0 });
        out += indent + "};" + SPACES[TYPE_COL + NAME_COL + 1 - 2]! + " /* " + this.position(abs, 0, types.sizeOrType(type));
        continue;
      }
      const slot = slots[type]!;
      const name = types.str(nameOff);
      if (bitSize === 0) {
        const pad = NAME_COL - (widths[slot]! + name.length + 1);
        // A shift where the offset allows: a division's double would be a heap number in unoptimized code.
        const byte = abs <= 0x7fffffff ? abs >> 3 : Math.floor(abs / 8);
        out += prefix + heads[slot]! + name + afters[slot]! + (pad > 0 ? ";" + SPACES[pad]! : ";") + closeComment + offset5(byte) + tails[slot]!;
      } else {
        const bits = String(bitSize);
        const pad = NAME_COL - (widths[slot]! + name.length + bits.length + 2);
        out += prefix + heads[slot]! + name + afters[slot]! + ":" + bits + (pad > 0 ? ";" + SPACES[pad]! : ";") + closeComment + this.position(abs, bitSize, typeSize);
      }
    }
    tail.bits = Math.max(0, totalBits - end);
    if (tail.bits && kind === STRUCT && n) {
      // Tail padding of a nested anonymous aggregate is a hole in the outer one.
      if (base !== 0 || indent !== "\t") out += this.hole({ bitOffset: size * 8 - tail.bits, bits: tail.bits }, indent);
    }
    return out;
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

  /** The offset and size columns after `/* `, and the end of the line. */
  private position(bitOffset: number, bitSize: number, size: number): string {
    const byte = Math.floor(bitOffset / 8);
    if (bitSize) {
      // For a bitfield: byte of its storage unit, bit within that unit, unit size.
      const unit = size > 0 ? size : 1;
      const unitStart = Math.floor(byte / unit) * unit;
      return `${padded(unitStart, 5)}:${padded(bitOffset - unitStart * 8, 2)} ${padded(size, 4)} */\n`;
    }
    return `${padded(byte, 5)} ${padded(size, 5)} */\n`;
  }

  private hole(hole: { bitOffset: number; bits: number }, indent: string): string {
    return `${holeLines(hole, indent, this.style).join("\n")}\n`;
  }

  private boundaries(bitOffset: number, indent: string, boundary: { value: number }): string {
    const l = boundaryLine(bitOffset, indent, boundary, this.line, this.style);
    return l === undefined ? "" : `${l}\n`;
  }

  private summary(id: TypeId, kind: number, align: number, tail: number, t: Tally): string {
    const types = this.types;
    const w = types.words;
    const at = types.at[id]!;
    const info = w[at + 1]!;
    const n = info & 0xffff;
    const size = w[at + 2]!;
    const [open, close] = this.comment;
    let s = `\n${open}\t/* size: ${size}, cachelines: ${Math.ceil(size / this.line)}, members: ${n} */${close}\n`;
    if (t.byteHoles) {
      let sumMembers = 0;
      const bitfields = info >>> 31 === 1;
      for (let i = 0, q = at + 3; i < n; i++, q += 3) {
        if (!bitfields || w[q + 2]! >>> 24 === 0) sumMembers += types.sizeOf(w[q + 1]!);
      }
      s += `${open}\t/* sum members: ${sumMembers}, holes: ${t.byteHoles}, sum holes: ${t.sumHoles} */${close}\n`;
    }
    if (t.bitHoles) s += `${open}\t/* bit holes: ${t.bitHoles}, sum bit holes: ${t.sumBitHoles} bits */${close}\n`;
    if (kind === STRUCT && tail >= 8) s += `${open}\t/* padding: ${Math.floor(tail / 8)} */${close}\n`;
    if (kind === STRUCT && tail % 8) s += `${open}\t/* bit_padding: ${tail % 8} bits */${close}\n`;
    s += `${open}\t/* align: ${align} */${close}\n`;
    const packed = this.opts.packedSizes?.get(id);
    if (packed !== undefined) s += `${open}\t/* encoding/binary size: ${packed} */${close}\n`;
    const last = size % this.line;
    if (last) s += `${open}\t/* last cacheline: ${last} bytes */${close}\n`;
    for (const p of t.problems) s += `${this.style.error(`\t/* ERROR: ${p} */`)}\n`;
    return s;
  }
}
