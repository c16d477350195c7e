import { describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";

// Map sizes compared as the bytes really cross: a value handed over as
// memory (`unsafe.Pointer(&v)`) is its memory's size, not its
// encoding/binary size; a size the source cannot evaluate is no size.

const run = (dir: string) => check({ paths: [`fixtures/check/${dir}`], lock: false });
const where = (r: Awaited<ReturnType<typeof run>>) => r.findings.map((f) => `${f.code} ${f.locations[0]!.file.split("/").pop()}`);

describe("map sizes", () => {
  it("a value passed through unsafe.Pointer is compared by its memory; a short one is still found", async () => {
    const r = await run("memory-value");
    expect(where(r)).toEqual(["map-value-size short.go"]);
    expect(r.pairing.maps.filter((m) => m.ref.name === "vals").map((m) => m.ref.encoding)).toEqual(["native", "native"]);
  });

  it("sizes written as sizeof of a type whose header is absent are not compared as 0", async () => {
    const r = await run("unsized-legacy-map");
    expect(r.findings).toEqual([]);
    const hits = r.pairing.maps.find((m) => m.ref.name === "hits");
    expect(hits?.map.unsized).toEqual(["key", "value"]);
  });
});
