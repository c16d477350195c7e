import { isAscii } from "node:buffer";
import { InputError } from "../../ir/errors.js";
import type { TypeGraph } from "../../ir/graph.js";
import { TARGETS, type Target } from "../../ir/targets.js";
import type { EnumValue, Linkage, Member, Param, SourceLoc, Type, TypeId } from "../../ir/types.js";
import { VOID } from "../../ir/types.js";
import {
  BTF_MAGIC,
  COMMON_LEN,
  HEADER_LEN,
  INT_BOOL,
  INT_CHAR,
  INT_SIGNED,
  KIND_NAMES,
  Kind,
  infoKind,
  infoKindFlag,
  infoVlen,
  intBits,
  intEncoding,
  intOffset,
  recordLength,
  type BtfHeader,
} from "./wire.js";

export interface ParseBtfOptions {
  /** For messages and locations. */
  file: string;
  /** Where the blob starts in `file` (a `.BTF` section inside an ELF). */
  fileOffset?: number;
  /** The BTF this one extends (kernel modules extend vmlinux). */
  base?: Btf;
  /** Pointer and `long` widths; by default the BPF target of the blob's byte order. */
  target?: Target;
}

/**
 * Every type record of a blob and its bases, read in place: `words` holds
 * the records as host-order 32-bit words and `at[id]` the index of a
 * record's first word (name_off, then info, then size or type, then what
 * follows). `nameBytes` is the string sections as one run of bytes, so a
 * name runs from its offset to the next NUL; `ascii` says whether those
 * bytes are the names' characters one for one.
 */
export interface FlatRecords {
  readonly words: Uint32Array;
  readonly at: Int32Array;
  readonly nameBytes: Uint8Array;
  readonly ascii: boolean;
}

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const LINKAGE: readonly Linkage[] = ["static", "global", "extern"];

/** Finds answered by a scan of the records before the names are indexed: past a few, the index costs less. */
const SCANNED_FINDS = 8;

/**
 * One BTF blob, raw or from an ELF section, possibly split on top of a base.
 * Parsing only indexes where each record starts; a type becomes an IR node
 * the first time someone asks for it, and stays cached.
 */
export class Btf implements TypeGraph {
  readonly file: string;
  readonly target: Target;
  readonly header: BtfHeader;
  readonly base?: Btf;
  /** The first id this blob defines: 1, or the base's count for split BTF. */
  readonly firstId: number;
  readonly count: number;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  /** The same bytes, for Buffer's fast string decoding. */
  private readonly buf: Buffer;
  private readonly le: boolean;
  private readonly fileOffset: number;
  /**
   * The type section as host-order words: a view of the blob where it is
   * little-endian and aligned (the kernel's BTF), else a copy. Records start
   * on whole words from the section's start, so word k is at byte 4k of it.
   */
  private readonly words: Uint32Array;
  /**
   * Where each own record starts, as an index into `words`, by id - firstId
   * + 1; slot 0 holds nothing. A blob with no base starts at id 1, so this
   * is indexed by id itself and serves flatRecords as its `at` too (a
   * kernel's 125,000 records: one index, not two).
   */
  private readonly index: Int32Array;
  /** Decoded types by id - firstId, made on the first decode: a formatter that reads the records in place never needs it. */
  private cache?: (Type | undefined)[];
  private readonly strBase: number;
  /**
   * The string section as one latin1 string, so a name is a slice of it
   * found by a native search, with no per-name decoding or cache; `ascii`
   * says whether those slices are the names (UTF-8 beyond ASCII is decoded
   * name by name).
   */
  private strings?: { table: string; ascii: boolean };
  private names?: Map<string, TypeId[]>;
  /** How many finds have scanned the records rather than built the index of names. */
  private scans = 0;
  private flat?: FlatRecords;

  constructor(bytes: Uint8Array, opts: ParseBtfOptions) {
    this.file = opts.file;
    this.fileOffset = opts.fileOffset ?? 0;
    this.bytes = bytes;
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.header = this.readHeader();
    this.le = this.header.littleEndian;
    this.base = opts.base;
    this.target = opts.target ?? opts.base?.target ?? (this.le ? TARGETS.bpfel : TARGETS.bpfeb);
    this.firstId = opts.base ? opts.base.count : 1;
    this.strBase = opts.base ? opts.base.header.strLen + opts.base.strBase : 0;
    this.checkStrings();
    this.words = this.typeWords();
    this.index = this.indexRecords();
    this.count = this.firstId + this.index.length - 1;
  }

