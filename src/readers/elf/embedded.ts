// BPF objects carried inside another binary. A libbpf skeleton
// (`bpftool gen skeleton`) compiles the whole BPF ELF object into the host
// as a byte array, which lands in an allocated data section (.rodata for
// the usual `static const` string). The object's own headers say how long
// it is: nothing marks its end in the host.
import { EM_BPF, SHF_ALLOC, SHF_EXECINSTR, SHT_PROGBITS } from "./constants.js";
import { readElf, type ElfFile } from "./file.js";

const MAGIC = Buffer.from("\x7fELF", "latin1");
const E_MACHINE = 18;

/** Every EM_BPF object embedded in `host`'s allocated data sections, in file order. */
export function findEmbeddedObjects(host: ElfFile): ElfFile[] {
  const found: ElfFile[] = [];
  const candidates = host.sections
    .filter((s) => s.type === SHT_PROGBITS && (s.flags & SHF_ALLOC) !== 0 && (s.flags & SHF_EXECINSTR) === 0)
    .sort((a, b) => a.offset - b.offset);
  // Sections of a corrupt host may overlap: never scan a byte twice.
  let scanned = 0;
  for (const section of candidates) {
    const data = Buffer.from(section.data.buffer, section.data.byteOffset, section.data.byteLength);
    let at = Math.max(0, scanned - section.offset);
    while ((at = data.indexOf(MAGIC, at)) !== -1) {
      const object = data.subarray(at);
      if (!isBpfElf(object)) {
        at += 1;
        continue;
      }
      const base = host.baseOffset + section.offset + at;
      const { extent } = readElf(object, host.file, base);
      found.push(readElf(object.subarray(0, extent), host.file, base));
      at += extent;
    }
    scanned = Math.max(scanned, section.offset + section.data.length);
  }
  return found;
}

/** An ELF identification with a valid class and byte order whose e_machine is EM_BPF. */
export function isBpfElf(bytes: Uint8Array): boolean {
  if (bytes.length < E_MACHINE + 2 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return false;
  const cls = bytes[4];
  const data = bytes[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return false;
  const machine = data === 1 ? bytes[E_MACHINE] | (bytes[E_MACHINE + 1] << 8) : (bytes[E_MACHINE] << 8) | bytes[E_MACHINE + 1];
  return machine === EM_BPF;
}
