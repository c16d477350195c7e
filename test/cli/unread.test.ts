import { describe, expect, it } from "vitest";
import { HAVE_CLI, runCli } from "./run.js";

// What a reader could not read is said, never dropped: `layout` prints a
// warning line for each problem and each type it could not lay out, a
// `--type` naming one of those is exit 2 with the reason, and `check` notes
// each struct it could not lay out, once.

const DIR = "fixtures/unread";

describe.skipIf(!HAVE_CLI)("layout says what it could not read (skipped until `npm run build` has made dist/)", () => {
  it("a C struct whose member type is in a missing header is named, with the header", () => {
    const r = runCli(["layout", `${DIR}/missing_header.h`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("struct stands_alone");
    expect(r.stderr).toMatch(/missing_header\.h:2: #include "not_there\.h": not found/);
    expect(r.stderr).toMatch(/missing_header\.h:4: struct needs_header not laid out: missing_t is not declared/);
  });

  it("--type of a struct that could not be laid out is exit 2 with the reason", () => {
    const r = runCli(["layout", `${DIR}/missing_header.h`, "--type", "needs_header"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n").filter((l) => l.startsWith("abidrift: fixtures"))).toEqual([expect.stringMatching(/struct needs_header cannot be laid out: missing_t is not declared/)]);
  });

  it("a ctypes class naming an undefined type is named", () => {
    const r = runCli(["layout", `${DIR}/ctypes_undefined_type.py`]);
    expect(r.stdout).toContain("struct Known");
    expect(r.stderr).toMatch(/ctypes_undefined_type\.py:\d+: .*NamesUndefined.*Undefined/);
  });

  it("a Python file with a syntax error says so", () => {
    const r = runCli(["layout", `${DIR}/python_syntax_error.py`]);
    expect(r.stderr).toMatch(/python_syntax_error\.py:\d+: syntax error/);
  });

  it("a Go file with a syntax error says so", () => {
    const r = runCli(["layout", `${DIR}/go_syntax_error.go`]);
    expect(r.stderr).toMatch(/go_syntax_error\.go:\d+: syntax error/);
  });


  it("check names, once, each struct of the program it could not lay out, with why", () => {
    const r = runCli(["check", `${DIR}/check-missing-header`]);
    expect(r.status).toBe(0);
    const notes = r.stderr.split("\n").filter((l) => l.includes("not laid out"));
    expect(notes).toEqual([expect.stringMatching(/event\.bpf\.c:6: struct event not laid out, so not compared: missing_t is not declared/)]);
  });
});