  private fail(detail: string, blobOffset?: number): never {
    throw new InputError(this.file, detail, blobOffset === undefined ? {} : { offset: this.fileOffset + blobOffset });
  }

  private readHeader(): BtfHeader {
    const v = this.view;
    if (v.byteLength < HEADER_LEN) this.fail(`BTF is ${v.byteLength} bytes, shorter than its ${HEADER_LEN}-byte header`, 0);
    const magicLe = v.getUint16(0, true);
    const littleEndian = magicLe === BTF_MAGIC;
    if (!littleEndian && v.getUint16(0, false) !== BTF_MAGIC) {
      this.fail(`not BTF: magic 0x${magicLe.toString(16)}, expected 0xeb9f`, 0);
    }
    const le = littleEndian;
    const version = v.getUint8(2);
    if (version !== 1) this.fail(`unsupported BTF version ${version}`, 2);
    const hdrLen = v.getUint32(4, le);
    if (hdrLen < HEADER_LEN || hdrLen > v.byteLength) this.fail(`header length ${hdrLen} is outside 24..${v.byteLength}`, 4);
    const typeOff = v.getUint32(8, le);
    const typeLen = v.getUint32(12, le);
    const strOff = v.getUint32(16, le);
    const strLen = v.getUint32(20, le);
    const data = v.byteLength - hdrLen;
    if (typeOff % 4 !== 0) this.fail(`type section offset ${typeOff} is not 4-byte aligned`, 8);
    if (typeOff + typeLen > data) this.fail(`type section (offset ${typeOff}, ${typeLen} bytes) runs past the ${data} bytes after the header`, 8);
    if (strOff + strLen > data) this.fail(`string section (offset ${strOff}, ${strLen} bytes) runs past the ${data} bytes after the header`, 16);
    if (typeOff < strOff + strLen && strOff < typeOff + typeLen) this.fail("type and string sections overlap", 8);
    return {
      littleEndian,
      version,
      flags: v.getUint8(3),
      hdrLen,
      typeStart: hdrLen + typeOff,
      typeLen,
      strStart: hdrLen + strOff,
      strLen,
    };
  }

  private checkStrings(): void {
    const { strStart, strLen } = this.header;
    if (strLen === 0) {
      if (!this.base) this.fail("string section is empty (it must hold at least the empty name)", 16);
      return;
    }
    if (!this.base && this.bytes[strStart] !== 0) this.fail("string section does not start with the empty name", strStart);
    if (this.bytes[strStart + strLen - 1] !== 0) this.fail("string section does not end with a NUL", strStart + strLen - 1);
  }

  private typeWords(): Uint32Array {
    const { typeStart, typeLen } = this.header;
    const start = this.bytes.byteOffset + typeStart;
    if (this.le && HOST_LE && start % 4 === 0) return new Uint32Array(this.bytes.buffer, start, typeLen >> 2);
    const words = new Uint32Array(typeLen >> 2);
    for (let k = 0; k < words.length; k++) words[k] = this.view.getUint32(typeStart + 4 * k, this.le);
    return words;
  }

  /**
   * Where each record starts, nothing decoded, in one pass. The index is
   * sized for records of 24 bytes, about a kernel's mean (25), and doubled
   * where they run smaller: a bound from the smallest record would hold
   * twice a kernel's records.
   */
  private indexRecords(): Int32Array {
    const { typeStart, typeLen } = this.header;
    const words = this.words;
    let index = new Int32Array(Math.floor(typeLen / 24) + 2);
    let n = 0;
    for (let at = 0; 4 * at < typeLen; ) {
      const off = typeStart + 4 * at;
      if (4 * at + COMMON_LEN > typeLen) this.fail(`type ${this.firstId + n}: record header cut short by the end of the type section`, off);
      const info = words[at + 1]!;
      const kind = infoKind(info);
      const len = recordLength(kind, infoVlen(info));
      if (len < 0) this.fail(`type ${this.firstId + n}: unknown kind ${kind}`, off);
      if (4 * at + len > typeLen) this.fail(`type ${this.firstId + n}: ${KIND_NAMES[kind]} record of ${len} bytes runs past the type section`, off);
      if (++n === index.length) {
        const grown = new Int32Array(2 * index.length);
        grown.set(index);
        index = grown;
      }
      index[n] = at;
      at += len >>> 2;
    }
    return index.subarray(0, n + 1);
  }

