// Bad input and bad usage through the CLI: exit 2, and for bad input exactly
// one stderr line that names the file (and where it is wrong), never a stack.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { badInputProblem, HAVE_CLI, ROOT, runCli } from "./run.js";

describe.skipIf(!HAVE_CLI)("abidrift errors (skipped until `npm run build` has made dist/)", () => {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-cli-"));
  const example = readFileSync(`${ROOT}fixtures/objects/dns_key.bpfel.o`);
  const inputs: [string, Uint8Array | null][] = [
    ["missing.o", null],
    ["empty.o", new Uint8Array(0)],
    ["text.o", Buffer.from("not an object\n")],
    ["elf-header-only.o", example.subarray(0, 64)],
    ["truncated-mid-section.o", example.subarray(0, Math.floor(example.length / 2))],
    ["btf-magic-only.btf", Buffer.from([0x9f, 0xeb, 0x01, 0x00])],
  ];
  for (const [name, bytes] of inputs) {
    const path = join(dir, name);
    if (bytes) writeFileSync(path, bytes);
    for (const command of ["layout", "maps"]) {
      it(`${command} ${name}: exit 2 and one line naming the file`, () => {
        expect(badInputProblem(runCli([command, path]), path)).toBe("");
      });
    }
  }

  it("a directory is bad input, not an internal error", () => {
    expect(badInputProblem(runCli(["layout", dir]), dir)).toBe("");
  });

  it("names the byte offset where an object is cut short", () => {
    const path = join(dir, "truncated-mid-section.o");
    expect(runCli(["layout", path]).stderr).toMatch(/offset 0x[0-9a-f]+/);
  });

  it("a --type that names nothing is exit 2 with one line", () => {
    const r = runCli(["layout", "fixtures/objects/dns_key.bpfel.o", "--type", "no_such_type"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("no_such_type");
  });

  for (const args of [["layout"], ["frobnicate"], ["layout", "x.o", "--bogus"], ["layout", "x.o", "--format", "yaml"], ["maps", "x.o", "--format", "xml"]]) {
    it(`usage error \`abidrift ${args.join(" ")}\` exits 2 and says what is wrong first`, () => {
      const r = runCli(args);
      expect(r.status).toBe(2);
      expect(r.stderr.split("\n")[0]).toMatch(/^error: /);
      expect(r.stdout).toBe("");
    });
  }

  for (const args of [["--help"], ["--version"], ["layout", "--help"]]) {
    it(`\`abidrift ${args.join(" ")}\` exits 0`, () => {
      const r = runCli(args);
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
    });
  }
});
