// Round trips against C: a host program compiled with gcc fills records of
// seeded random types (byte-order typedefs, bitfields, unions, nested and
// anonymous aggregates, arrays of structs, strings, byte arrays, signed and
// unsigned values of every width, floats, enums) and prints what C reads
// back from every member. The decoders generated from clang's BPF BTF of
// the same header must read the same values from the bytes, and the
// encoders must write the bytes back exactly, padding zeroed.
import { describe, expect, it } from "vitest";
import { HAVE_CLANG } from "../readers/btf/compile.js";
import { buildRecords, flatten, generateAndLoad, HAVE_GCC, sameValue } from "./harness.js";
import { freshSeed, recordProgram, type RecordProgram } from "./records.js";

const FIXED_SEEDS = [1, 7, 42, 2024, 31337];

async function roundTrip(seed: number, count: number): Promise<string[]> {
  const program: RecordProgram = recordProgram(seed, count);
  const built = buildRecords(program);
  const [modules, raw] = await generateAndLoad(
    built.dir,
    program.types.map((t) => t.name),
    "bpfel",
    [{}, { rawChars: true }],
  );
  const problems: string[] = [];
  for (const t of program.types) {
    const m = modules.get(t.name)!;
    const printed = built.values.find((v) => v.type === t.name)!;
    const bytes = built.bytes(t.name);
    expect(bytes.length, `${t.name}: SIZE`).toBe(m.size * program.records);
    const decoded = m.decodeArray(bytes);
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
      const encodings: [string, Uint8Array][] = [["--raw-chars", raw!.get(t.name)!.encode(raw!.get(t.name)!.decode(bytes, k * m.size))]];
      // Strings are text: where a union overlays one on binary data the
      // bytes are not UTF-8, and only --raw-chars can promise them back.
      const text = t.leaves.every((l) => l.kind !== "string" || Buffer.from(printed.records[k]![l.key]!, "hex").every((b) => b < 0x80));
      if (text) encodings.push(["strings", m.encode(decoded[k]!)]);
      for (const [how, again] of encodings) {
        if (Buffer.compare(again, want) !== 0) {
          problems.push(`${t.name} #${k} (${how}): encode wrote ${Buffer.from(again).toString("hex")}, C wrote ${Buffer.from(want).toString("hex")}`);
        }
      }
    }
  }
  if (problems.length) problems.unshift(`seed ${seed}:\n${program.header}`);
  return problems;
}

describe.skipIf(!HAVE_GCC || !HAVE_CLANG)("generated decoders against records written by gcc, types from clang-16 -target bpfel (skipped without gcc or clang-16)", () => {
  it.each(FIXED_SEEDS)("seed %i: decodes what C wrote and encodes the same bytes", async (seed) => {
    expect((await roundTrip(seed, 6)).join("\n")).toBe("");
  });

  it("a fresh seed (printed on failure; ABIDRIFT_SEED=N repeats one)", async () => {
    const seed = process.env.ABIDRIFT_SEED ? Number(process.env.ABIDRIFT_SEED) : freshSeed();
    expect((await roundTrip(seed, 8)).join("\n"), `seed ${seed}`).toBe("");
  });
});
