import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { lineOf } from "./repo.js";

// BCC from Node: the program carried in a template literal is read as C, and
// a table read through a converter of known width is held to its value size.

describe("node bpfcc: getArrayMap(name, converter)", () => {
  it("reads a u64 histogram with a 4-byte converter: an error at the converter; a u32 array is right", async () => {
    const dir = join("fixtures/check/ts-bcc-converter");
    const file = join(dir, "hist.ts");
    const text = readFileSync(file, "utf8");
    const r = await check({ paths: [dir], lock: false });
    const own = join(dir, "own_converter.ts");
    const ownText = readFileSync(own, "utf8");
    expect(r.pairing.maps.map((m) => m.map.name).sort()).toEqual(["dist", "hits", "sums", "totals"]);
    // own_converter.ts reads a u64 through its own converter: right for sums, wrong for the u32 totals.
    expect(r.findings.map((f) => `${f.code} ${f.locations[0]?.file}:${f.locations[0]?.line}`).sort()).toEqual(
      [`map-value-size ${file}:${lineOf(text, "getArrayMap('dist'")}`, `map-value-size ${own}:${lineOf(ownText, "getArrayMap('totals'")}`].sort(),
    );
    // The C side is the line of the table in the template literal.
    const dist = r.findings.find((f) => f.locations[0]?.file === file)!;
    expect(dist.locations.find((l) => l.role === "c")).toMatchObject({ file, line: lineOf(text, "BPF_HISTOGRAM(dist)") });
  });
});
