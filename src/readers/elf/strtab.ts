// ELF string tables (section names, symbol names), decoded through elfy
// once an offset has been checked against the table.
import elfy from "elfy";
import { SHT_STRTAB } from "./constants.js";
import type { ElfSection } from "./file.js";
import type { ElfBytes } from "./wire.js";

const decoder = new elfy.Parser();

export class StringTable {
  private readonly data: Buffer;

  /**
   * `section` must be a SHT_STRTAB whose data ends in NUL, so every name
   * found in it is terminated inside the table; `headerAt` is the local
   * offset to blame when it is not.
   */
  constructor(
    private readonly raw: ElfBytes,
    section: ElfSection,
    headerAt: number,
  ) {
    if (section.type !== SHT_STRTAB) {
      throw raw.error(headerAt, `section ${section.index} is used as a string table but has type ${section.type}, not SHT_STRTAB`);
    }
    const { data } = section;
    if (data.length > 0 && data[data.length - 1] !== 0) {
      throw raw.error(section.offset + data.length - 1, `string table (section ${section.index}) does not end with a NUL byte`);
    }
    this.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }

  /** The name at `offset`; `at` is the local offset of the field holding it. */
  name(offset: number, at: number, owner: string): string {
    if (offset === 0 && this.data.length === 0) return "";
    if (offset >= this.data.length) {
      throw this.raw.error(at, `${owner}: name offset 0x${offset.toString(16)} is outside its string table (0x${this.data.length.toString(16)} bytes)`);
    }
    return decoder.resolveStr(this.data, offset);
  }
}
