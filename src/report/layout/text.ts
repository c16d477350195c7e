import { cDeclarationColumns } from "../../ir/c-names.js";
import type { TypeGraph } from "../../ir/graph.js";
import { resolve, sizeOf } from "../../ir/graph.js";
import { aggregateShape, type AggregateShape } from "../../ir/layout/aggregate.js";
import type { AggregateType, TypeId } from "../../ir/types.js";
import { plain, type Style } from "../style.js";
import type { TextBuffer } from "../text-buffer.js";
import { count } from "../../words.js";

// pahole's picture of a struct: one line per member with its offset and
// size, holes and padding called out where they are, totals at the end.
// Anonymous struct and union members are opened in place, as pahole does,
// with offsets from the start of the outermost type.

export interface LayoutTextOptions {
  /** Mark cacheline boundaries (pahole's default view does too). */
  cachelines?: boolean;
  cachelineSize?: number;
  style?: Style;
  /** encoding/binary's size of Go types, shown beside the compiler's. */
  packedSizes?: ReadonlyMap<TypeId, number>;
}

export const TYPE_COL = 26;
export const NAME_COL = 21;

/** Writes the layout of each aggregate in `ids` to `out`. */
export function layoutText(graph: TypeGraph, ids: readonly TypeId[], out: TextBuffer, opts: LayoutTextOptions = {}): void {
  const w = new Writer(graph, out, opts);
  for (const id of ids) {
    w.aggregate(aggregateShape(graph, id));
    out.line("");
  }
}

class Writer {
  private readonly style: Style;
  private readonly line: number;
  /** What the style writes before and after a member's columns, and a comment. */
  private readonly member: readonly [string, string];
  private readonly comment: readonly [string, string];
  constructor(
    private readonly graph: TypeGraph,
    private readonly out: TextBuffer,
    private readonly opts: LayoutTextOptions,
  ) {
    this.style = opts.style ?? plain;
    this.line = opts.cachelineSize ?? 64;
    this.member = brackets(this.style.member);
    this.comment = brackets(this.style.comment);
  }

  aggregate({ shape: l, type }: { shape: AggregateShape; type: AggregateType }): void {
    const s = this.style;
    this.out.line(`${s.keyword(l.kind)} ${l.name ? s.type(l.name) + " " : ""}{`);
    this.members(l, type, 0, "\t", { value: this.line });
    this.summary(l, type);
    this.out.line("};");
  }

  /** The members of `l` (of `type`), which starts `base` bits into the outermost type. */
  private members(l: AggregateShape, type: AggregateType, base: number, indent: string, boundary: { value: number }): void {
    const s = this.style;
    const out = this.out;
    // aggregateShape lists holes in member order, at most one before each.
    let h = 0;
    for (let i = 0; i < type.members.length; i++) {
      const m = type.members[i]!;
      const hole = l.holes[h];
      if (hole && hole.before === i) {
        this.hole(hole, indent);
        h++;
      }
      const abs = base + m.bitOffset;
      if (this.opts.cachelines) this.boundaries(abs, indent, boundary);
      const inner = this.anonymous(m.type);
      if (inner) {
        out.line(`${indent}${s.keyword(inner.shape.kind)} {`);
        this.members(inner.shape, inner.type, abs, indent + "\t", boundary);
        out.text(indent);
        out.text("};");
        out.spaces(TYPE_COL + NAME_COL + 1 - 2);
        out.text(" ");
        this.position(abs, 0, inner.shape.size);
        continue;
      }
      // The member line is the bulk of the output: its columns go straight
      // into the buffer rather than through a string per line.
      const c = cDeclarationColumns(this.graph, m.type);
      const bits = m.bitSize ? `:${m.bitSize}` : "";
      out.text(this.member[0]);
      out.text(indent);
      out.text(c.type);
      out.spaces(TYPE_COL - c.type.length);
      out.text(" ");
      out.text(c.before);
      out.text(m.name);
      out.text(c.after);
      out.text(bits);
      out.text(";");
      out.spaces(NAME_COL - (c.before.length + m.name.length + c.after.length + bits.length + 1));
      out.text(this.member[1]);
      out.text(" ");
      this.position(abs, m.bitSize, sizeOf(this.graph, m.type));
    }
    if (l.tailPaddingBits && l.kind === "struct" && type.members.length) {
      // Tail padding of a nested anonymous aggregate is a hole in the outer one.
      if (base !== 0 || indent !== "\t") this.hole({ bitOffset: l.size * 8 - l.tailPaddingBits, bits: l.tailPaddingBits }, indent);
    }
  }

  private anonymous(id: TypeId): { shape: AggregateShape; type: AggregateType } | undefined {
    const rid = resolve(this.graph, id);
    const t = this.graph.type(rid);
    if ((t.kind === "struct" || t.kind === "union") && t.name === "" && rid === id) return aggregateShape(this.graph, rid);
    return undefined;
  }

