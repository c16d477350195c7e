import type { SourceLoc } from "../../ir/types.js";
import type { ScalarRead } from "../../ir/ts-reads.js";

// A TypeScript twin as the decoder shows it: each field where the code
// reads it, how wide, how signed, in which byte order. This is what the code
// does with the bytes, whatever its interface declares.

export type FieldElem =
  | { kind: "scalar"; read: ScalarRead }
  /** Text: `toString("utf8", a, b)`, `TextDecoder.decode`, abidrift's `cString`. */
  | { kind: "char" }
  /** Bytes: `subarray`, `slice`, `new Uint8Array(buf, off, n)`, binary-parser's `buffer`. */
  | { kind: "u8" }
  | { kind: "s8" }
  /** Another twin of the same file, decoded by its own function or parser. */
  | { kind: "struct"; twin: string }
  /** An array of arrays: `[[a, b], [c, d]]`. */
  | { kind: "array"; elem: FieldElem; count: number };

export interface TwinField {
  name: string;
  /** From the start of the record. */
  bitOffset: number;
  /** Width of a bitfield taken out of a wider read; 0 for whole reads. */
  bitSize: number;
  elem: FieldElem;
  /** Elements of an array; 0 for a single value. */
  count: number;
  loc: SourceLoc;
}

export interface TwinDecl {
  name: string;
  loc: SourceLoc;
  fields: TwinField[];
  /** Bytes of one record where the code says (`PROBE_EVENT_SIZE = 80`, a binary-parser chain's end). */
  size?: number;
  /** `DataView`, `Buffer`, `binary-parser`. */
  method: string;
  /** A binary-parser chain reads back to back; decoders read at the offsets they name. */
  packed: boolean;
  mirrors?: { name: string; loc: SourceLoc };
}
