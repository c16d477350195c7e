import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { lineOf } from "./repo.js";

// One object per library version, each from a .c that only sets the
// offsets it reads at and includes the program from a header beside it:
// each .c is a program, though no BPF mark is in its own text, and the Go
// twin of the event they share is held to it. The loader's .c, whose own
// header holds no BPF, stays userspace.

const DIR = "fixtures/check/program-in-header";

describe("a program written in the header its .c files include", () => {
  it("reads each version's .c as a program and catches the narrowed member of the event", async () => {
    const r = await check({ paths: [DIR], lock: false });
    expect(r.files.bpf).toBe(2);
    expect(r.bpf.map((b) => b.file).sort()).toEqual([`${DIR}/v1_0_kern.c`, `${DIR}/v1_1_kern.c`]);
    const go = readFileSync(`${DIR}/main.go`, "utf8");
    expect(r.findings.map((f) => [f.code, f.locations[0]!.line])).toEqual([["struct-mismatch", lineOf(go, "Len  uint16")]]);
  });
});
