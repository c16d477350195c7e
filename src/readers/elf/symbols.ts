// The symbol table: `.symtab` (SHT_SYMTAB), or `.dynsym` (SHT_DYNSYM) in
// stripped binaries, with its linked string table and, past 0xff00
// sections, its SHT_SYMTAB_SHNDX companion.
import { SHN_LORESERVE, SHN_UNDEF, SHN_XINDEX, SHT_DYNSYM, SHT_SYMTAB, SHT_SYMTAB_SHNDX } from "./constants.js";
import type { ElfSection } from "./file.js";
import { StringTable } from "./strtab.js";
import { WIRE, type ElfBytes } from "./wire.js";

export interface ElfSymbol {
  name: string;
  /** In relocatable objects an offset into its section, else an address (exact below 2^53). */
  value: number;
  size: number;
  /** STB_* */
  bind: number;
  /** STT_* */
  type: number;
  /** The section index, with SHN_XINDEX already resolved; SHN_UNDEF, SHN_ABS, SHN_COMMON as they are. */
  shndx: number;
  /** The name of section `shndx`, when it is a real section. */
  section?: string;
}

export function readSymbols(
  raw: ElfBytes,
  sections: readonly ElfSection[],
  headerAt: (index: number) => number,
): ElfSymbol[] {
  const symtab = sections.find((s) => s.type === SHT_SYMTAB) ?? sections.find((s) => s.type === SHT_DYNSYM);
  if (symtab === undefined) return [];
  const w = WIRE[raw.bits];
  const at = headerAt(symtab.index);
  const what = `symbol table (section ${symtab.index})`;
  if (symtab.entsize !== w.symSize) {
    throw raw.error(at + w.shEntsize, `${what}: sh_entsize is ${symtab.entsize}, ELF${raw.bits} symbols are ${w.symSize} bytes`);
  }
  if (symtab.size % w.symSize !== 0) {
    throw raw.error(at + w.shSize, `${what}: size 0x${symtab.size.toString(16)} is not a multiple of the ${w.symSize}-byte entry`);
  }
  const strtab = sections[symtab.link];
  if (strtab === undefined || symtab.link === SHN_UNDEF) {
    throw raw.error(at + w.shLink, `${what}: sh_link ${symtab.link} does not name a string table`);
  }
  const names = new StringTable(raw, strtab, at + w.shLink);
  const xindex = sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === symtab.index);

  const count = symtab.size / w.symSize;
  const symbols: ElfSymbol[] = new Array<ElfSymbol>(count);
  for (let i = 0; i < count; i++) {
    const entry = symtab.offset + i * w.symSize;
    const owner = `${what}: symbol ${i}`;
    const info = raw.u8(entry + w.stInfo);
    let shndx = raw.u16(entry + w.stShndx);
    const extended = shndx === SHN_XINDEX;
    if (extended) {
      if (xindex === undefined || (i + 1) * 4 > xindex.size) {
        throw raw.error(entry + w.stShndx, `${owner}: SHN_XINDEX without a SHT_SYMTAB_SHNDX entry for it`);
      }
      shndx = raw.u32(xindex.offset + i * 4);
    }
    const real = extended || (shndx !== SHN_UNDEF && shndx < SHN_LORESERVE);
    if (real && shndx >= sections.length) {
      throw raw.error(entry + w.stShndx, `${owner}: section index ${shndx} is past the ${sections.length} sections`);
    }
    const symbol: ElfSymbol = {
      name: names.name(raw.u32(entry + w.stName), entry + w.stName, owner),
      value: raw.word(entry + w.stValue),
      size: raw.word(entry + w.stSize),
      bind: info >> 4,
      type: info & 0xf,
      shndx,
    };
    if (real) symbol.section = sections[shndx].name;
    symbols[i] = symbol;
  }
  return symbols;
}
