// The BTF wire format, as the kernel's Documentation/bpf/btf.rst defines it.
// Records are read in place through a DataView; the bit-packed `info` word
// is only ever taken apart by the getters below.

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

/**
 * Bytes a record of this kind occupies, header included, or -1 for a kind
 * this reader does not know (a newer kernel's).
 */
export function recordLength(kind: number, vlen: number): number {
  switch (kind) {
    case Kind.INT:
    case Kind.VAR:
    case Kind.DECL_TAG:
      return COMMON_LEN + 4;
    case Kind.PTR:
    case Kind.FWD:
    case Kind.TYPEDEF:
    case Kind.VOLATILE:
    case Kind.CONST:
    case Kind.RESTRICT:
    case Kind.FUNC:
    case Kind.FLOAT:
    case Kind.TYPE_TAG:
      return COMMON_LEN;
    case Kind.ARRAY:
      return COMMON_LEN + 12;
    case Kind.STRUCT:
    case Kind.UNION:
    case Kind.DATASEC:
    case Kind.ENUM64:
      return COMMON_LEN + 12 * vlen;
    case Kind.ENUM:
    case Kind.FUNC_PROTO:
      return COMMON_LEN + 8 * vlen;
    default:
      return -1;
  }
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
