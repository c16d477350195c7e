// Where each field sits in the ELF records, for both classes. Read by the
// bounds-checked reader below; elfy supplies the rest of the file header.
import { InputError } from "../../ir/errors.js";

export type ElfClass = 32 | 64;

export interface Wire {
  /** Elf{32,64}_Ehdr */
  ehdrSize: number;
  eType: number;
  eMachine: number;
  ePhoff: number;
  eShoff: number;
  eShentsize: number;
  eShstrndx: number;
  /** Elf{32,64}_Shdr */
  shdrSize: number;
  shName: number;
  shType: number;
  shFlags: number;
  shAddr: number;
  shOffset: number;
  shSize: number;
  shLink: number;
  shInfo: number;
  shAddralign: number;
  shEntsize: number;
  /** Elf{32,64}_Sym */
  symSize: number;
  stName: number;
  stValue: number;
  stSize: number;
  stInfo: number;
  stShndx: number;
}

export const WIRE: Record<ElfClass, Wire> = {
  32: {
    ehdrSize: 52, eType: 16, eMachine: 18, ePhoff: 28, eShoff: 32, eShentsize: 46, eShstrndx: 50,
    shdrSize: 40, shName: 0, shType: 4, shFlags: 8, shAddr: 12, shOffset: 16, shSize: 20, shLink: 24, shInfo: 28, shAddralign: 32, shEntsize: 36,
    symSize: 16, stName: 0, stValue: 4, stSize: 8, stInfo: 12, stShndx: 14,
  },
  64: {
    ehdrSize: 64, eType: 16, eMachine: 18, ePhoff: 32, eShoff: 40, eShentsize: 58, eShstrndx: 62,
    shdrSize: 64, shName: 0, shType: 4, shFlags: 8, shAddr: 16, shOffset: 24, shSize: 32, shLink: 40, shInfo: 44, shAddralign: 48, shEntsize: 56,
    symSize: 24, stName: 0, stValue: 8, stSize: 16, stInfo: 4, stShndx: 6,
  },
};

/**
 * Bounds-checked reads over one ELF image. Offsets given to it are local to
 * the image; errors report them absolute in the outer file (`base` + local),
 * so an object embedded in a host binary is located in the host.
 */
export class ElfBytes {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly base: number,
    readonly little: boolean,
    readonly bits: ElfClass,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  error(local: number, detail: string): InputError {
    return new InputError(this.file, detail, { offset: this.base + local });
  }

  /**
   * Throws unless [local, local+size) lies inside the image. `blame` is the
   * local offset reported: the field holding the bad offset or size.
   */
  need(local: number, size: number, what: string, blame: number): void {
    if (!(local >= 0 && size >= 0 && Number.isSafeInteger(local + size) && local + size <= this.length)) {
      throw this.error(
        blame,
        `${what} (0x${size.toString(16)} bytes at 0x${local.toString(16)}) runs past the end of the data (0x${this.length.toString(16)} bytes)`,
      );
    }
  }

  u8(local: number): number {
    return this.view.getUint8(local);
  }

  u16(local: number): number {
    return this.view.getUint16(local, this.little);
  }

  u32(local: number): number {
    return this.view.getUint32(local, this.little);
  }

  /** A 64-bit word as the nearest JS number (exact below 2^53). */
  u64(local: number): number {
    const lo = this.view.getUint32(local + (this.little ? 0 : 4), this.little);
    const hi = this.view.getUint32(local + (this.little ? 4 : 0), this.little);
    return hi * 0x1_0000_0000 + lo;
  }

  /** An address-sized word: 4 bytes in ELF32, 8 in ELF64. */
  word(local: number): number {
    return this.bits === 32 ? this.u32(local) : this.u64(local);
  }
}
