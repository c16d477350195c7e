// Where the parts of a raw BTF blob are, read independently of abidrift's
// reader, to aim truncations and byte flips: the header's fields, the type
// and string sections, and the start of every type record.
export interface BtfParts {
  le: boolean;
  typeStart: number;
  typeEnd: number;
  strStart: number;
  strEnd: number;
  /** Byte offset of each type record, in id order. */
  records: number[];
}

// Record sizes by kind, from the kernel's Documentation/bpf/btf.rst: the
// 12-byte common part, then per kind a fixed tail or vlen entries.
const TAIL: Record<number, [number, number]> = {
  1: [4, 0], // INT
  2: [0, 0], // PTR
  3: [12, 0], // ARRAY
  4: [0, 12], // STRUCT
  5: [0, 12], // UNION
  6: [0, 8], // ENUM
  7: [0, 0], // FWD
  8: [0, 0], // TYPEDEF
  9: [0, 0], // VOLATILE
  10: [0, 0], // CONST
  11: [0, 0], // RESTRICT
  12: [0, 0], // FUNC
  13: [0, 8], // FUNC_PROTO
  14: [4, 0], // VAR
  15: [0, 12], // DATASEC
  16: [0, 0], // FLOAT
  17: [4, 0], // DECL_TAG
  18: [0, 0], // TYPE_TAG
  19: [0, 12], // ENUM64
};

export function btfParts(b: Uint8Array): BtfParts {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = v.getUint16(0, true) === 0xeb9f;
  const hdr = v.getUint32(4, le);
  const typeStart = hdr + v.getUint32(8, le);
  const typeEnd = typeStart + v.getUint32(12, le);
  const strStart = hdr + v.getUint32(16, le);
  const strEnd = strStart + v.getUint32(20, le);
  const records: number[] = [];
  for (let at = typeStart; at < typeEnd; ) {
    records.push(at);
    const info = v.getUint32(at + 4, le);
    const [fixed, each] = TAIL[(info >>> 24) & 0x1f]!;
    at += 12 + fixed + each * (info & 0xffff);
  }
  return { le, typeStart, typeEnd, strStart, strEnd, records };
}

/** The first `n` types of a blob with its whole string section: a valid blob whose later ids dangle. */
export function sliceBtf(b: Uint8Array, n: number): Uint8Array {
  const p = btfParts(b);
  const typeEnd = p.records[n] ?? p.typeEnd;
  const typeLen = typeEnd - p.typeStart;
  const strLen = p.strEnd - p.strStart;
  const out = new Uint8Array(24 + typeLen + strLen);
  out.set(b.subarray(0, 24), 0);
  out.set(b.subarray(p.typeStart, typeEnd), 24);
  out.set(b.subarray(p.strStart, p.strEnd), 24 + typeLen);
  const v = new DataView(out.buffer);
  v.setUint32(4, 24, p.le);
  v.setUint32(8, 0, p.le);
  v.setUint32(12, typeLen, p.le);
  v.setUint32(16, typeLen, p.le);
  v.setUint32(20, strLen, p.le);
  return out;
}
