import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mapTypeValue } from "../../../src/ir/map-types.js";
import type { MapDef } from "../../../src/ir/maps.js";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";
import { HAVE_BPFTOOL, bpftoolDump } from "../../oracles/bpftool.js";
import { CLANG, clangAvailable } from "../../oracles/clang.js";
import { HAVE_LIBBPF, libbpfMaps, type LibbpfMap } from "../../oracles/libbpf.js";

// Map declarations read from source must be the maps the compiled object
// holds: libbpf's reading of the object for SEC(".maps"), the section bytes
// for legacy `struct bpf_map_def SEC("maps")`, bpftool's enum for __ulong.

const FIXTURES = join(import.meta.dirname, "../../../fixtures/bpf");
const HOST_INCLUDE = `/usr/include/${process.arch === "arm64" ? "aarch64" : "x86_64"}-linux-gnu`;

function compile(source: string): string {
  const out = join(mkdtempSync(join(tmpdir(), "abidrift-maps-")), "prog.o");
  execFileSync(CLANG, ["-target", "bpfel", "-g", "-O2", "-c", `-I${HOST_INCLUDE}`, "-o", out, source], { stdio: ["ignore", "ignore", "pipe"] });
  return out;
}

function asLibbpf(m: MapDef): Omit<LibbpfMap, "btf_key_type_id" | "btf_value_type_id" | "internal" | "inner"> & { inner?: unknown } {
  return {
    name: m.name,
    type: m.typeId,
    key_size: m.keySize,
    value_size: m.valueSize,
    max_entries: m.maxEntries,
    map_flags: m.flags,
    numa_node: m.numaNode ?? 0,
    map_extra: m.mapExtra ?? 0n,
    pinned: (m.pinning ?? 0) !== 0,
    ...(m.inner ? { inner: { type: m.inner.typeId, key_size: m.inner.keySize, value_size: m.inner.valueSize, max_entries: m.inner.maxEntries } } : {}),
  };
}

describe.skipIf(!clangAvailable)("map declarations from source (needs clang-16)", () => {
  it.skipIf(!HAVE_LIBBPF)("SEC(\".maps\") definitions agree with libbpf's reading of the compiled object", async () => {
    const src = join(FIXTURES, "map_kinds.bpf.c");
    const ours = await readCSource(src, { target: TARGETS.bpfel, includeDirs: [HOST_INCLUDE] });
    expect(ours.problems).toEqual([]);
    const want = libbpfMaps(compile(src)).filter((m) => !m.internal);
    expect(ours.maps.map((m) => m.name).sort()).toEqual(want.map((m) => m.name).sort());
    for (const w of want) {
      const got = asLibbpf(ours.maps.find((m) => m.name === w.name)!);
      const { btf_key_type_id: _k, btf_value_type_id: _v, internal: _i, inner, ...rest } = w;
      expect(got).toEqual({
        ...rest,
        ...(inner ? { inner: { type: inner.type, key_size: inner.key_size, value_size: inner.value_size, max_entries: inner.max_entries } } : {}),
      });
    }
    // Key and value types are the source's own.
    const flows = ours.maps.find((m) => m.name === "flows")!;
    expect(ours.graph.type(flows.keyType!)).toMatchObject({ kind: "struct", name: "flow_key" });
    expect(flows.loc).toMatchObject({ file: src, line: expect.any(Number) });
  });

  it.skipIf(!HAVE_BPFTOOL)("__ulong(map_extra, ...) agrees with the enum in the object's BTF", async () => {
    const src = join(FIXTURES, "map_extra_ulong.bpf.c");
    const ours = await readCSource(src, { target: TARGETS.bpfel, includeDirs: [HOST_INCLUDE] });
    const btf = bpftoolDump(compile(src));
    const enumValue = btf.find((r) => (r.kind === "ENUM" || r.kind === "ENUM64") && r.values?.some((v) => v.name.startsWith("__ulong")))!.values![0]!.value;
    expect(ours.maps).toHaveLength(1);
    expect(ours.maps[0]!.mapExtra).toBe(enumValue);
    expect(ours.maps[0]!.typeId).toBe(mapTypeValue("bloom_filter"));
  });

  it.each(["legacy_maps.bpf.c", "trailing_attrs.bpf.c"])("legacy SEC(\"maps\") definitions agree with the object's maps section: %s", async (name) => {
    const src = join(FIXTURES, name);
    const ours = await readCSource(src, { target: TARGETS.bpfel, includeDirs: [HOST_INCLUDE] });
    expect(ours.problems).toEqual([]);
    const obj = compile(src);
    const dir = mkdtempSync(join(tmpdir(), "abidrift-legacy-"));
    execFileSync("llvm-objcopy-16", ["-O", "binary", "--only-section=maps", obj, join(dir, "maps.bin")]);
    const bytes = readFileSync(join(dir, "maps.bin"));
    const symbols = execFileSync("llvm-readelf-16", ["-s", "-W", obj], { encoding: "utf8" });
    const sections = execFileSync("llvm-readelf-16", ["-S", "-W", obj], { encoding: "utf8" });
    const mapsIndex = /\[\s*(\d+)\]\s+maps\s/.exec(sections)![1];
    const want = [...symbols.matchAll(/^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+OBJECT\s+\w+\s+\w+\s+(\d+)\s+(\w+)$/gm)]
      .filter((m) => m[3] === mapsIndex)
      .map((m) => {
        const off = parseInt(m[1]!, 16);
        const u32 = (i: number): number => bytes.readUInt32LE(off + 4 * i);
        return { name: m[4]!, typeId: u32(0), keySize: u32(1), valueSize: u32(2), maxEntries: u32(3), flags: u32(4) };
      });
    expect(want.length).toBeGreaterThan(0);
    const got = ours.maps.map((m) => ({ name: m.name, typeId: m.typeId, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags }));
    expect(got.sort((a, b) => a.name.localeCompare(b.name))).toEqual(want.sort((a, b) => a.name.localeCompare(b.name)));
  });

  it("attributes after a file-scope declarator read clean, and the type they keep is there", async () => {
    const src = join(FIXTURES, "trailing_attrs.bpf.c");
    const ours = await readCSource(src, { target: TARGETS.bpfel, includeDirs: [HOST_INCLUDE] });
    expect(ours.problems).toEqual([]);
    expect(ours.graph.find("kept_event").map((id) => ours.graph.type(id).kind)).toEqual(["struct"]);
  });
});
