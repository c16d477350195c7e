import type { ByteOrder } from "./byte-order.js";

// What one call in a decoder reads: `DataView.getUint32(off, true)`,
// `Buffer.readInt16BE(off)`, a string or byte view of the bytes, or (in
// abidrift's own modules) the `cString` helper. Names only: the reader runs
// nothing and checks no types, so `x.getUint32(...)` is a DataView read
// whatever `x` is, as a reader of the code would take it.

export interface ScalarRead {
  kind: "int" | "float";
  size: number;
  signed: boolean;
  /** Absent for single bytes. */
  order?: ByteOrder;
}

const DATAVIEW: Record<string, Omit<ScalarRead, "order">> = {
  getInt8: { kind: "int", size: 1, signed: true },
  getUint8: { kind: "int", size: 1, signed: false },
  getInt16: { kind: "int", size: 2, signed: true },
  getUint16: { kind: "int", size: 2, signed: false },
  getInt32: { kind: "int", size: 4, signed: true },
  getUint32: { kind: "int", size: 4, signed: false },
  getBigInt64: { kind: "int", size: 8, signed: true },
  getBigUint64: { kind: "int", size: 8, signed: false },
  getFloat32: { kind: "float", size: 4, signed: true },
  getFloat64: { kind: "float", size: 8, signed: true },
};
const BUFFER = /^read(Big)?(Int|UInt|Uint|Float|Double)(8|16|32|64)?(LE|BE)?$/;

/**
 * A DataView getter: the little-endian flag is its second argument, absent
 * meaning big; `undefined` is a flag the code decides at run time.
 */
export function dataViewRead(method: string, littleEndian: boolean | undefined): ScalarRead | undefined {
  const r = Object.hasOwn(DATAVIEW, method) ? DATAVIEW[method] : undefined;
  if (!r) return undefined;
  if (r.size === 1 || littleEndian === undefined) return { ...r };
  return { ...r, order: littleEndian ? "little" : "big" };
}

/** A Buffer reader: `readUInt32LE`, `readBigInt64BE`, `readFloatLE`, `readDoubleBE`, `readInt8`. */
export function bufferRead(method: string): ScalarRead | undefined {
  const m = BUFFER.exec(method);
  if (!m) return undefined;
  const [, big, kind, bitsText, order] = m;
  let size: number;
  if (kind === "Float") size = 4;
  else if (kind === "Double") size = 8;
  else if (bitsText) size = Number(bitsText) / 8;
  else return undefined;
  if (kind === "Float" || kind === "Double") {
    if (bitsText || !order) return undefined;
  } else if ((big !== undefined) !== (size === 8) || (size > 1) !== (order !== undefined)) {
    return undefined;
  }
  const float = kind === "Float" || kind === "Double";
  return { kind: float ? "float" : "int", size, signed: kind === "Int" || float, ...(order ? { order: order === "LE" ? "little" : "big" } : {}) };
}

/** binary-parser's primitive types: `uint32le`, `int16be`, `uint8`, `floatle`, `doublebe`; no suffix takes the parser's endianness. */
export function binaryParserRead(method: string, endian: ByteOrder): ScalarRead | undefined {
  const m = /^(u?int)(8|16|32|64)(le|be)?$|^(float|double)(le|be)?$/.exec(method);
  if (!m) return undefined;
  if (m[4]) {
    const size = m[4] === "float" ? 4 : 8;
    return { kind: "float", size, signed: true, order: m[5] ? (m[5] === "le" ? "little" : "big") : endian };
  }
  const size = Number(m[2]) / 8;
  if (size === 1 && m[3]) return undefined;
  return { kind: "int", size, signed: m[1] === "int", ...(size > 1 ? { order: m[3] ? (m[3] === "le" ? "little" : "big") : endian } : {}) };
}

/** The APIs a TypeScript twin reads with, as `DecodeSite.method` names them. */
export type ReadApi = "DataView" | "Buffer" | "binary-parser";

/**
 * The call that reads one scalar the way `api` spells it, the inverse of the
 * tables above: `getUint32(off + 4, true)`, `readUInt32LE(off + 4)`,
 * `uint32le("daddr")`. `offset` is how far into its record the value sits.
 */
export function readCall(api: ReadApi, read: ScalarRead, offset: number, name: string): string {
  const bits = read.size * 8;
  const at = offset ? `off + ${offset}` : "off";
  const le = read.order !== "big";
  if (api === "binary-parser") {
    const type = read.kind === "float" ? (read.size === 4 ? "float" : "double") : `${read.signed ? "int" : "uint"}${bits}`;
    return `${type}${read.size > 1 ? (le ? "le" : "be") : ""}(${JSON.stringify(name)})`;
  }
  if (api === "Buffer") {
    const type = read.kind === "float" ? (read.size === 4 ? "Float" : "Double") : `${read.size === 8 ? "Big" : ""}${read.signed ? "Int" : "UInt"}${bits}`;
    return `read${type}${read.size > 1 ? (le ? "LE" : "BE") : ""}(${at})`;
  }
  const type = read.kind === "float" ? `Float${bits}` : `${read.size === 8 ? "Big" : ""}${read.signed ? "Int" : "Uint"}${bits}`;
  return `get${type}(${at}${read.size > 1 ? `, ${le}` : ""})`;
}
