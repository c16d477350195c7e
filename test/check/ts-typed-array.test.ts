import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { HAVE_BPFTOOL, HAVE_CLANG, btfStruct, compileBpf, lineOf } from "./repo.js";

// Typed-array views (`new Uint32Array(buf.buffer, off, n)[k]`) are reads
// with a width and an offset, compared like DataView reads. The offsets
// expected are bpftool's reading of the object clang builds here.

const FIXTURE = "fixtures/check/ts-typed-array";

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL)("TypeScript typed-array views", () => {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-typed-array-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("hold each element to the C member at its offset: a u64 read through a Uint32Array is an error there", async () => {
    for (const f of ["right.ts", "wrong.ts", "event.bpf.c"]) copyFileSync(join(FIXTURE, f), join(dir, f));
    compileBpf(join(dir, "event.bpf.c"), join(dir, "event.bpf.o"));
    const r = await check({ paths: [dir], lock: false });
    expect(r.pairing.types.map((t) => t.twin.name).sort()).toEqual(["Event", "Sample"]);
    const wrong = readFileSync(join(dir, "wrong.ts"), "utf8");
    expect(r.findings.map((f) => `${f.code} ${f.locations[0]?.file}:${f.locations[0]?.line}`)).toEqual([`struct-mismatch ${relative(process.cwd(), join(dir, "wrong.ts"))}:${lineOf(wrong, "ts: new Uint32Array")}`]);
    const btf = btfStruct(join(dir, "event.bpf.o"), "event");
    expect(r.findings[0]!.locations.find((l) => l.role === "c")?.line).toBe(lineOf(readFileSync(join(FIXTURE, "event.bpf.c"), "utf8"), "__u64 ts;"));
    expect(r.findings[0]!.data).toMatchObject({ twinMember: "ts", twinWidth: 4, cOffset: btf.members.get("ts"), cWidth: btf.size - btf.members.get("ts")! });
  });
});
