import type { SourceChecksum } from "../../ir/bindings.js";

// The files a DWARF 5 line table names, with the MD5 of each that the
// compiler recorded (clang does by default with -g): the compiler's own word
// on which texts an object was built from. Only the headers of the line
// programs are read, never the programs. These checksums only ever spare a
// read (a file whose checksum is missing or unreadable is read as before), so
// a table this reader cannot follow gives fewer of them, never an error.

const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;
const DW_LNCT_MD5 = 5;

const DW_FORM = {
  block2: 0x03,
  block4: 0x04,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  sdata: 0x0d,
  strp: 0x0e,
  udata: 0x0f,
  data16: 0x1e,
  line_strp: 0x1f,
} as const;

/** The sections a line table's strings may live in, as they are in the file. */
export interface LineSections {
  line: Uint8Array;
  lineStr?: Uint8Array;
  str?: Uint8Array;
  littleEndian: boolean;
}

/**
 * Every file of every unit's line table that carries an MD5. Strings are
 * taken as the relocatable object holds them: a BPF object's relocations
 * against the string sections are REL with their offsets in place, so the
 * bytes already say where each string is.
 */
export function lineTableChecksums(s: LineSections): SourceChecksum[] {
  const out: SourceChecksum[] = [];
  const view = new DataView(s.line.buffer, s.line.byteOffset, s.line.byteLength);
  for (let at = 0; at + 4 <= view.byteLength; ) {
    const unit = unitAt(view, s, at);
    if (!unit) break;
    for (const f of unit.files) out.push(f);
    at = unit.end;
  }
  return out;
}

/** A value of the table's entries: a string, a number, or bytes (MD5, blocks). */
type Value = string | number | Uint8Array;

class Cursor {
  constructor(
    readonly view: DataView,
    public at: number,
    readonly end: number,
    readonly little: boolean,
  ) {}

  /** Throws past the unit's end: the caller gives up on the unit. */
  take(n: number): number {
    const at = this.at;
    if (n < 0 || at + n > this.end) throw new Truncated();
    this.at = at + n;
    return at;
  }
  u8(): number {
    return this.view.getUint8(this.take(1));
  }
  u16(): number {
    return this.view.getUint16(this.take(2), this.little);
  }
  u32(): number {
    return this.view.getUint32(this.take(4), this.little);
  }
  u64(): number {
    const at = this.take(8);
    const lo = this.view.getUint32(at + (this.little ? 0 : 4), this.little);
    const hi = this.view.getUint32(at + (this.little ? 4 : 0), this.little);
    // An offset past 2^53 is past any section: the lookup fails, as it should.
    return hi * 2 ** 32 + lo;
  }
  /** An unsigned LEB128, at most what a double holds exactly. */
  uleb(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      value += (b & 0x7f) * scale;
      if (!(b & 0x80)) return value;
      scale *= 128;
    }
    throw new Truncated();
  }
  sleb(): void {
    for (let i = 0; i < 10; i++) if (!(this.u8() & 0x80)) return;
    throw new Truncated();
  }
  bytes(n: number): Uint8Array {
    const at = this.take(n);
    return new Uint8Array(this.view.buffer, this.view.byteOffset + at, n);
  }
  cstring(): string {
    const bytes = new Uint8Array(this.view.buffer, this.view.byteOffset, this.end);
    const nul = bytes.indexOf(0, this.at);
    if (nul < 0) throw new Truncated();
    const text = decode(bytes.subarray(this.at, nul));
    this.at = nul + 1;
    return text;
  }
}

class Truncated extends Error {}

const decoder = new TextDecoder();
const decode = (b: Uint8Array): string => decoder.decode(b);

/** The NUL-terminated string at `offset` of a string section. */
function stringAt(section: Uint8Array | undefined, offset: number): string {
  if (!section || offset >= section.length) throw new Truncated();
  const nul = section.indexOf(0, offset);
  if (nul < 0) throw new Truncated();
  return decode(section.subarray(offset, nul));
}

interface Unit {
  end: number;
  files: SourceChecksum[];
}

/** The unit at `at`: where it ends and its files with checksums; undefined where the section cannot be followed further. */
function unitAt(view: DataView, s: LineSections, at: number): Unit | undefined {
  const little = s.littleEndian;
  let length = view.getUint32(at, little);
  let offsetSize = 4;
  let start = at + 4;
  if (length === 0xffffffff) {
    if (at + 12 > view.byteLength) return undefined;
    const c = new Cursor(view, at + 4, view.byteLength, little);
    length = c.u64();
    offsetSize = 8;
    start = at + 12;
  } else if (length >= 0xfffffff0) return undefined;
  const end = start + length;
  if (end > view.byteLength) return undefined;
  const c = new Cursor(view, start, end, little);
  try {
    if (c.u16() !== 5) return { end, files: [] };
    c.take(2); // address_size, segment_selector_size
    c.take(offsetSize); // header_length
    c.take(5); // minimum_instruction_length .. line_range
    const opcodeBase = c.u8();
    c.take(Math.max(0, opcodeBase - 1));
    const offset = (): number => (offsetSize === 8 ? c.u64() : c.u32());
    const value = (form: number): Value => {
      switch (form) {
        case DW_FORM.string:
          return c.cstring();
        case DW_FORM.line_strp:
          return stringAt(s.lineStr, offset());
        case DW_FORM.strp:
          return stringAt(s.str, offset());
        case DW_FORM.data1:
          return c.u8();
        case DW_FORM.data2:
          return c.u16();
        case DW_FORM.data4:
          return c.u32();
        case DW_FORM.data8:
          return c.u64();
        case DW_FORM.udata:
          return c.uleb();
        case DW_FORM.sdata:
          c.sleb();
          return 0;
        case DW_FORM.data16:
          return c.bytes(16);
        case DW_FORM.block:
          return c.bytes(c.uleb());
        case DW_FORM.block1:
          return c.bytes(c.u8());
        case DW_FORM.block2:
          return c.bytes(c.u16());
        case DW_FORM.block4:
          return c.bytes(c.u32());
        default:
          // A form a line table has no business holding (strx needs the unit's string offsets base).
          throw new Truncated();
      }
    };
    const entries = (): Map<number, Value>[] => {
      const formats: [number, number][] = [];
      for (let n = c.u8(); n > 0; n--) formats.push([c.uleb(), c.uleb()]);
      const count = c.uleb();
      // Every entry takes a byte at least, unless it has no fields: then there is nothing to read.
      if (!formats.length || count > end - c.at) return [];
      const out: Map<number, Value>[] = [];
      for (let i = 0; i < count; i++) {
        const e = new Map<number, Value>();
        for (const [type, form] of formats) e.set(type, value(form));
        out.push(e);
      }
      return out;
    };
    const dirs = entries().map((e) => e.get(DW_LNCT_path));
    const files: SourceChecksum[] = [];
    for (const e of entries()) {
      const name = e.get(DW_LNCT_path);
      const md5 = e.get(DW_LNCT_MD5);
      if (typeof name !== "string" || !(md5 instanceof Uint8Array) || md5.length !== 16) continue;
      const dir = dirs[Number(e.get(DW_LNCT_directory_index) ?? 0)];
      const path = name.startsWith("/") || typeof dir !== "string" || dir === "" ? name : `${dir.replace(/\/+$/, "")}/${name}`;
      files.push({ path, md5: hex(md5) });
    }
    return { end, files };
  } catch (e) {
    if (!(e instanceof Truncated)) throw e;
    return { end, files: [] };
  }
}

function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
