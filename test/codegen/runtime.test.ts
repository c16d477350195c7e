// What a generated module does around the reads: C strings decode exactly as
// TextDecoder decodes the same bytes (the ASCII fast path included, for
// every byte, valid UTF-8 or not), the view it keeps follows the arrays it
// is given, and a record that does not fit is a RangeError, never a read of
// someone else's bytes.
import { describe, expect, it } from "vitest";
import { HAVE_CLANG } from "../readers/btf/compile.js";
import { transpileAndLoad } from "./harness.js";
import { freshSeed, rng } from "./records.js";

type Decode = (bytes: Uint8Array, offset?: number) => Record<string, unknown>;
type ForEach = (bytes: Uint8Array, fn: (v: Record<string, unknown>, i: number) => void, offset?: number, count?: number) => void;
type Encode = (value: Record<string, unknown>, out?: Uint8Array, offset?: number) => Uint8Array;

const LENGTHS = [1, 2, 3, 7, 16, 33];
const STRINGS_C = `${LENGTHS.map((n) => `struct s${n} { char a[${n}]; };`).join("\n")}
${LENGTHS.map((n) => `struct s${n} keep${n};`).join("\n")}
`;

// Pieces that make up C strings in the wild and in corrupt records: text,
// NULs, stray high bytes, every length of valid sequence, a BOM, encoded
// surrogates, overlong forms, cut sequences, bytes UTF-8 never uses.
function pieces(r: () => number): number[] {
  const pick = (xs: number[][]): number[] => xs[Math.floor(r() * xs.length)]!;
  const byte = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const cp = (lo: number, hi: number): number[] => [...Buffer.from(String.fromCodePoint(byte(lo, hi)))];
  return pick([
    [byte(0x20, 0x7e)],
    [byte(0x20, 0x7e), byte(0x20, 0x7e), byte(0x20, 0x7e)],
    [0],
    [byte(0x80, 0xff)],
    cp(0x80, 0x7ff),
    cp(0x800, 0xd7ff),
    cp(0xe000, 0xffff),
    cp(0x10000, 0x10ffff),
    [0xef, 0xbb, 0xbf],
    [0xed, byte(0xa0, 0xbf), byte(0x80, 0xbf)],
    [0xc0, byte(0x80, 0xbf)],
    [0xe0, byte(0x80, 0x9f), byte(0x80, 0xbf)],
    cp(0x800, 0xffff).slice(0, 2),
    cp(0x10000, 0x10ffff).slice(0, 1 + Math.floor(r() * 3)),
    [byte(0xf5, 0xff)],
  ]);
}

function randomField(r: () => number, n: number): Uint8Array {
  const out: number[] = [];
  while (out.length < n) out.push(...pieces(r));
  return Uint8Array.from(out.slice(0, n));
}

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

function upToNul(b: Uint8Array): Uint8Array {
  const end = b.indexOf(0);
  return end < 0 ? b : b.subarray(0, end);
}

describe.skipIf(!HAVE_CLANG)("C strings in generated modules (skipped without clang-16)", () => {
  async function check(seed: number): Promise<string[]> {
    const r = rng(seed);
    const modules = await transpileAndLoad("strings", STRINGS_C, LENGTHS.map((n) => `s${n}`));
    const problems: string[] = [];
    let ascii = 0;
    let other = 0;
    for (const n of LENGTHS) {
      const m = modules.get(`struct s${n}`)!;
      const decode = m[`decodeS${n}`] as Decode;
      const encode = m[`encodeS${n}`] as Encode;
      // Records back to back, at an odd offset of a larger buffer.
      const count = 300;
      const buf = new Uint8Array(count * n + 3);
      const fields = Array.from({ length: count }, () => randomField(r, n));
      fields.forEach((f, i) => buf.set(f, 3 + i * n));
      const records = buf.subarray(3);
      for (const [i, f] of fields.entries()) {
        const want = utf8.decode(upToNul(f));
        const got = decode(records, i * n).a as string;
        if (upToNul(f).every((b) => b < 0x80)) ascii++;
        else other++;
        if (got !== want) {
          problems.push(`seed ${seed} char[${n}] ${Buffer.from(f).toString("hex")}: decoded ${JSON.stringify(got)}, TextDecoder ${JSON.stringify(want)}`);
          continue;
        }
        // A string that decoded clean encodes to its bytes, its NUL and zeros.
        if (!got.includes("\uFFFD")) {
          const again = encode({ a: got });
          const expected = new Uint8Array(n);
          expected.set(upToNul(f));
          if (Buffer.compare(again, expected) !== 0) problems.push(`seed ${seed} char[${n}] ${JSON.stringify(got)}: encoded ${Buffer.from(again).toString("hex")}`);
        }
      }
    }
    // Both paths must have been taken, or the test says nothing about one of them.
    if (ascii < 50 || other < 50) problems.push(`seed ${seed}: only ${ascii} ASCII and ${other} other strings`);
    return problems;
  }

  it.each([1, 2, 3])("seed %i: every string as TextDecoder reads it, and clean ones encode back", async (seed) => {
    expect((await check(seed)).join("\n")).toBe("");
  });

  it("a fresh seed (printed on failure; ABIDRIFT_SEED=N repeats one)", async () => {
    const seed = freshSeed();
    expect((await check(seed)).join("\n"), `seed ${seed}`).toBe("");
  });

  it("a string longer than its array is cut at a character's end, a short one gets its NUL", async () => {
    const modules = await transpileAndLoad("strings", STRINGS_C, ["s7"]);
    const m = modules.get("struct s7")!;
    const encode = m.encodeS7 as Encode;
    const decode = m.decodeS7 as Decode;
    // "abcdé€": é is 2 bytes, € 3; 7 bytes hold "abcdé" and one byte of nothing.
    const out = new Uint8Array(7).fill(0xaa);
    encode({ a: "abcdé€" }, out);
    expect(Buffer.from(out).toString("hex")).toBe(Buffer.concat([Buffer.from("abcdé"), Buffer.alloc(1)]).toString("hex"));
    expect(decode(out).a).toBe("abcdé");
  });
});

