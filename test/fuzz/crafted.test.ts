// Hand-built BTF that no compiler emits but a corrupt or hostile file can
// hold: every case must end in a result or an InputError, never another
// exception or a hang.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseBtf } from "../../src/readers/btf/index.js";
import { bpftoolDump, HAVE_BPFTOOL } from "../oracles/bpftool.js";
import { scratchDir } from "../readers/btf/compile.js";
import { diffGraph, report } from "../readers/btf/compare.js";
import { Kind, int, writeBtf, type RawType } from "./btf-writer.js";
import { exerciseBtf, runCase } from "./exercise.js";

const member = (name: number, type: number, bitOffset: number): number[] => [name, type, bitOffset];

const CASES: [string, RawType[], string[]?][] = [
  ["PTR to itself", [{ kind: Kind.PTR, sizeOrType: 1 }]],
  ["PTR -> PTR -> PTR loop", [{ kind: Kind.PTR, sizeOrType: 2 }, { kind: Kind.PTR, sizeOrType: 3 }, { kind: Kind.PTR, sizeOrType: 1 }]],
  ["typedef to itself", [{ kind: Kind.TYPEDEF, name: "t", sizeOrType: 1 }]],
  ["typedef loop through const and volatile", [{ kind: Kind.TYPEDEF, name: "t", sizeOrType: 2 }, { kind: Kind.CONST, sizeOrType: 3 }, { kind: Kind.VOLATILE, sizeOrType: 1 }]],
  ["type tag to itself", [{ kind: Kind.TYPE_TAG, name: "user", sizeOrType: 1 }]],
  ["struct containing itself", [int("int", 4, true), { kind: Kind.STRUCT, name: "self", vlen: 2, sizeOrType: 8, words: [...member(0, 1, 0), ...member(0, 2, 32)] }]],
  ["struct containing an array of itself", [{ kind: Kind.STRUCT, name: "s", vlen: 1, sizeOrType: 8, words: member(0, 2, 0) }, { kind: Kind.ARRAY, sizeOrType: 0, words: [1, 3, 4] }, int("int", 4)]],
  ["array of itself", [{ kind: Kind.ARRAY, sizeOrType: 0, words: [1, 2, 2] }, int("int", 4)]],
  ["two structs containing each other", [{ kind: Kind.STRUCT, name: "a", vlen: 1, sizeOrType: 4, words: member(0, 2, 0) }, { kind: Kind.STRUCT, name: "b", vlen: 1, sizeOrType: 4, words: member(0, 1, 0) }]],
  ["func_proto returning itself", [{ kind: Kind.FUNC_PROTO, vlen: 1, sizeOrType: 1, words: [0, 1] }]],
  ["func whose proto is itself", [{ kind: Kind.FUNC, name: "f", sizeOrType: 1 }]],
  ["var of its own type", [{ kind: Kind.VAR, name: "v", sizeOrType: 1, words: [1] }]],
  ["datasec listing itself", [{ kind: Kind.DATASEC, name: ".data", vlen: 1, sizeOrType: 4, words: [1, 0, 4] }]],
  ["decl_tag on itself", [{ kind: Kind.DECL_TAG, name: "tag", sizeOrType: 1, words: [0xffffffff] }]],
  ["member type id out of range", [{ kind: Kind.STRUCT, name: "s", vlen: 1, sizeOrType: 4, words: member(0, 99, 0) }]],
  ["member type id 0xffffffff", [{ kind: Kind.STRUCT, name: "s", vlen: 1, sizeOrType: 4, words: member(0, 0xffffffff, 0) }]],
  ["pointer past the last id", [{ kind: Kind.PTR, sizeOrType: 2 }]],
  ["array count 0xffffffff of a struct of 0xffffffff bytes", [{ kind: Kind.ARRAY, sizeOrType: 0, words: [2, 3, 0xffffffff] }, { kind: Kind.STRUCT, name: "big", vlen: 0, sizeOrType: 0xffffffff }, int("int", 4)]],
  ["nested arrays overflowing any integer", [{ kind: Kind.ARRAY, sizeOrType: 0, words: [2, 4, 0xffffffff] }, { kind: Kind.ARRAY, sizeOrType: 0, words: [3, 4, 0xffffffff] }, { kind: Kind.ARRAY, sizeOrType: 0, words: [4, 4, 0xffffffff] }, int("int", 4)]],
  ["struct vlen 0xffff with no members", [{ kind: Kind.STRUCT, name: "s", vlen: 0xffff, sizeOrType: 4 }]],
  ["enum vlen 0xffff with no values", [{ kind: Kind.ENUM, name: "e", vlen: 0xffff, sizeOrType: 4 }]],
  ["func_proto vlen 0xffff with no params", [{ kind: Kind.FUNC_PROTO, vlen: 0xffff, sizeOrType: 0 }]],
  ["unknown kind 31", [{ kind: 31, sizeOrType: 0 }]],
  ["unknown kind 0", [{ kind: 0, sizeOrType: 0 }]],
  ["name offset past the strings", [{ kind: Kind.STRUCT, name: "s", vlen: 0, sizeOrType: 0 }, { kind: Kind.TYPEDEF, sizeOrType: 1 }].map((t, i) => (i === 1 ? { ...t, name: undefined } : t))],
  ["member past the struct's size", [int("int", 4), { kind: Kind.STRUCT, name: "s", vlen: 1, sizeOrType: 4, words: member(0, 1, 0x7fffffff) }]],
  ["bitfield wider than its type", [int("int", 4), { kind: Kind.STRUCT, name: "s", vlen: 1, kindFlag: true, sizeOrType: 4, words: member(0, 1, (200 << 24) | 0) }]],
  ["int of 0 bytes and 255 bits", [{ kind: Kind.INT, name: "weird", sizeOrType: 0, words: [0xff] }]],
  ["int of 0xffffffff bytes", [{ kind: Kind.INT, name: "huge", sizeOrType: 0xffffffff, words: [0x20] }]],
  ["const chain 200 deep", Array.from({ length: 200 }, (_, i): RawType => (i === 199 ? int("int", 4) : { kind: Kind.CONST, sizeOrType: i + 2 }))],
  ["pointer chain 200 deep", Array.from({ length: 200 }, (_, i): RawType => (i === 199 ? int("int", 4) : { kind: Kind.PTR, sizeOrType: i + 2 }))],
  ["struct nesting 200 deep", Array.from({ length: 200 }, (_, i): RawType => (i === 199 ? int("int", 4) : { kind: Kind.STRUCT, name: `s${i}`, vlen: 1, sizeOrType: 4, words: member(0, i + 2, 0) }))],
];