  /** The string at `off` in this blob's (or the base's) string table. */
  str(off: number, where: number): string {
    if (off < this.strBase) {
      if (!this.base) this.fail(`string offset ${off} out of range`, where);
      return this.base.str(off, where);
    }
    const local = off - this.strBase;
    const { strStart, strLen } = this.header;
    if (local >= strLen) this.fail(`string offset ${off} is past the ${strLen}-byte string section`, where);
    const strings = (this.strings ??= this.decodeStrings());
    // checkStrings made the last byte a NUL, so the search always finds one.
    const stop = strings.table.indexOf("\u0000", local);
    return strings.ascii ? strings.table.slice(local, stop) : this.buf.toString("utf8", strStart + local, strStart + stop);
  }

  private decodeStrings(): { table: string; ascii: boolean } {
    const { strStart, strLen } = this.header;
    return { table: this.buf.toString("latin1", strStart, strStart + strLen), ascii: isAscii(this.bytes.subarray(strStart, strStart + strLen)) };
  }

  private recordOffset(id: TypeId): number {
    const i = id - this.firstId + 1;
    if (i < 1 || i >= this.index.length || !Number.isInteger(id)) {
      throw new InputError(this.file, `type id ${id} out of range (ids run to ${this.count - 1})`);
    }
    return this.header.typeStart + 4 * this.index[i]!;
  }

  /** The name of a type, without decoding the rest of it. */
  nameOf(id: TypeId): string {
    if (id === 0) return "";
    if (id < this.firstId) return this.base!.nameOf(id);
    const off = this.recordOffset(id);
    return this.str(this.view.getUint32(off, this.le), off);
  }

  /**
   * The type records of this blob and its bases as host-order words, for a
   * formatter that reads every aggregate and would spend more on building IR
   * nodes than on printing them. A view of the blob where it is little-endian
   * and aligned (the kernel's BTF), else a copy. Says nothing about whether a
   * record decodes: `sound` does.
   */
  flatRecords(): FlatRecords {
    return (this.flat ??= this.makeFlat());
  }

  private makeFlat(): FlatRecords {
    const { strStart, strLen } = this.header;
    const own = this.bytes.subarray(strStart, strStart + strLen);
    if (!this.base) return { words: this.words, at: this.index, nameBytes: own, ascii: isAscii(own) };
    const base = this.base.flatRecords();
    const baseWords = base.words.length;
    const at = new Int32Array(this.count);
    at.set(base.at.subarray(0, this.firstId));
    for (let i = 1; i < this.index.length; i++) at[this.firstId + i - 1] = baseWords + this.index[i]!;
    const ascii = isAscii(own) && base.ascii;
    const words = new Uint32Array(baseWords + this.words.length);
    words.set(base.words);
    words.set(this.words, baseWords);
    const nameBytes = new Uint8Array(base.nameBytes.length + strLen);
    nameBytes.set(base.nameBytes);
    nameBytes.set(own, base.nameBytes.length);
    return { words, at, nameBytes, ascii };
  }

  /** Whether `off` is a string of this blob or its base. */
  private strOk(off: number): boolean {
    if (off < this.strBase) return this.base !== undefined && this.base.strOk(off);
    return off - this.strBase < this.header.strLen;
  }

