// readElf: an ELF image (32 or 64-bit, either byte order) as sections and
// symbols. elfy decodes the header and section headers; everything it does
// not check (sizes, bounds, indices, string offsets) is checked here first,
// and the fields it decodes wrongly or lossily are read here instead.
import elfy, { type ElfyHeader } from "elfy";
import { InputError } from "../../ir/errors.js";
import { SHN_LORESERVE, SHN_UNDEF, SHN_XINDEX, SHT_NOBITS, SHT_NULL } from "./constants.js";
import { StringTable } from "./strtab.js";
import { readSymbols, type ElfSymbol } from "./symbols.js";
import { ElfBytes, WIRE, type ElfClass } from "./wire.js";

export interface ElfSection {
  index: number;
  name: string;
  /** SHT_* */
  type: number;
  /** SHF_* bits */
  flags: number;
  addr: number;
  /** Byte offset of the data, local to this ELF image (add `baseOffset` for the outer file). */
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
  addralign: number;
  /** A view of the image's bytes, never a copy; empty for SHT_NOBITS and SHT_NULL. */
  data: Uint8Array;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const EI_CLASS = 4;
const EI_DATA = 5;
const EI_NIDENT = 16;

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= ELF_MAGIC.length && ELF_MAGIC.every((b, i) => bytes[i] === b);
}

export class ElfFile {
  private symbolCache: readonly ElfSymbol[] | undefined;

  /** @internal built by readElf */
  constructor(
    /** Path of the outer file, for messages. */
    readonly file: string,
    /** Where this image starts inside `file` (non-zero for embedded objects). */
    readonly baseOffset: number,
    /** This image's bytes: a view into the outer file's buffer. */
    readonly bytes: Uint8Array,
    readonly bits: ElfClass,
    readonly byteOrder: "little" | "big",
    /** EM_* */
    readonly machine: number,
    /** ET_* */
    readonly type: number,
    readonly sections: readonly ElfSection[],
    /**
     * Bytes the image needs: its headers, header tables and section data.
     * Equal to `bytes.length` for a whole object file; less when the image
     * was read from a longer buffer.
     */
    readonly extent: number,
    /** Local offset of the section header table, to locate errors in it. */
    private readonly shoff: number,
    private readonly raw: ElfBytes,
  ) {}

  /** The first section called `name`. */
  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** Local offset of section `index`'s header, for callers that report errors about it. */
  sectionHeaderOffset(index: number): number {
    return this.shoff + index * WIRE[this.bits].shdrSize;
  }

  /** The symbols of `.symtab`, or of `.dynsym` when the file is stripped; parsed on first call. */
  symbols(): readonly ElfSymbol[] {
    this.symbolCache ??= readSymbols(this.raw, this.sections, (i) => this.sectionHeaderOffset(i));
    return this.symbolCache;
  }
}

/**
 * Parses the ELF image in `bytes`. `file` names it in errors; `baseOffset`
 * says where the image starts in that file, so an embedded object's errors
 * point into its host.
 */
export function readElf(bytes: Uint8Array, file: string, baseOffset = 0): ElfFile {
  // A prefix of the magic is a truncated ELF file, not some other file.
  const seen = Math.min(bytes.length, ELF_MAGIC.length);
  if (seen === 0 || !ELF_MAGIC.slice(0, seen).every((b, i) => bytes[i] === b)) {
    throw new InputError(file, "not an ELF file (bad magic)", { offset: baseOffset });
  }
  if (bytes.length < EI_NIDENT) {
    throw new InputError(file, `truncated ELF identification: ${bytes.length} of ${EI_NIDENT} bytes`, { offset: baseOffset + bytes.length });
  }
  const cls = bytes[EI_CLASS];
  if (cls !== 1 && cls !== 2) {
    throw new InputError(file, `bad ELF class ${cls} (expected 1 for ELF32 or 2 for ELF64)`, { offset: baseOffset + EI_CLASS });
  }
  const data = bytes[EI_DATA];
  if (data !== 1 && data !== 2) {
    throw new InputError(file, `bad ELF data encoding ${data} (expected 1 for little or 2 for big endian)`, { offset: baseOffset + EI_DATA });
  }
  const bits: ElfClass = cls === 1 ? 32 : 64;
  const w = WIRE[bits];
  const raw = new ElfBytes(bytes, file, baseOffset, data === 1, bits);
  raw.need(0, w.ehdrSize, `ELF${bits} header`, bytes.length);

  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parser = new elfy.Parser();
  const header = parser.parseHeader(buf);
  const sections = readSections(raw, header);
  return new ElfFile(
    file,
    baseOffset,
    bytes,
    bits,
    raw.little ? "little" : "big",
    raw.u16(w.eMachine),
    raw.u16(w.eType),
    sections,
    extentOf(raw, header, sections),
    header.shoff,
    raw,
  );
}

