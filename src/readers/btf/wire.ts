// The BTF wire format, as the kernel's Documentation/bpf/btf.rst defines it.
// Records are read in place through a DataView; the bit-packed `info` word
// is taken apart by the getters below, or with their arithmetic written out
// in the loops over every record of a kernel (btf.ts, record-types.ts),
// where a call per record is a measurable part of a cold run.

export const BTF_MAGIC = 0xeb9f;
export const HEADER_LEN = 24;
/** name_off, info, size_or_type: the part every type record starts with. */
export const COMMON_LEN = 12;

export const Kind = {
  INT: 1,
  PTR: 2,
  ARRAY: 3,
  STRUCT: 4,
  UNION: 5,
  ENUM: 6,
  FWD: 7,
  TYPEDEF: 8,
  VOLATILE: 9,
  CONST: 10,
  RESTRICT: 11,
  FUNC: 12,
  FUNC_PROTO: 13,
  VAR: 14,
  DATASEC: 15,
  FLOAT: 16,
  DECL_TAG: 17,
  TYPE_TAG: 18,
  ENUM64: 19,
} as const;

export const KIND_NAMES = [
  "UNKN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF", "VOLATILE",
  "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64",
] as const;

export const infoKind = (info: number): number => (info >>> 24) & 0x1f;
export const infoVlen = (info: number): number => info & 0xffff;
export const infoKindFlag = (info: number): boolean => info >>> 31 === 1;

/** BTF_INT_ENCODING bits of an INT's extra word. */
export const INT_SIGNED = 1;
export const INT_CHAR = 2;
export const INT_BOOL = 4;
export const intEncoding = (word: number): number => (word >>> 24) & 0x0f;
export const intOffset = (word: number): number => (word >>> 16) & 0xff;
export const intBits = (word: number): number => word & 0xff;

/** By kind, the bytes of a record before its vlen entries, or 0 for a kind this reader does not know (a newer kernel's). */
const FIXED_LEN = [0, 16, 12, 24, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 16, 12, 12, 16, 12, 12];
/** By kind, the bytes of each of its vlen entries. */
const ENTRY_LEN = [0, 0, 0, 0, 12, 12, 8, 0, 0, 0, 0, 0, 0, 8, 0, 12, 0, 0, 0, 12];

/**
 * Bytes a record of this kind occupies, header included, or -1 for a kind
 * this reader does not know (a newer kernel's). Two tables rather than a
 * switch: it is asked once per record of a kernel's 100,000, mostly before
 * V8 has optimized anything.
 */
export function recordLength(kind: number, vlen: number): number {
  const fixed = FIXED_LEN[kind] ?? 0;
  return fixed === 0 ? -1 : fixed + ENTRY_LEN[kind]! * vlen;
}

export interface BtfHeader {
  littleEndian: boolean;
  version: number;
  flags: number;
  hdrLen: number;
  /** Absolute offsets within the BTF blob (the header's are relative to its end). */
  typeStart: number;
  typeLen: number;
  strStart: number;
  strLen: number;
}
