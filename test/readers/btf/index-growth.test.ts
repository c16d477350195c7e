// The record index is first sized for records of 24 bytes, about a kernel's
// mean; a blob of smaller ones makes it grow while it is written. A chain of
// 12-byte records, each referring to the one before, read against bpftool.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseBtf } from "../../../src/readers/btf/index.js";
import { bpftoolDump, HAVE_BPFTOOL } from "../../oracles/bpftool.js";
import { freshSeed, rng } from "../../oracles/random.js";
import { int, Kind, writeBtf, type RawType } from "../../fuzz/btf-writer.js";
import { scratchDir } from "./compile.js";
import { diffGraph, report } from "./compare.js";

const SMALL_KINDS = [Kind.PTR, Kind.CONST, Kind.VOLATILE, Kind.RESTRICT, Kind.TYPEDEF];

describe.skipIf(!HAVE_BPFTOOL)("record index of small records (skipped without bpftool)", () => {
  for (const seed of [5, freshSeed()]) {
    it(`seed ${seed}: a chain of 12-byte records is read as bpftool reads it`, () => {
      const r = rng(seed);
      const types: RawType[] = [int("int", 4, true)];
      const n = 300 + Math.floor(r() * 3000);
      for (let id = 2; id <= n; id++) {
        const kind = SMALL_KINDS[Math.floor(r() * SMALL_KINDS.length)]!;
        types.push({ kind, name: kind === Kind.TYPEDEF ? `t${id}` : undefined, sizeOrType: id - 1 });
      }
      const bytes = writeBtf(types);
      const typeLen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
      expect(typeLen / n, "the records average under the index's first guess").toBeLessThan(24);
      const file = join(scratchDir("index-growth"), "chain.btf");
      writeFileSync(file, bytes);
      const btf = parseBtf(bytes, { file });
      expect(btf.count).toBe(n + 1);
      expect(report(diffGraph(btf, bpftoolDump(file), { full: true }))).toBe("");
    });
  }
});
