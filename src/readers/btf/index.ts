export { Btf, parseBtf, type ParseBtfOptions } from "./btf.js";
export { readBtfFile } from "./file.js";
export { KIND_NAMES } from "./wire.js";
export { btfAggregates } from "./aggregates.js";