  /**
   * Whether `type(id)` would decode without an error, found in place: the
   * checks decode makes, without building the node, read from the words
   * (a formatter of a whole kernel asks this of some 30,000 types).
   */
  sound(id: TypeId): boolean {
    if (!Number.isInteger(id) || id < 0 || id >= this.count) return false;
    if (id === 0) return true;
    if (id < this.firstId) return this.base!.sound(id);
    const i = id - this.firstId;
    if (this.cache?.[i]) return true;
    const w = this.words;
    const count = this.count;
    // A string offset is good below the end of this blob's strings: the base's strings end where this blob's start.
    const strEnd = this.strBase + this.header.strLen;
    const at = this.index[i + 1]!;
    const info = w[at + 1]!;
    const vlen = info & 0xffff;
    const third = w[at + 2]!;
    const body = at + 3;
    if (w[at]! >= strEnd) return false;
    const kind = infoKind(info);
    switch (kind) {
      case Kind.INT: {
        const bits = intBits(w[body]!);
        return bits !== 0 && bits <= 128 && third !== 0 && third <= 16;
      }
      case Kind.FLOAT:
        return third === 2 || third === 4 || third === 8 || third === 12 || third === 16;
      case Kind.ARRAY:
        return w[body]! < count;
      case Kind.STRUCT:
      case Kind.UNION:
        for (let k = 0, p = body; k < vlen; k++, p += 3) if (w[p]! >= strEnd || w[p + 1]! >= count) return false;
        return true;
      case Kind.ENUM:
      case Kind.ENUM64: {
        // One loop for both, so that the rarer ENUM64 runs no comparison optimized code has not seen.
        const stride = kind === Kind.ENUM ? 2 : 3;
        for (let k = 0, p = body; k < vlen; k++, p += stride) if (w[p]! >= strEnd) return false;
        return true;
      }
      case Kind.FWD:
        return true;
      case Kind.FUNC_PROTO:
        for (let k = 0, p = body; k < vlen; k++, p += 2) {
          const type = w[p + 1]!;
          if (type === 0 && k === vlen - 1) break;
          if (w[p]! >= strEnd || type >= count) return false;
        }
        return third < count;
      case Kind.DATASEC:
        for (let k = 0, p = body; k < vlen; k++, p += 3) if (w[p]! >= count) return false;
        return true;
      default:
        // The kinds whose third word is the type they refer to.
        return third < count;
    }
  }

  /**
   * Ids of this blob's named structs and unions, in id order, read from the
   * records' first two words in one loop: the names are looked at, not made
   * into strings.
   */
  namedAggregates(): TypeId[] {
    const ids: TypeId[] = [];
    const w = this.words;
    const index = this.index;
    const { typeStart } = this.header;
    for (let i = 1; i < index.length; i++) {
      const at = index[i]!;
      const kind = (w[at + 1]! >>> 24) & 0x1f;
      if (kind !== Kind.STRUCT && kind !== Kind.UNION) continue;
      const name = w[at]!;
      if (name !== 0 && !this.emptyName(name, typeStart + 4 * at)) ids.push(this.firstId + i - 1);
    }
    return ids;
  }

  /** Whether the string at `off` is "", failing as `str` does on an offset out of range. */
  private emptyName(off: number, where: number): boolean {
    if (off < this.strBase || !this.strOk(off)) return this.str(off, where) === "";
    return this.bytes[this.header.strStart + off - this.strBase] === 0;
  }

  /** Where a type's record is, in the file. */
  locOf(id: TypeId): SourceLoc {
    if (id < this.firstId && this.base) return this.base.locOf(id);
    return { file: this.file, offset: this.fileOffset + this.recordOffset(id) };
  }

  type(id: TypeId): Type {
    if (id === 0) return VOID;
    if (id < this.firstId) {
      if (!this.base) throw new InputError(this.file, `type id ${id} out of range`);
      return this.base.type(id);
    }
    const i = id - this.firstId;
    const cache = (this.cache ??= new Array<Type | undefined>(this.index.length - 1));
    const cached = cache[i];
    if (cached) return cached;
    const t = this.decode(id, this.recordOffset(id));
    cache[i] = t;
    return t;
  }

  find(name: string): readonly TypeId[] {
    // The index decodes names as UTF-8, so bytes that are not UTF-8 read as U+FFFD there: such a name is looked up as it would.
    if (this.names || ++this.scans > SCANNED_FINDS || name.includes("\uFFFD")) return this.nameIndex().get(name) ?? [];
    return this.scanFor(name);
  }