const EVENT_C = `#include <linux/types.h>
struct ev { __u64 ts; __u32 pid; char comm[12]; __be16 port; };
struct ev keep;
`;

describe.skipIf(!HAVE_CLANG)("the view a generated module keeps (skipped without clang-16)", () => {
  async function load(): Promise<{ decode: Decode; forEach: ForEach; encode: Encode; size: number }> {
    const m = (await transpileAndLoad("ev", EVENT_C, ["ev"])).get("struct ev")!;
    return { decode: m.decodeEv as Decode, forEach: m.forEachEv as ForEach, encode: m.encodeEv as Encode, size: m.EV_SIZE as number };
  }

  function records(encode: Encode, size: number, count: number, seed: number, at = 0): Uint8Array {
    const r = rng(seed);
    const buf = new Uint8Array(at + count * size);
    for (let i = 0; i < count; i++) {
      const value = { ts: BigInt(Math.floor(r() * 2 ** 53)), pid: Math.floor(r() * 2 ** 32), comm: `t${Math.floor(r() * 1e6)}`, port: Math.floor(r() * 65536) };
      encode(value, buf, at + i * size);
    }
    return buf;
  }

  it("arrays over one buffer at different offsets, and over different buffers, each read their own bytes", async () => {
    const { decode, encode, size } = await load();
    const big = records(encode, size, 8, 5, 0);
    const other = records(encode, size, 8, 6, 0);
    const views = [big.subarray(0), big.subarray(size * 2), big.subarray(size * 5, size * 7), other];
    const expectFrom = (bytes: Uint8Array, k: number): Record<string, unknown> => decode(new Uint8Array(bytes.slice(k * size, (k + 1) * size)));
    for (let round = 0; round < 3; round++) {
      for (const v of views) {
        for (let k = 0; k < Math.floor(v.length / size); k++) expect(decode(v, k * size)).toEqual(expectFrom(v, k));
      }
    }
  });

  it("forEach keeps its view while the callback decodes other bytes", async () => {
    const { decode, forEach, encode, size } = await load();
    const a = records(encode, size, 16, 7);
    const b = records(encode, size, 16, 8);
    const seen: Record<string, unknown>[] = [];
    forEach(a, (v, i) => {
      seen.push(v);
      decode(b, (i % 16) * size);
    });
    expect(seen).toEqual(Array.from({ length: 16 }, (_, i) => decode(a.slice(i * size, (i + 1) * size))));
  });

  it("a record that does not fit is a RangeError, at any offset that is not a whole record's", async () => {
    const { decode, forEach, encode, size } = await load();
    const bytes = records(encode, size, 4, 9, 1).subarray(1);
    expect(() => decode(bytes, 3 * size)).not.toThrow();
    for (const offset of [3 * size + 1, 4 * size, -1, Number.NaN, Infinity]) expect(() => decode(bytes, offset), `offset ${offset}`).toThrow(RangeError);
    expect(() => decode(bytes.subarray(0, size - 1))).toThrow(RangeError);
    expect(() => forEach(bytes, () => undefined, 0, 5)).toThrow(RangeError);
    expect(() => forEach(bytes, () => undefined, size, 4)).toThrow(RangeError);
    expect(() => encode(decode(bytes), new Uint8Array(size - 1))).toThrow(RangeError);
  });

  it("an array over a resizable buffer is bounded by its length now, not when first seen", async () => {
    const { decode, encode, size } = await load();
    const buffer = new ArrayBuffer(2 * size, { maxByteLength: 8 * size });
    const bytes = new Uint8Array(buffer);
    const recs = records(encode, size, 4, 10);
    bytes.set(recs.subarray(0, 2 * size));
    expect(decode(bytes, size)).toEqual(decode(recs, size));
    expect(() => decode(bytes, 3 * size)).toThrow(RangeError);
    buffer.resize(4 * size);
    bytes.set(recs);
    expect(decode(bytes, 3 * size)).toEqual(decode(recs, 3 * size));
    buffer.resize(size);
    expect(() => decode(bytes, size)).toThrow(RangeError);
  });
});