function extentOf(raw: ElfBytes, header: ElfyHeader, sections: readonly ElfSection[]): number {
  const w = WIRE[raw.bits];
  let end = w.ehdrSize;
  if (sections.length > 0) end = Math.max(end, header.shoff + sections.length * w.shdrSize);
  for (const s of sections) end = Math.max(end, s.offset + s.data.length);
  if (header.phnum > 0) {
    // Program headers are not read here, but they are part of the image.
    raw.need(header.phoff, header.phnum * header.phentsize, `program header table (${header.phnum} entries)`, w.ePhoff);
    end = Math.max(end, header.phoff + header.phnum * header.phentsize);
  }
  return end;
}

function readSections(raw: ElfBytes, header: ElfyHeader): ElfSection[] {
  const w = WIRE[raw.bits];
  const { shoff } = header;
  if (shoff === 0) return [];
  if (header.shentsize !== w.shdrSize) {
    throw raw.error(w.eShentsize, `e_shentsize is ${header.shentsize}, ELF${raw.bits} section headers are ${w.shdrSize} bytes`);
  }
  // Extended numbering: past 0xff00 sections, e_shnum is 0 and
  // e_shstrndx is SHN_XINDEX, with the real values in section 0's header.
  if (header.shnum === 0 || header.shstrndx === SHN_XINDEX) {
    raw.need(shoff, w.shdrSize, "section header 0 (extended section numbering)", w.eShoff);
  }
  const shnum = header.shnum !== 0 ? header.shnum : raw.word(shoff + w.shSize);
  const shstrndx = header.shstrndx !== SHN_XINDEX ? header.shstrndx : raw.u32(shoff + w.shLink);
  raw.need(shoff, shnum * w.shdrSize, `section header table (${shnum} entries)`, w.eShoff);

  // Read in place: elfy's parseSections copies each header into a Buffer of its own first, a third of an object's read.
  const names: number[] = [];
  const sections: ElfSection[] = [];
  for (let index = 0; index < shnum; index++) {
    const at = shoff + index * w.shdrSize;
    const type = raw.u32(at + w.shType);
    const offset = raw.word(at + w.shOffset);
    const size = raw.word(at + w.shSize);
    const hasData = type !== SHT_NOBITS && type !== SHT_NULL;
    if (hasData) raw.need(offset, size, `section ${index} data`, at + (offset > raw.length ? w.shOffset : w.shSize));
    names.push(raw.u32(at + w.shName));
    sections.push({
      index,
      name: "",
      type,
      flags: raw.word(at + w.shFlags),
      addr: raw.word(at + w.shAddr),
      offset,
      size,
      link: raw.u32(at + w.shLink),
      info: raw.u32(at + w.shInfo),
      entsize: raw.word(at + w.shEntsize),
      addralign: raw.word(at + w.shAddralign),
      data: hasData ? raw.bytes.subarray(offset, offset + size) : raw.bytes.subarray(0, 0),
    });
  }

  if (shstrndx === SHN_UNDEF) return sections;
  const shstrtab = sections[shstrndx];
  if ((header.shstrndx >= SHN_LORESERVE && header.shstrndx !== SHN_XINDEX) || shstrtab === undefined) {
    throw raw.error(w.eShstrndx, `e_shstrndx ${shstrndx} does not name one of the ${shnum} sections`);
  }
  const strings = new StringTable(raw, shstrtab, w.eShstrndx);
  for (let index = 0; index < shnum; index++) sections[index]!.name = strings.name(names[index]!, shoff + index * w.shdrSize, `section ${index}`);
  return sections;
}
