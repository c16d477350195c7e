// The comparison shared by the ELF tests: everything readElf says about an
// image against what llvm-readelf says about the same bytes.
import { expect } from "vitest";
import { SHT_NOBITS, SHT_NULL, SHT_SYMTAB, STT_SECTION, type ElfFile } from "../../../src/readers/elf/index.js";
import type { OracleFile } from "./readelf.js";

/** Asserts that `elf` says what llvm-readelf says about the same bytes. */
export function expectSameAsReadelf(elf: ElfFile, oracle: OracleFile): void {
  const where = `${oracle.file} (base 0x${elf.baseOffset.toString(16)})`;
  expect({ bits: elf.bits, little: elf.byteOrder === "little", type: elf.type, machine: elf.machine }, where).toEqual({
    bits: oracle.bits,
    little: oracle.little,
    type: oracle.type,
    machine: oracle.machine,
  });
  expect(elf.sections.length, where).toBe(oracle.shnum);
  expect(
    elf.sections.map(({ data: _data, ...header }) => header),
    where,
  ).toEqual(oracle.sections);
  // Each section's data is a view into the image at its offset, not a copy.
  const views = elf.sections.map((s) => ({
    length: s.data.length,
    shared: s.data.length === 0 || s.data.buffer === elf.bytes.buffer,
    at: s.data.length === 0 ? s.offset : s.data.byteOffset - elf.bytes.byteOffset,
  }));
  expect(views, `${where}: section data`).toEqual(
    oracle.sections.map((s) => ({
      length: s.type === SHT_NOBITS || s.type === SHT_NULL ? 0 : s.size,
      shared: true,
      at: s.offset,
    })),
  );
  const fromSymtab = oracle.sections.some((s) => s.type === SHT_SYMTAB);
  const expected = fromSymtab ? oracle.symbols : oracle.dynamicSymbols;
  // One comparison for the whole table: tens of thousands of expect() calls are slow.
  const ours = elf.symbols().map((sym) => ({ ...sym, section: sym.section ?? null }));
  const theirs = expected.map((o) => {
    const sectionSymbol = o.type === STT_SECTION && o.nameOffset === 0;
    const section = oracle.sections[o.shndx];
    return {
      // llvm-readelf prints a section symbol under its section's name, and a
      // dynamic symbol with its version (name@VER, name@@VER).
      name: sectionSymbol ? "" : fromSymtab ? o.name : o.name.replace(/@.*$/, ""),
      value: o.value,
      size: o.size,
      bind: o.bind,
      type: o.type,
      shndx: o.shndx,
      section: o.shndx !== 0 && section !== undefined && section.name === o.sectionName ? o.sectionName : null,
    };
  });
  expect(ours, `${where}: symbols`).toEqual(theirs);
}