  /**
   * The ids called `name`, as the index would give them, found by comparing
   * its UTF-8 bytes with each record's name in place. A kernel has 100,000
   * names: indexing them all makes a string and an entry for each, where a
   * layout of one type or a C program's few kernel names asks for a handful.
   */
  private scanFor(name: string): TypeId[] {
    const out = this.base ? [...this.base.find(name)] : [];
    const want = Buffer.from(name, "utf8");
    if (want.length === 0) return out;
    const { typeStart, strStart, strLen } = this.header;
    const bytes = this.bytes;
    const words = this.words;
    const index = this.index;
    const first = want[0]!;
    for (let i = 1; i < index.length; i++) {
      const at = index[i]!;
      const off = words[at]!;
      const id = this.firstId + i - 1;
      if (off < this.strBase) {
        if (off !== 0 && this.str(off, typeStart + 4 * at) === name) out.push(id);
        continue;
      }
      const local = off - this.strBase;
      // Past the string section: str fails on it, with the message the index would give.
      if (local >= strLen) this.str(off, typeStart + 4 * at);
      let p = strStart + local;
      if (bytes[p] !== first) continue;
      let k = 1;
      for (p++; k < want.length && bytes[p] === want[k]; k++, p++);
      if (k === want.length && bytes[p] === 0) out.push(id);
    }
    return out;
  }

  private nameIndex(): Map<string, TypeId[]> {
    if (this.names) return this.names;
    const index = new Map<string, TypeId[]>();
    if (this.base) for (const [n, ids] of this.base.nameIndex()) index.set(n, [...ids]);
    for (let id = this.firstId; id < this.count; id++) {
      const n = this.nameOf(id);
      if (!n) continue;
      const ids = index.get(n);
      if (ids) ids.push(id);
      else index.set(n, [id]);
    }
    return (this.names = index);
  }

  /** `target`, referenced from type `id` (record at `off`), checked to be in range. */
  private ref(target: number, id: TypeId, off: number, at: number, part = "", k = 0): TypeId {
    if (target >= this.count) {
      this.fail(`${this.what(id, off)}${part ? ` ${part} ${k}` : ""} refers to type id ${target}, past the last id ${this.count - 1}`, at);
    }
    return target;
  }

  /** How messages name a type: `type 42 (STRUCT sk_buff)`; only built for a message. */
  private what(id: TypeId, off: number): string {
    const name = this.str(this.view.getUint32(off, this.le), off);
    return `type ${id} (${KIND_NAMES[infoKind(this.view.getUint32(off + 4, this.le))]} ${name || "anon"})`;
  }

