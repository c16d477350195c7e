// Maps that exist though no SEC(".maps") declares them: struct_ops
// variables, which libbpf makes into maps, and a map userspace creates from
// its own MapSpec. Neither is an unknown map; a lookup under a misspelt name
// still is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { check } from "../../src/check/run.js";
import { HAVE_CLANG, fixtureRepo } from "./repo.js";

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

  it("still finds a map looked up under a name nothing defines", async () => {
    expect(await codes("unknown-map")).toContain("unknown-map");
  });
});
