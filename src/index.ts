// The abidrift library: every job the CLI runs, and the model they share.
// The CLI (src/cli/) is a thin layer over these exports and imports nothing else.
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
export { mapJson, mapsText, type MapJson } from "./report/maps.js";

// The jobs: check, audit, snapshot, diff, generateTypeScript, and the reports of each.
export * from "./jobs/index.js";
export { VERSION } from "./version.js";
export { DRIFT_CODES } from "./drift/codes.js";
export { ruleDocsUrl } from "./rules/docs-url.js";
export type { Finding, FindingData, FindingLocation, Fix, Severity } from "./rules/finding.js";
export type { Lock, LockAggregate, LockAnonymous, LockEnum, LockMap, LockMember, LockScalar, LockType } from "./drift/lock.js";
export type { ReportContext, ReportFormat, PairSummary } from "./report/findings/index.js";
export { DEFAULT_OUTPUT as AUDIT_DEFAULT_OUTPUT, type AuditFormat } from "./report/audit/index.js";
export type * from "./audit/inventory.js";
export type { Pairing, TypePair } from "./match/pair.js";
export { fsProblem } from "./load/layout-sources.js";
export { layoutText, type LayoutTextOptions } from "./report/layout/text.js";
export { layoutFromRecords, writeLayoutFromRecords, type RecordsOptions, type RecordsSource } from "./report/layout/records.js";
export type { ChunkSink } from "./report/layout/byte-out.js";
export { TextBuffer } from "./report/text-buffer.js";
export { styleFor, plain as plainStyle, ansi as ansiStyle, type Style } from "./report/style.js";
export { count, noun } from "./words.js";
export { DEFAULT_PYTHON, formatPython, parsePythonVersion, type PythonVersion } from "./ir/layout/ctypes.js";
