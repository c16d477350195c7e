// Map definitions of every compiled fixture, both byte orders, against
// libbpf opening the object (bpf_object__open_file, no load). libbpf 1.1
// opens only objects of the host's byte order, so a big-endian object is
// held to what libbpf reads from its little-endian twin: the same source
// gives the same maps and, clang emitting types in the same order, the same
// BTF type ids. Legacy
// `maps` sections, which libbpf 1.x refuses, are checked against the symbol
// table and section bytes as llvm-readelf and llvm-objcopy give them.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { readBpfObjects } from "../../../src/readers/object/index.js";
import { bpftoolDump, HAVE_BPFTOOL } from "../../oracles/bpftool.js";
import { HAVE_LIBBPF, libbpfMaps } from "../../oracles/libbpf.js";
import { compileAllFixtures, FIXTURES_OBJECTS, HAVE_CLANG, scratchDir, type CompiledFixture } from "../btf/compile.js";
import { report } from "../btf/compare.js";
import { HAVE_OBJCOPY, HAVE_READELF, sectionBytes, sectionNames, symbols } from "../btf/sections.js";
import { diffMaps } from "./compare-maps.js";

/** The host's byte order is the only one libbpf 1.1 opens. */
const littleTwin = (path: string): string => path.replace(/\.bpfeb\.o$/, ".bpfel.o");

/**
 * Fixtures libbpf 1.1 cannot open (legacy `maps` sections, a map_extra it
 * rejects); each has its own oracle: below, and in test/readers/c/maps.test.ts.
 */
const NOT_FOR_LIBBPF = new Set(["legacy_maps", "map_extra_ulong", "trailing_attrs"]);

describe.skipIf(!HAVE_CLANG || !HAVE_LIBBPF)("maps of compiled fixtures against libbpf (skipped without clang-16, gcc or libbpf-dev)", () => {
  let fixtures: CompiledFixture[];
  beforeAll(() => {
    fixtures = compileAllFixtures(scratchDir("maps"));
  });

  it("has libbpf's maps, with every figure, for every fixture libbpf opens", () => {
    const diffs: string[] = [];
    let maps = 0;
    for (const f of fixtures.filter((x) => !NOT_FOR_LIBBPF.has(x.name))) {
      const theirs = libbpfMaps(littleTwin(f.path));
      maps += theirs.length;
      const [mod] = readBpfObjects(readFileSync(f.path), f.path);
      diffs.push(...diffMaps(mod!.maps, theirs, `${f.name}.${f.target}`));
    }
    expect(maps).toBeGreaterThan(20);
    expect(report(diffs)).toBe("");
  });

  it("covers hash, LRU, array, per-CPU, ring buffer, perf array, array and hash of maps, bloom filter and globals", () => {
    const types = new Set(fixtures.filter((x) => !NOT_FOR_LIBBPF.has(x.name)).flatMap((f) => libbpfMaps(littleTwin(f.path)).map((m) => m.type)));
    // Values from the kernel's enum, through the table the tests check against it.
    for (const name of ["hash", "lru_hash", "array", "percpu_hash", "percpu_array", "ringbuf", "perf_event_array", "array_of_maps", "hash_of_maps", "bloom_filter"]) {
      const [mod] = readBpfObjects(readFileSync(fixtures.find((f) => f.name === "map_kinds")!.path), "map_kinds.bpf.o");
      const m = mod!.maps.find((x) => x.type === name);
      expect(m, `no ${name} map read from map_kinds`).toBeDefined();
      expect(types.has(m!.typeId), `libbpf saw no map of type ${name}`).toBe(true);
    }
  });

  it("reads the committed example objects as libbpf does", () => {
    const diffs: string[] = [];
    for (const target of ["bpfel", "bpfeb"]) {
      const path = `${FIXTURES_OBJECTS}dns_key.${target}.o`;
      const [mod] = readBpfObjects(readFileSync(path), path);
      diffs.push(...diffMaps(mod!.maps, libbpfMaps(littleTwin(path)), `dns_key.${target}`));
    }
    expect(report(diffs)).toBe("");
  });
});

describe.skipIf(!HAVE_CLANG || !HAVE_READELF || !HAVE_OBJCOPY)("legacy `maps` section against llvm-readelf and llvm-objcopy (skipped without clang-16 or llvm-16)", () => {
  it("reads each struct bpf_map_def at its symbol, in the object's byte order", () => {
    const dir = scratchDir("legacy");
    for (const f of compileAllFixtures(dir).filter((x) => x.name === "legacy_maps")) {
      const names = sectionNames(f.path);
      const bytes = sectionBytes(f.path, "maps");
      const le = f.target === "bpfel";
      const defs = symbols(f.path).filter((s) => names.get(s.ndx) === "maps" && s.type === "OBJECT");
      expect(defs.length, `${f.target}: symbols in maps`).toBe(3);
      const [mod] = readBpfObjects(readFileSync(f.path), f.path);
      for (const s of defs) {
        const word = (i: number): number => (le ? bytes.readUInt32LE(s.value + 4 * i) : bytes.readUInt32BE(s.value + 4 * i));
        const m = mod!.maps.find((x) => x.name === s.name);
        expect(m, `${f.target}: map ${s.name}`).toBeDefined();
        expect(
          { origin: m!.origin, typeId: m!.typeId, keySize: m!.keySize, valueSize: m!.valueSize, maxEntries: m!.maxEntries, flags: m!.flags },
          `${f.target}: map ${s.name}`,
        ).toEqual({ origin: "legacy", typeId: word(0), keySize: word(1), valueSize: word(2), maxEntries: word(3), flags: word(4) });
      }
    }
  });
});

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL)("64-bit map_extra given with __ulong, against bpftool's dump of its enum (skipped without clang-16 or bpftool)", () => {
  it("reads map_extra from the enum's value in both byte orders", () => {
    for (const f of compileAllFixtures(scratchDir("ulong")).filter((x) => x.name === "map_extra_ulong")) {
      const records = bpftoolDump(f.path);
      const variable = records.find((r) => r.kind === "VAR" && r.name === "wide_bloom")!;
      const def = records.find((r) => r.id === variable.typeId)!;
      const member = def.members!.find((m) => m.name === "map_extra")!;
      const expected = records.find((r) => r.id === member.typeId)!.values![0]!.value;
      const [mod] = readBpfObjects(readFileSync(f.path), f.path);
      expect(mod!.maps.find((m) => m.name === "wide_bloom")?.mapExtra, f.target).toBe(expected);
    }
  });
});
