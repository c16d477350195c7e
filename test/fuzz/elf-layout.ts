// Where the parts of a 64-bit ELF object are, read independently of
// abidrift's ELF reader, to aim truncations and byte flips at them.
export interface ElfParts {
  shoff: number;
  shnum: number;
  sections: { name: string; offset: number; size: number }[];
}

export function elfParts(b: Uint8Array): ElfParts {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = b[5] === 1;
  const shoff = Number(v.getBigUint64(0x28, le));
  const shentsize = v.getUint16(0x3a, le);
  const shnum = v.getUint16(0x3c, le);
  const shstrndx = v.getUint16(0x3e, le);
  const header = (i: number) => {
    const at = shoff + i * shentsize;
    return { nameOff: v.getUint32(at, le), offset: Number(v.getBigUint64(at + 0x18, le)), size: Number(v.getBigUint64(at + 0x20, le)) };
  };
  const names = header(shstrndx);
  const sections = Array.from({ length: shnum }, (_, i) => {
    const h = header(i);
    const start = names.offset + h.nameOff;
    let end = start;
    while (b[end] !== 0) end++;
    return { name: Buffer.from(b.subarray(start, end)).toString("latin1"), offset: h.offset, size: h.size };
  });
  return { shoff, shnum, sections };
}
