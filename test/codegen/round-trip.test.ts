// Round trips against C: a host program compiled with gcc fills records of
// seeded random types (byte-order typedefs, bitfields, unions, nested and
// anonymous aggregates, arrays of structs, strings, byte arrays, signed and
// unsigned values of every width, floats, enums) and prints what C reads
// back from every member. The decoders generated from clang's BPF BTF of
// the same header must read the same values from the bytes, and the
// encoders must write back every bit a decoded value determines, zero the
// rest, and decode again to the same values.
import { beforeAll, describe, expect, it } from "vitest";
import { HAVE_CLANG } from "../readers/btf/compile.js";
import type { Endian } from "../readers/btf/compile.js";
import { buildRecords, flatten, generateAndLoad, HAVE_GCC, HAVE_OBJCOPY, sameValue, staticBytes, type Built, type GenJob, type Loaded, type RecordValues } from "./harness.js";
import { freshSeed, recordProgram, staticRecords, type RecordProgram, type RecordType } from "./records.js";

// 2082617906: a union whose strings overlap (the bytes after one's NUL are
// another's, and no value's once decoded). 96801718: a bitfield in a packed
// union over a string of binary bytes (its window must be cleared, not
// or-ed). 516351304: a nested struct's numbers under an outer union's
// string (writes in passes that reach into nested types).
const FIXED_SEEDS = [1, 7, 42, 2024, 31337, 2082617906, 96801718, 516351304];

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Which bits of record `k` its decoded values determine, from C's own masks.
 * A number, bitfield or byte array determines the bits it owns. A string
 * determines its bytes up to and including its NUL when those bytes are
 * UTF-8 (they come back as they were), and nothing when they are not (a
 * union member over binary data decodes with U+FFFD, and the bytes after
 * the first bad one cannot be placed again). The bytes after a string's NUL
 * are no value's: C may hold there what a longer member of the same union
 * wrote earlier, and the encoder writes zero.
 */
function determinedBits(t: RecordType, printed: RecordValues, k: number, size: number): { known: Uint8Array; free: Uint8Array; lost: Set<string> } {
  const known = new Uint8Array(size);
  const free = new Uint8Array(size);
  const lost = new Set<string>();
  const strings: { key: string; at: number; n: number; text: Buffer }[] = [];
  for (const l of t.leaves) {
    const mask = Buffer.from(printed.masks[l.key]!, "hex");
    if (l.kind !== "string") {
      for (let i = 0; i < size; i++) known[i]! |= mask[i]!;
      continue;
    }
    strings.push({ key: l.key, at: mask.findIndex((b) => b !== 0), n: l.count!, text: Buffer.from(printed.records[k]![l.key]!, "hex") });
  }
  for (const s of strings) {
    const isText = Buffer.from(utf8.decode(s.text)).equals(s.text);
    if (isText) known.fill(0xff, s.at, s.at + Math.min(s.text.length + 1, s.n));
    else free.fill(0xff, s.at, s.at + s.n);
  }
  for (const s of strings) {
    const covered = known.subarray(s.at, s.at + s.n).every((b) => b === 0xff);
    if (!covered && !Buffer.from(utf8.decode(s.text)).equals(s.text)) lost.add(s.key);
  }
  return { known, free, lost };
}

interface Prepared {
  program: RecordProgram;
  built: Built;
  modules: Map<string, Loaded>;
  raw: Map<string, Loaded>;
  /** bpfeb: the struct types clang could lay out as static data, their bytes, and modules from bpfeb BTF. */
  be?: { types: RecordType[]; bytes: Map<string, Uint8Array>; modules: Map<string, Loaded>; raw: Map<string, Loaded> };
}