  /** The offset and size columns, and the end of the line. */
  private position(bitOffset: number, bitSize: number, size: number): void {
    const out = this.out;
    const byte = Math.floor(bitOffset / 8);
    out.text("/* ");
    if (bitSize) {
      // For a bitfield: byte of its storage unit, bit within that unit, unit size.
      const unit = size > 0 ? size : 1;
      const unitStart = Math.floor(byte / unit) * unit;
      out.number(unitStart, 5);
      out.text(":");
      out.number(bitOffset - unitStart * 8, 2);
      out.text(" ");
      out.number(size, 4);
    } else {
      out.number(byte, 5);
      out.text(" ");
      out.number(size, 5);
    }
    out.text(" */");
    out.newline();
  }

  private hole(hole: { bitOffset: number; bits: number }, indent: string): void {
    for (const l of holeLines(hole, indent, this.style)) this.out.line(l);
  }

  private boundaries(bitOffset: number, indent: string, boundary: { value: number }): void {
    const l = boundaryLine(bitOffset, indent, boundary, this.line, this.style);
    if (l !== undefined) this.out.line(l);
  }

  private summary(l: AggregateShape, type: AggregateType): void {
    const s = this.style;
    let byteHoles = 0;
    let sumHoles = 0;
    let bitHoles = 0;
    let sumBitHoles = 0;
    for (const h of l.holes) {
      const { bytes, bits } = splitHole(h);
      if (bytes) {
        byteHoles++;
        sumHoles += bytes;
      }
      if (bits) {
        bitHoles++;
        sumBitHoles += bits;
      }
    }
    this.out.newline();
    this.note("size: ", l.size, ", cachelines: ", Math.ceil(l.size / this.line), ", members: ", type.members.length);
    if (byteHoles) {
      let sumMembers = 0;
      for (const m of type.members) if (!m.bitSize) sumMembers += sizeOf(this.graph, m.type);
      this.note("sum members: ", sumMembers, ", holes: ", byteHoles, ", sum holes: ", sumHoles);
    }
    if (bitHoles) this.note("bit holes: ", bitHoles, ", sum bit holes: ", sumBitHoles, " bits");
    if (l.kind === "struct" && l.tailPaddingBits >= 8) this.note("padding: ", Math.floor(l.tailPaddingBits / 8));
    if (l.kind === "struct" && l.tailPaddingBits % 8) this.note("bit_padding: ", l.tailPaddingBits % 8, " bits");
    this.note("align: ", l.align);
    const packed = this.opts.packedSizes?.get(l.id);
    if (packed !== undefined) this.note("encoding/binary size: ", packed);
    const last = l.size % this.line;
    if (last) this.note("last cacheline: ", last, " bytes");
    for (const p of l.problems) this.out.line(s.error(`\t/* ERROR: ${p} */`));
  }

  /** One line of the summary comment, from its pieces. */
  private note(...parts: (string | number)[]): void {
    const out = this.out;
    out.text(this.comment[0]);
    out.text("\t/* ");
    for (const p of parts) {
      if (typeof p === "number") out.number(p);
      else out.text(p);
    }
    out.text(" */");
    out.text(this.comment[1]);
    out.newline();
  }
}

/** A hole as pahole counts it: the bits up to and after whole bytes, and the whole bytes. */
export function splitHole(h: { bitOffset: number; bits: number }): { bytes: number; bits: number } {
  const bits = holeBitPart(h.bitOffset, h.bits);
  return { bytes: (h.bits - bits) / 8, bits };
}

/** splitHole's bits, without an object: the rest of the hole is whole bytes. */
export function holeBitPart(bitOffset: number, bits: number): number {
  const lead = Math.min(bits, (8 - (bitOffset % 8)) % 8);
  return lead + ((bits - lead) % 8);
}

/** A style's wrapping of a text, split into what goes before and after it. */
export function brackets(wrap: (s: string) => string): [string, string] {
  const marked = wrap("\u0000");
  const at = marked.indexOf("\u0000");
  return [marked.slice(0, at), marked.slice(at + 1)];
}

/** pahole's lines around a hole, shared by the graph and the record formatters. */
export function holeLines(hole: { bitOffset: number; bits: number }, indent: string, s: Style): string[] {
  const { bytes, bits } = splitHole(hole);
  const out = [""];
  if (bits) out.push(s.warning(`${indent}/* XXX ${count(bits, "bit")} hole, try to pack */`));
  if (bytes) out.push(s.warning(`${indent}/* XXX ${count(bytes, "byte")} hole, try to pack */`));
  out.push("");
  return out;
}

/** The cacheline a member at `bitOffset` crosses into, if any, moving `boundary` past it. */
export function boundaryLine(bitOffset: number, indent: string, boundary: { value: number }, lineSize: number, s: Style): string | undefined {
  const byte = Math.floor(bitOffset / 8);
  if (byte < boundary.value) return undefined;
  // Only the last line crossed is marked, as pahole does.
  const crossed = Math.floor(byte / lineSize) * lineSize;
  const ago = byte - crossed;
  const was = ago ? ` was ${ago} bytes ago` : "";
  boundary.value = crossed + lineSize;
  return s.comment(`${indent}/* --- cacheline ${crossed / lineSize} boundary (${crossed} bytes)${was} --- */`);
}
