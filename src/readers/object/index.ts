import { basename } from "node:path";
import type { BpfModule, SourceChecksum } from "../../ir/bindings.js";
import { InputError } from "../../ir/errors.js";
import { ListGraph } from "../../ir/graph.js";
import { TARGETS } from "../../ir/targets.js";
import { VOID } from "../../ir/types.js";
import { parseBtf } from "../btf/index.js";
import { lineTableChecksums } from "../dwarf/index.js";
import { EM_BPF, findEmbeddedObjects, isBpfElf, readElf, type ElfFile } from "../elf/index.js";
import { btfMaps, globalMaps, legacyMaps, structOpsMaps } from "./maps.js";

export { internalMapName } from "./maps.js";

/**
 * The BPF objects in an ELF file: the file itself when it is one, else the
 * objects a libbpf skeleton embeds in a program (Debian's libbpf-tools).
 */
export function readBpfObjects(bytes: Uint8Array, file: string): BpfModule[] {
  const elf = readElf(bytes, file);
  if (elf.machine === EM_BPF) return [readBpfObject(elf, objectName(file))];
  const embedded = findEmbeddedObjects(elf);
  if (embedded.length === 0) {
    throw new InputError(file, "no BPF object here: not an EM_BPF object, and no object embedded by a libbpf skeleton");
  }
  // bpftool names a skeleton after the object (`execsnoop.bpf.o` → `execsnoop_bpf`).
  return embedded.map((o) => readBpfObject(o, `${basename(file)}_bpf`));
}

/** Whether `bytes` is a BPF object or a binary that embeds some; a file that is no ELF at all holds none. */
export function holdsBpfObjects(bytes: Uint8Array, file: string): boolean {
  if (isBpfElf(bytes)) return true;
  try {
    return findEmbeddedObjects(readElf(bytes, file)).length > 0;
  } catch (e) {
    if (e instanceof InputError) return false;
    throw e;
  }
}

/** libbpf's object name: the file name up to its first dot. */
function objectName(file: string): string {
  return basename(file).split(".")[0] ?? "";
}

function readBpfObject(elf: ElfFile, name: string): BpfModule {
  const target = elf.byteOrder === "little" ? TARGETS.bpfel : TARGETS.bpfeb;
  const sec = elf.section(".BTF");
  const graph = sec
    ? parseBtf(sec.data, { file: elf.file, fileOffset: elf.baseOffset + sec.offset, target })
    : new ListGraph(target, elf.file, [VOID]);
  const m: BpfModule = {
    file: elf.file,
    offset: elf.baseOffset || undefined,
    graph,
    maps: [...btfMaps(graph), ...structOpsMaps(graph), ...legacyMaps(elf, graph), ...globalMaps(graph, elf, name)],
    origin: "btf",
  };
  const checksums = sourceChecksums(elf);
  if (checksums.length) m.checksums = checksums;
  return m;
}

function sourceChecksums(elf: ElfFile): SourceChecksum[] {
  const line = elf.section(".debug_line");
  if (!line) return [];
  return lineTableChecksums({ line: line.data, lineStr: elf.section(".debug_line_str")?.data, str: elf.section(".debug_str")?.data, littleEndian: elf.byteOrder === "little" });
}
