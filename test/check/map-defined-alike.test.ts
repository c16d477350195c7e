import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { summarize } from "../../src/check/pair-summary.js";
import { SourceIndex } from "../../src/check/c-locate.js";
import { HAVE_CLANG, fixtureRepo, lineOf } from "./repo.js";

// A map two programs of one agent both define (a shared header, a pinned
// map) and userspace makes itself: where the definitions agree byte for
// byte either answers, and the pair says so; where they differ, no pair,
// and --explain says how. Objects are built by clang in the test.

describe.skipIf(!HAVE_CLANG)("a map several programs define (needs clang-16)", () => {
  let root = "";
  beforeAll(() => {
    root = fixtureRepo();
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });
  const run = () => check({ paths: [join(root, "map-defined-alike")], lock: false });

  it("pairs a map both programs define alike, and leaves unpaired one they define differently", async () => {
    const r = await run();
    const go = readFileSync(join(root, "map-defined-alike/loader.go"), "utf8");
    expect(r.findings).toEqual([]);
    expect(r.pairing.maps.map((m) => [m.map.name, m.ref.loc.line])).toEqual([["shared_throttle", lineOf(go, `Name: "shared_throttle"`)]]);
    const explain = summarize(r.pairing, new SourceIndex([]));
    const shared = explain.find((p) => p.twin.name === "shared_throttle")!;
    expect(shared.reason).toMatch(/defined alike by \S*enforcer and \S*enforcer_path$/);
    // own_settings: a 4-byte value in one, 8 in the other (clang's sizes): no pair, and the reason says so.
    expect(r.pairing.unresolved.map((u) => [u.name, u.loc.line])).toEqual([["map own_settings", lineOf(go, `Name: "own_settings"`)]]);
    const own = explain.find((p) => p.twin.name === "map own_settings")!;
    expect(own.reason).toMatch(/^not paired: .*differently \(its value is 4 bytes in \S*enforcer, 8 in \S*enforcer_path\)/);
  });

  it("holds userspace's MapSpec to the shared definition", async () => {
    const file = join(root, "map-defined-alike/loader.go");
    writeFileSync(file, readFileSync(file, "utf8").replace("ValueSize: 16", "ValueSize: 12"));
    const r = await run();
    const go = readFileSync(file, "utf8");
    expect(r.findings.map((f) => [f.code, f.locations[0]!.line])).toEqual([["map-value-size", lineOf(go, "ValueSize: 12")]]);
  });
});
