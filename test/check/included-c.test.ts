// A .c file another .c includes is part of that program (fixtures/check/
// included-c): clang compiles the including file and refuses the included
// one alone, and check reads the program once, with no notes about the part.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { CLANG, HAVE_CLANG } from "./repo.js";

const FIXTURE = "fixtures/check/included-c";

describe.skipIf(!HAVE_CLANG)("a .c included by another (needs clang-16)", () => {
  it("is read as part of the including program, not as a program of its own", async () => {
    const out = mkdtempSync(join(tmpdir(), "abidrift-included-"));
    try {
      const cc = (file: string): number | null =>
        spawnSync(CLANG, ["-target", "bpfel", "-O2", "-c", join(FIXTURE, file), "-o", join(out, "x.o"), "-I/usr/include/x86_64-linux-gnu"], { encoding: "utf8" }).status;
      expect(cc("main.bpf.c")).toBe(0);
      expect(cc("part.c")).not.toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const r = await check({ paths: [FIXTURE], lock: false });
    expect(r.notes).toEqual([]);
    expect(r.bpf.map((m) => m.file)).toEqual([join(FIXTURE, "main.bpf.c")]);
    expect(r.bpf[0]!.maps.map((m) => m.name)).toEqual(["starts"]);
  });

  it("takes a .c that only includes others as the program when a bpf2go line compiles it", async () => {
    const dir = "fixtures/check/included-c-only";
    const out = mkdtempSync(join(tmpdir(), "abidrift-included-only-"));
    try {
      const r = spawnSync(CLANG, ["-target", "bpfel", "-O2", "-c", join(dir, "tracer.c"), "-o", join(out, "x.o"), "-I/usr/include/x86_64-linux-gnu"], { encoding: "utf8" });
      expect(r.status).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const r = await check({ paths: [dir], lock: false });
    expect(r.notes).toEqual([]);
    expect(r.bpf.map((m) => m.file)).toEqual([join(dir, "tracer.c")]);
    expect(r.findings.filter((f) => f.code === "unknown-map")).toEqual([]);
    expect(r.pairing.maps.map((m) => m.map.name)).toEqual(["offsets"]);
  });
});
