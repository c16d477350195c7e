import { cDeclarationColumns } from "../../ir/c-names.js";
import type { TypeGraph } from "../../ir/graph.js";
import { resolve } from "../../ir/graph.js";
import { describeAggregate, type AggregateLayout } from "../../ir/layout/aggregate.js";
import type { TypeId } from "../../ir/types.js";
import { plain, type Style } from "../style.js";
import type { TextBuffer } from "../text-buffer.js";

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

const TYPE_COL = 26;
const NAME_COL = 21;

/** Writes the layout of each aggregate in `ids` to `out`. */
export function layoutText(graph: TypeGraph, ids: readonly TypeId[], out: TextBuffer, opts: LayoutTextOptions = {}): void {
  const w = new Writer(graph, out, opts);
  for (const id of ids) {
    w.aggregate(describeAggregate(graph, id));
    out.line("");
  }
}

class Writer {
  private readonly style: Style;
  private readonly line: number;
  constructor(
    private readonly graph: TypeGraph,
    private readonly out: TextBuffer,
    private readonly opts: LayoutTextOptions,
  ) {
    this.style = opts.style ?? plain;
    this.line = opts.cachelineSize ?? 64;
  }

  aggregate(l: AggregateLayout): void {
    const s = this.style;
    this.out.line(`${s.keyword(l.kind)} ${l.name ? s.type(l.name) + " " : ""}{`);
    this.members(l, 0, "\t", { value: this.line });
    this.summary(l);
    this.out.line("};");
  }

  /** The members of `l`, which starts `base` bits into the outermost type. */
  private members(l: AggregateLayout, base: number, indent: string, boundary: { value: number }): void {
    const s = this.style;
    const holeBefore = new Map(l.holes.map((h) => [h.before, h]));
    for (let i = 0; i < l.members.length; i++) {
      const m = l.members[i]!;
      const hole = holeBefore.get(i);
      if (hole) this.hole(hole, indent);
      const abs = base + m.bitOffset;
      if (this.opts.cachelines) this.boundaries(abs, indent, boundary);
      const inner = this.anonymous(m.typeId);
      if (inner) {
        this.out.line(`${indent}${s.keyword(inner.kind)} {`);
        this.members(inner, abs, indent + "\t", boundary);
        this.out.line(`${indent}${pad("};", TYPE_COL + NAME_COL + 1)} ${this.position(abs, 0, inner.size)}`);
        continue;
      }
      const [type, decl] = cDeclarationColumns(this.graph, m.typeId, m.name);
      const bits = m.bitSize ? `:${m.bitSize}` : "";
      const left = `${indent}${pad(type, TYPE_COL)} ${pad(`${decl}${bits};`, NAME_COL)}`;
      this.out.line(`${s.member(left)} ${this.position(abs, m.bitSize, m.size)}`);
    }
    if (l.tailPaddingBits && l.kind === "struct" && l.members.length) {
      // Tail padding of a nested anonymous aggregate is a hole in the outer one.
      if (base !== 0 || indent !== "\t") this.hole({ bitOffset: l.size * 8 - l.tailPaddingBits, bits: l.tailPaddingBits }, indent);
    }
  }

  private anonymous(id: TypeId): AggregateLayout | undefined {
    const rid = resolve(this.graph, id);
    const t = this.graph.type(rid);
    if ((t.kind === "struct" || t.kind === "union") && t.name === "" && rid === id) return describeAggregate(this.graph, rid);
    return undefined;
  }

  private position(bitOffset: number, bitSize: number, size: number): string {
    const byte = Math.floor(bitOffset / 8);
    if (bitSize) {
      // For a bitfield: byte of its storage unit, bit within that unit, unit size.
      const unit = size > 0 ? size : 1;
      const unitStart = Math.floor(byte / unit) * unit;
      return `/* ${String(unitStart).padStart(5)}:${String(bitOffset - unitStart * 8).padStart(2)} ${String(size).padStart(4)} */`;
    }
    return `/* ${String(byte).padStart(5)} ${String(size).padStart(5)} */`;
  }

  private hole(hole: { bitOffset: number; bits: number }, indent: string): void {
    const { bytes, bits } = splitHole(hole);
    const s = this.style;
    this.out.line("");
    if (bits) this.out.line(s.warning(`${indent}/* XXX ${bits} bit${bits === 1 ? "" : "s"} hole, try to pack */`));
    if (bytes) this.out.line(s.warning(`${indent}/* XXX ${bytes} byte${bytes === 1 ? "" : "s"} hole, try to pack */`));
    this.out.line("");
  }

  private boundaries(bitOffset: number, indent: string, boundary: { value: number }): void {
    const byte = Math.floor(bitOffset / 8);
    if (byte < boundary.value) return;
    // Only the last line crossed is marked, as pahole does.
    const crossed = Math.floor(byte / this.line) * this.line;
    const ago = byte - crossed;
    const was = ago ? ` was ${ago} bytes ago` : "";
    this.out.line(this.style.comment(`${indent}/* --- cacheline ${crossed / this.line} boundary (${crossed} bytes)${was} --- */`));
    boundary.value = crossed + this.line;
  }

  private summary(l: AggregateLayout): void {
    const s = this.style;
    const lines: string[] = [];
    const cachelines = Math.ceil(l.size / this.line);
    lines.push(`size: ${l.size}, cachelines: ${cachelines}, members: ${l.members.length}`);
    const parts = l.holes.map(splitHole);
    const byteHoles = parts.filter((p) => p.bytes > 0);
    const bitHoles = parts.filter((p) => p.bits > 0);
    if (byteHoles.length) {
      const sumMembers = l.members.reduce((n, m) => n + (m.bitSize ? 0 : m.size), 0);
      const sumHoles = byteHoles.reduce((n, p) => n + p.bytes, 0);
      lines.push(`sum members: ${sumMembers}, holes: ${byteHoles.length}, sum holes: ${sumHoles}`);
    }
    if (bitHoles.length) lines.push(`bit holes: ${bitHoles.length}, sum bit holes: ${bitHoles.reduce((n, p) => n + p.bits, 0)} bits`);
    if (l.kind === "struct" && l.tailPaddingBits >= 8) lines.push(`padding: ${Math.floor(l.tailPaddingBits / 8)}`);
    if (l.kind === "struct" && l.tailPaddingBits % 8) lines.push(`bit_padding: ${l.tailPaddingBits % 8} bits`);
    lines.push(`align: ${l.align}`);
    const packed = this.opts.packedSizes?.get(l.id);
    if (packed !== undefined) lines.push(`encoding/binary size: ${packed}`);
    const last = l.size % this.line;
    if (last) lines.push(`last cacheline: ${last} bytes`);
    this.out.line("");
    for (const line of lines) this.out.line(s.comment(`\t/* ${line} */`));
    for (const p of l.problems) this.out.line(s.error(`\t/* ERROR: ${p} */`));
  }
}

/** A hole as pahole counts it: the bits up to and after whole bytes, and the whole bytes. */
function splitHole(h: { bitOffset: number; bits: number }): { bytes: number; bits: number } {
  const lead = Math.min(h.bits, (8 - (h.bitOffset % 8)) % 8);
  const rest = h.bits - lead;
  return { bytes: Math.floor(rest / 8), bits: lead + (rest % 8) };
}

const SPACES = " ".repeat(256);

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + SPACES.slice(0, Math.min(256, width - text.length));
}
