// Maps that exist though no SEC(".maps") declares them: struct_ops
// variables, which libbpf makes into maps, and a map userspace creates from
// its own MapSpec. Neither is an unknown map; a lookup under a misspelt name
// still is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { check } from "../../src/check/run.js";
import { HAVE_CLANG, fixtureRepo, lineOf } from "./repo.js";

describe.skipIf(!HAVE_CLANG)("maps defined outside .maps (needs clang-16)", () => {
  let root = "";
  const codes = async (dir: string): Promise<string[]> => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      return (await check({ paths: [dir], lock: false })).findings.map((f) => f.code);
    } finally {
      process.chdir(cwd);
    }
  };
  beforeAll(() => {
    root = fixtureRepo();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("pairs the struct_ops maps a Go loader names with the object's", async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const r = await check({ paths: ["struct-ops"], lock: false });
      expect(r.findings).toEqual([]);
      expect(r.pairing.maps.map((m) => [m.ref.name, m.map.type]).sort()).toEqual([
        ["legacy_ops", "struct_ops"],
        ["minimal_ops", "struct_ops"],
      ]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("takes a map userspace makes from its own MapSpec as defined there", async () => {
    expect(await codes("userspace-mapspec")).toEqual([]);
  });

  it("pairs no map of a collection userspace builds itself, and still the map it creates to share", async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const r = await check({ paths: ["collection-literal"], lock: false });
      // Only the standalone spec's key (8 bytes against 4) is a finding; the collection's 16 is no claim.
      const go = readFileSync(join(root, "collection-literal/loader/collection_test.go"), "utf8");
      expect(r.findings.map((f) => [f.code, f.locations[0]?.line])).toEqual([["map-key-size", lineOf(go, "KeySize: 8")]]);
      expect(r.pairing.maps.map((m) => m.ref.via)).toEqual(["ebpf.MapSpec literal"]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("still finds a map looked up under a name nothing defines", async () => {
    expect(await codes("unknown-map")).toContain("unknown-map");
  });
});