  private decode(id: TypeId, off: number): Type {
    const v = this.view;
    const le = this.le;
    const info = v.getUint32(off + 4, le);
    const kind = infoKind(info);
    const vlen = infoVlen(info);
    const sizeOrType = v.getUint32(off + 8, le);
    const name = this.str(v.getUint32(off, le), off);
    const loc: SourceLoc = { file: this.file, offset: this.fileOffset + off };
    const body = off + COMMON_LEN;
    switch (kind) {
      case Kind.INT: {
        const word = v.getUint32(body, le);
        const enc = intEncoding(word);
        const bits = intBits(word);
        if (bits > 128 || bits === 0) this.fail(`${this.what(id, off)}: ${bits} value bits`, body);
        if (sizeOrType > 16 || sizeOrType === 0) this.fail(`${this.what(id, off)}: size ${sizeOrType} bytes`, off + 8);
        return {
          kind: "int",
          name,
          size: sizeOrType,
          signed: (enc & INT_SIGNED) !== 0,
          encoding: enc & INT_BOOL ? "bool" : enc & INT_CHAR ? "char" : "none",
          bits,
          bitOffset: intOffset(word),
          loc,
        };
      }
      case Kind.PTR:
        return { kind: "ptr", target: this.ref(sizeOrType, id, off, off + 8), loc };
      case Kind.ARRAY:
        return {
          kind: "array",
          elem: this.ref(v.getUint32(body, le), id, off, body),
          count: v.getUint32(body + 8, le),
          loc,
        };
      case Kind.STRUCT:
      case Kind.UNION: {
        const bitfields = infoKindFlag(info);
        const members: Member[] = new Array(vlen);
        for (let k = 0, p = body; k < vlen; k++, p += 12) {
          const word = v.getUint32(p + 8, le);
          members[k] = {
            name: this.str(v.getUint32(p, le), p),
            type: this.ref(v.getUint32(p + 4, le), id, off, p + 4, "member", k),
            bitOffset: bitfields ? word & 0xffffff : word,
            bitSize: bitfields ? word >>> 24 : 0,
          };
        }
        return { kind: kind === Kind.STRUCT ? "struct" : "union", name, size: sizeOrType, members, loc };
      }
      case Kind.ENUM: {
        const signed = infoKindFlag(info);
        const values: EnumValue[] = new Array(vlen);
        for (let k = 0, p = body; k < vlen; k++, p += 8) {
          const raw = signed ? v.getInt32(p + 4, le) : v.getUint32(p + 4, le);
          values[k] = { name: this.str(v.getUint32(p, le), p), value: BigInt(raw) };
        }
        return { kind: "enum", name, size: sizeOrType, signed, values, loc };
      }
      case Kind.ENUM64: {
        const signed = infoKindFlag(info);
        const values: EnumValue[] = new Array(vlen);
        for (let k = 0, p = body; k < vlen; k++, p += 12) {
          const lo = BigInt(v.getUint32(p + 4, le));
          const hi = BigInt(v.getUint32(p + 8, le));
          const raw = (hi << 32n) | lo;
          values[k] = { name: this.str(v.getUint32(p, le), p), value: signed ? BigInt.asIntN(64, raw) : raw };
        }
        return { kind: "enum", name, size: sizeOrType, signed, values, loc };
      }
      case Kind.FWD:
        return { kind: "fwd", name, union: infoKindFlag(info), loc };
      case Kind.TYPEDEF:
        return { kind: "typedef", name, target: this.ref(sizeOrType, id, off, off + 8), loc };
      case Kind.VOLATILE:
        return { kind: "volatile", target: this.ref(sizeOrType, id, off, off + 8), loc };
      case Kind.CONST:
        return { kind: "const", target: this.ref(sizeOrType, id, off, off + 8), loc };
      case Kind.RESTRICT:
        return { kind: "restrict", target: this.ref(sizeOrType, id, off, off + 8), loc };
      case Kind.TYPE_TAG:
        return { kind: "type_tag", target: this.ref(sizeOrType, id, off, off + 8), tag: name, loc };
      case Kind.FUNC:
        return { kind: "func", name, proto: this.ref(sizeOrType, id, off, off + 8), linkage: LINKAGE[vlen] ?? "static", loc };
      case Kind.FUNC_PROTO: {
        const params: Param[] = [];
        let variadic = false;
        for (let k = 0, p = body; k < vlen; k++, p += 8) {
          const type = v.getUint32(p + 4, le);
          // A last parameter of type void with no name marks `...`.
          if (type === 0 && k === vlen - 1) {
            variadic = true;
            break;
          }
          params.push({ name: this.str(v.getUint32(p, le), p), type: this.ref(type, id, off, p + 4, "param", k) });
        }
        return { kind: "func_proto", ret: this.ref(sizeOrType, id, off, off + 8), params, variadic, loc };
      }
      case Kind.VAR:
        return { kind: "var", name, type: this.ref(sizeOrType, id, off, off + 8), linkage: LINKAGE[v.getUint32(body, le)] ?? "static", loc };
      case Kind.DATASEC: {
        const vars = new Array(vlen);
        for (let k = 0, p = body; k < vlen; k++, p += 12) {
          vars[k] = { type: this.ref(v.getUint32(p, le), id, off, p, "var", k), offset: v.getUint32(p + 4, le), size: v.getUint32(p + 8, le) };
        }
        return { kind: "datasec", name, size: sizeOrType, vars, loc };
      }
      case Kind.FLOAT:
        if (![2, 4, 8, 12, 16].includes(sizeOrType)) this.fail(`${this.what(id, off)}: size ${sizeOrType} bytes`, off + 8);
        return { kind: "float", name, size: sizeOrType, loc };
      case Kind.DECL_TAG:
        return { kind: "decl_tag", tag: name, target: this.ref(sizeOrType, id, off, off + 8), component: v.getInt32(body, le), loc };
      default:
        // indexRecords rejected every other kind already.
        return this.fail(`${this.what(id, off)}: unknown kind ${kind}`, off);
    }
  }
}

export function parseBtf(bytes: Uint8Array, opts: ParseBtfOptions): Btf {
  return new Btf(bytes, opts);
}