/** Every seed's programs built and run, and all their modules compiled by one strict tsc. */
async function prepare(seeds: { seed: number; count: number }[]): Promise<Prepared[]> {
  const jobs = seeds.map(({ seed, count }) => {
    const program = recordProgram(seed, count);
    const built = buildRecords(program);
    const printed = new Map(built.values.map((v) => [v.type, v.records]));
    const be = HAVE_OBJCOPY ? staticRecords(program.types, printed, true) : undefined;
    const beBytes = be?.types.length ? staticBytes(built.dir, be.text, "bpfeb", be.types.map((t) => t.name)) : undefined;
    return { program, built, be: be && beBytes ? { types: be.types, bytes: beBytes } : undefined };
  });
  const gen = (dir: string, types: string[], endian: Endian): GenJob => ({
    dir,
    types,
    endian,
    // --camel-case is compiled strictly too; generate.test.ts checks its values.
    variants: [{}, { rawChars: true }, { camelCase: true }],
  });
  const le = jobs.map(({ program, built }) => gen(built.dir, program.types.map((t) => t.name), "bpfel"));
  const be = jobs.flatMap(({ built, be }) => (be ? [gen(built.dir, be.types.map((t) => t.name), "bpfeb")] : []));
  const loaded = await generateAndLoad([...le, ...be]);
  let next = le.length;
  return jobs.map(({ program, built, be }, i) => {
    const p: Prepared = { program, built, modules: loaded[i]![0]!, raw: loaded[i]![1]! };
    if (be) {
      const [modules, raw] = loaded[next++]!;
      p.be = { ...be, modules: modules!, raw: raw! };
    }
    return p;
  });
}

/** bpfeb: every leaf of clang's big-endian static data as C printed it, and both encodings give the bytes back. */
function bigEndian(seed: number, { program, built, be }: Prepared): string[] {
  const problems: string[] = [];
  for (const t of be!.types) {
    const m = be!.modules.get(t.name)!;
    const rawModule = be!.raw.get(t.name)!;
    const bytes = be!.bytes.get(t.name)!;
    const printed = built.values.find((v) => v.type === t.name)!;
    expect(bytes.length, `${t.name}: SIZE`).toBe(m.size * program.records);
    m.forEach(bytes, (v, k) => {
      const flat = flatten(v);
      for (const leaf of t.leaves) {
        const want = printed.records[k]![leaf.key]!;
        if (!sameValue(flat.get(leaf.key), want, leaf.kind)) problems.push(`${t.name} #${k} ${leaf.key} (${leaf.kind}): C says ${want}, decoder says ${String(flat.get(leaf.key))}`);
      }
      const want = bytes.subarray(k * m.size, (k + 1) * m.size);
      for (const [how, again] of [
        ["strings", m.encode(v)],
        ["--raw-chars", rawModule.encode(rawModule.decode(bytes, k * m.size))],
      ] as const) {
        if (Buffer.compare(again, want) !== 0) problems.push(`${t.name} #${k} (${how}): encode wrote ${Buffer.from(again).toString("hex")}, clang laid out ${Buffer.from(want).toString("hex")}`);
      }
    });
  }
  if (problems.length) problems.unshift(`seed ${seed} (bpfeb):\n${program.header}`);
  return problems;
}

