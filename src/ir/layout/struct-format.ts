import { InputError } from "../errors.js";
import type { GraphBuilder } from "../graph.js";
import type { ScalarKind, Target } from "../targets.js";
import type { Member, SourceLoc, TypeId } from "../types.js";

// Python's `struct` module formats ("<IHH", "@qi16s"): a byte order and
// alignment prefix, then codes with repeat counts. With `@` (the default)
// each code has the C size and alignment of the machine and items are
// aligned, but no tail padding is added; every other prefix uses standard
// sizes and packs items with no padding at all.

export interface FormatItem {
  code: string;
  /** Values it produces: a repeat count, or 1 for `s`/`p` whose count is bytes. */
  repeat: number;
  /** For `s` and `p`: the byte length; for `x`: bytes of padding. */
  bytes?: number;
  /** Character offset in the format string, for messages. */
  at: number;
}

export interface StructFormat {
  text: string;
  byteOrder: "native" | "little" | "big";
  /** `@`: machine sizes and alignment. */
  native: boolean;
  items: FormatItem[];
}

interface CodeInfo {
  /** Standard size (any prefix but `@`); absent where the code is native-only. */
  standard?: number;
  /** The C scalar it has under `@`. */
  native: ScalarKind;
  signed: boolean;
  float?: boolean;
  encoding?: "char" | "bool";
}

const CODES: Readonly<Record<string, CodeInfo>> = {
  c: { standard: 1, native: "char", signed: true, encoding: "char" },
  b: { standard: 1, native: "char", signed: true },
  B: { standard: 1, native: "char", signed: false },
  "?": { standard: 1, native: "bool", signed: false, encoding: "bool" },
  h: { standard: 2, native: "short", signed: true },
  H: { standard: 2, native: "short", signed: false },
  i: { standard: 4, native: "int", signed: true },
  I: { standard: 4, native: "int", signed: false },
  l: { standard: 4, native: "long", signed: true },
  L: { standard: 4, native: "long", signed: false },
  q: { standard: 8, native: "longlong", signed: true },
  Q: { standard: 8, native: "longlong", signed: false },
  n: { native: "long", signed: true },
  N: { native: "long", signed: false },
  e: { standard: 2, native: "short", signed: true, float: true },
  f: { standard: 4, native: "float", signed: true, float: true },
  d: { standard: 8, native: "double", signed: true, float: true },
  P: { native: "pointer", signed: false },
};

const PREFIXES: Readonly<Record<string, Pick<StructFormat, "byteOrder" | "native">>> = {
  "@": { byteOrder: "native", native: true },
  "=": { byteOrder: "native", native: false },
  "<": { byteOrder: "little", native: false },
  ">": { byteOrder: "big", native: false },
  "!": { byteOrder: "big", native: false },
};

// Formats come from source text; a count beyond this is a typo or an attack.
const MAX_COUNT = 1 << 24;

/** Parses a format as `struct.calcsize` does, or throws InputError at the bad character. */
export function parseStructFormat(text: string, file: string, loc?: SourceLoc): StructFormat {
  const fail = (detail: string): never => {
    throw new InputError(file, `struct format ${JSON.stringify(text)}: ${detail}`, loc ? { line: loc.line, column: loc.column } : {});
  };
  let i = 0;
  const prefix = PREFIXES[text[0] ?? ""];
  if (prefix) i = 1;
  const { byteOrder, native } = prefix ?? PREFIXES["@"]!;
  const items: FormatItem[] = [];
  while (i < text.length) {
    const at = i;
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    let digits = "";
    while (i < text.length && /[0-9]/.test(text[i]!)) digits += text[i++];
    const code = text[i++];
    if (code === undefined) fail("repeat count given without format specifier");
    const count = digits === "" ? 1 : Number(digits);
    if (count > MAX_COUNT) fail(`count ${digits} at character ${at} is too large`);
    if (code === "x") items.push({ code, repeat: 0, bytes: count, at });
    else if (code === "s" || code === "p") items.push({ code, repeat: 1, bytes: count, at });
    else {
      const info = CODES[code!];
      if (!info) fail(`bad char ${JSON.stringify(code)} at character ${i - 1}`);
      if (info!.standard === undefined && !native) fail(`'${code}' is only allowed with native alignment ('@')`);
      items.push({ code: code!, repeat: count, at });
    }
  }
  return { text, byteOrder, native, items };
}

export interface FormatField {
  /** Index of the value in the tuple `unpack` returns. */
  index: number;
  code: string;
  offset: number;
  size: number;
}

export interface FormatLayout {
  /** `struct.calcsize`. */
  size: number;
  fields: FormatField[];
}

/** Offsets of each unpacked value, as `struct` computes them for `target`. */
export function layoutStructFormat(format: StructFormat, target: Target): FormatLayout {
  const fields: FormatField[] = [];
  let offset = 0;
  let index = 0;
  for (const item of format.items) {
    if (item.code === "x") {
      offset += item.bytes!;
      continue;
    }
    if (item.code === "s" || item.code === "p") {
      // A zero-length string still yields one (empty) value.
      fields.push({ index: index++, code: item.code, offset, size: item.bytes! });
      offset += item.bytes!;
      continue;
    }
    const { size, align } = codeSize(item.code, format.native, target);
    if (format.native && align > 1) offset = Math.ceil(offset / align) * align;
    for (let k = 0; k < item.repeat; k++) {
      fields.push({ index: index++, code: item.code, offset, size });
      offset += size;
    }
  }
  return { size: offset, fields };
}

function codeSize(code: string, native: boolean, target: Target): { size: number; align: number } {
  const info = CODES[code]!;
  if (!native) return { size: info.standard!, align: 1 };
  // struct's own table gives `e` the size and alignment of a C short.
  return target.scalars[info.native] ?? { size: info.standard!, align: info.standard! };
}

/**
 * Adds the format as a struct type to a graph: one member per unpacked value
 * (`v0`, `v1`, ...), strings as char arrays, padding as holes.
 */
export function addStructFormatType(b: GraphBuilder, format: StructFormat, target: Target, loc?: SourceLoc): TypeId {
  const layout = layoutStructFormat(format, target);
  const scalars = new Map<string, TypeId>();
  const scalar = (code: string, size: number): TypeId => {
    const key = `${code}:${size}`;
    let id = scalars.get(key);
    if (id !== undefined) return id;
    const info = CODES[code];
    if (code === "s" || code === "p" || !info) id = b.add({ kind: "int", name: "char", size: 1, signed: target.charSigned, encoding: "char", bits: 8, bitOffset: 0 });
    else if (info.native === "pointer") id = b.add({ kind: "ptr", target: 0 });
    else if (info.float) id = b.add({ kind: "float", name: `struct '${code}'`, size });
    else id = b.add({ kind: "int", name: `struct '${code}'`, size, signed: info.signed, encoding: info.encoding ?? "none", bits: size * 8, bitOffset: 0 });
    scalars.set(key, id);
    return id;
  };
  const members: Member[] = layout.fields.map((f) => {
    const elem = scalar(f.code, f.code === "s" || f.code === "p" ? 1 : f.size);
    const type = f.code === "s" || f.code === "p" ? b.add({ kind: "array", elem, count: f.size }) : elem;
    return { name: `v${f.index}`, type, bitOffset: f.offset * 8, bitSize: 0, loc };
  });
  const align = format.native ? Math.max(1, ...layout.fields.map((f) => codeSize(f.code === "s" || f.code === "p" ? "c" : f.code, true, target).align)) : 1;
  return b.add({ kind: "struct", name: `struct.Struct(${JSON.stringify(format.text)})`, size: layout.size, members, align, loc });
}
