// The abidrift library. The CLI (src/cli/) is a thin layer over these.
export * from "./ir/types.js";
export * from "./ir/graph.js";
export * from "./ir/targets.js";
export * from "./ir/errors.js";
export * from "./ir/maps.js";
export * from "./ir/map-types.js";
export * from "./ir/c-names.js";
export * from "./ir/layout/aggregate.js";
export * from "./ir/bindings.js";
export { Btf, parseBtf, readBtfFile, btfAggregates, type ParseBtfOptions } from "./readers/btf/index.js";
export { readBpfObjects, internalMapName } from "./readers/object/index.js";
export { readElf, isElf, findEmbeddedObjects, ElfFile, type ElfSection, type ElfSymbol } from "./readers/elf/index.js";
export { layoutJsonTypes, type LayoutJsonType } from "./report/layout/json.js";
export { mapJson, type MapJson } from "./report/maps.js";