function roundTrip(seed: number, { program, built, modules, raw }: Prepared): string[] {
  const problems: string[] = [];
  const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
  for (const t of program.types) {
    const m = modules.get(t.name)!;
    const rawModule = raw.get(t.name)!;
    const printed = built.values.find((v) => v.type === t.name)!;
    const bytes = built.bytes(t.name);
    expect(bytes.length, `${t.name}: SIZE`).toBe(m.size * program.records);
    const decoded: Record<string, unknown>[] = [];
    m.forEach(bytes, (v, i) => (decoded[i] = v));
    expect(decoded.length).toBe(program.records);
    for (let k = 0; k < program.records; k++) {
      const flat = flatten(decoded[k]);
      for (const leaf of t.leaves) {
        const want = printed.records[k]![leaf.key]!;
        const got = flat.get(leaf.key);
        if (!sameValue(got, want, leaf.kind)) problems.push(`${t.name} #${k} ${leaf.key} (${leaf.kind}): C says ${want}, decoder says ${String(got)}`);
      }
      const single = m.decode(bytes, k * m.size);
      expect(flatten(single)).toEqual(flat);
      const want = bytes.subarray(k * m.size, (k + 1) * m.size);

      // With --raw-chars every member is exact: the bytes come back whole.
      const again = rawModule.encode(rawModule.decode(bytes, k * m.size));
      if (Buffer.compare(again, want) !== 0) problems.push(`${t.name} #${k} (--raw-chars): encode wrote ${hex(again)}, C wrote ${hex(want)}`);

      // With strings: every determined bit as C wrote it, every other bit zero
      // (bar the bytes of strings that are not text), and the same values back.
      const { known, free, lost } = determinedBits(t, printed, k, m.size);
      const enc = m.encode(decoded[k]!);
      const bad: number[] = [];
      for (let i = 0; i < m.size; i++) {
        if ((enc[i]! & known[i]!) !== (want[i]! & known[i]!) || (enc[i]! & ~known[i]! & ~free[i]!) !== 0) bad.push(i);
      }
      if (bad.length) {
        problems.push(`${t.name} #${k} (strings): bytes ${bad.join(",")} differ: encode wrote ${hex(enc)}, C wrote ${hex(want)}, determined ${hex(known)}`);
      }
      const back = flatten(m.decode(enc));
      for (const leaf of t.leaves) {
        if (lost.has(leaf.key)) continue;
        if (!Object.is(back.get(leaf.key), flat.get(leaf.key)) && back.get(leaf.key) !== flat.get(leaf.key)) {
          problems.push(`${t.name} #${k} ${leaf.key}: decoded ${String(flat.get(leaf.key))}, after encode and decode ${String(back.get(leaf.key))}`);
        }
      }
    }
  }
  if (problems.length) problems.unshift(`seed ${seed}:\n${program.header}`);
  return problems;
}

// ABIDRIFT_FRESH=N runs N fresh seeds instead of one, built together.
const FRESH = Array.from({ length: Math.max(1, Number(process.env.ABIDRIFT_FRESH ?? 1)) }, (_, k) => (freshSeed() + k) >>> 0);

describe.skipIf(!HAVE_GCC || !HAVE_CLANG)("generated decoders against records written by gcc, types from clang-16 -target bpfel (skipped without gcc or clang-16)", () => {
  let prepared: Prepared[];
  beforeAll(async () => {
    prepared = await prepare([...FIXED_SEEDS.map((seed) => ({ seed, count: 6 })), ...FRESH.map((seed) => ({ seed, count: 8 }))]);
  }, 600_000);

  it.each(FIXED_SEEDS.map((seed, i) => [seed, i]))("seed %i: decodes what C wrote and encodes the same bytes", (seed, i) => {
    expect(roundTrip(seed, prepared[i]!).join("\n")).toBe("");
  });

  it("a fresh seed (printed on failure; ABIDRIFT_SEED=N repeats one)", () => {
    const problems = FRESH.flatMap((seed, k) => roundTrip(seed, prepared[FIXED_SEEDS.length + k]!));
    expect(problems.join("\n"), `seeds ${FRESH.join(" ")}`).toBe("");
  });

  it.skipIf(!HAVE_OBJCOPY)("bpfeb: every seed's structs as clang lays them out in big-endian static data, decoded and encoded back (skipped without llvm-objcopy-16)", () => {
    const seeds = [...FIXED_SEEDS, ...FRESH];
    const checked = prepared.filter((p) => p.be).flatMap((p) => p.be!.types).length;
    // Most seeds have structs without unions: if none came through, the test checked nothing.
    expect(checked).toBeGreaterThan(seeds.length);
    const problems = seeds.flatMap((seed, i) => (prepared[i]!.be ? bigEndian(seed, prepared[i]!) : []));
    expect(problems.join("\n"), `seeds ${seeds.join(" ")}`).toBe("");
  });
});