describe("crafted BTF: cycles, ids out of range, absurd counts", () => {
  for (const bigEndian of [false, true]) {
    for (const [name, types, strings] of CASES) {
      it(`${name} (${bigEndian ? "big" : "little"}-endian)`, () => {
        const file = `crafted-${name.replace(/\W+/g, "-")}.btf`;
        let bytes = writeBtf(types, { bigEndian, strings });
        if (name === "name offset past the strings") {
          // Point the typedef's name beyond the string section.
          const v = new DataView(bytes.buffer);
          v.setUint32(24 + 12, 0x10000, !bigEndian);
          bytes = new Uint8Array(bytes);
        }
        const outcome = runCase(() => exerciseBtf(bytes, file), file);
        expect(outcome.problem ?? "").toBe("");
        expect(outcome.ms, "a case runs in bounded time").toBeLessThan(5000);
      });
    }
  }
});

describe.skipIf(!HAVE_BPFTOOL)("the crafted-BTF writer itself, against bpftool (skipped without bpftool)", () => {
  it("writes blobs bpftool and abidrift read alike, in both byte orders", () => {
    const dir = scratchDir("writer");
    for (const bigEndian of [false, true]) {
      const types: RawType[] = [
        int("int", 4, true),
        { kind: Kind.STRUCT, name: "pair", vlen: 2, sizeOrType: 8, words: [...member(0, 1, 0), ...member(0, 3, 32)] },
        { kind: Kind.PTR, sizeOrType: 2 },
        { kind: Kind.TYPEDEF, name: "pair_t", sizeOrType: 2 },
      ];
      const bytes = writeBtf(types, { bigEndian, strings: ["a", "b"] });
      // Name the members: offsets 1 and 3 are "a" and "b" in the string section.
      const v = new DataView(bytes.buffer);
      v.setUint32(24 + 16 + 12, 1, !bigEndian);
      v.setUint32(24 + 16 + 24, 3, !bigEndian);
      const file = join(dir, `writer-${bigEndian ? "be" : "le"}.btf`);
      writeFileSync(file, bytes);
      expect(report(diffGraph(parseBtf(bytes, { file }), bpftoolDump(file), { full: true }))).toBe("");
    }
  });
});
