// Types for the part of elfy (a CommonJS package without typings) that the
// ELF reader calls. Only fields elfy decodes correctly are declared, so the
// compiler stops anyone from reaching for the ones it gets wrong (64-bit
// sh_addralign/sh_entsize, type and flag names in place of numbers).
declare module "elfy" {
  export interface ElfyHeader {
    class: string;
    endian: string;
    phoff: number;
    shoff: number;
    ehsize: number;
    phentsize: number;
    phnum: number;
    shentsize: number;
    shnum: number;
    shstrndx: number;
  }

  export interface ElfySection {
    /** Offset of the name in the section-name string table. */
    name: number;
    addr: number;
    off: number;
    size: number;
    link: number;
    info: number;
  }

  export class Parser {
    parseHeader(buf: Buffer): ElfyHeader;
    parseSections(buf: Buffer, header: ElfyHeader): ElfySection[];
    resolveStr(strtab: Buffer, off: number): string;
  }

  const elfy: { Parser: typeof Parser };
  export default elfy;
}
