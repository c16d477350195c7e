export { readElf, isElf, ElfFile, type ElfSection } from "./file.js";
export type { ElfSymbol } from "./symbols.js";
export { findEmbeddedObjects, isBpfElf } from "./embedded.js";
export * from "./constants.js";
