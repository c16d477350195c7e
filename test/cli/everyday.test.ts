// The everyday CLI: gen ts makes the directory of -o, --verbose shows the
// notes a normal run counts, --explain and SARIF link every finding to its
// rule's page, and the version is package.json's.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NOTES_SHOWN, writeNotes } from "../../src/cli/notes.js";
import { ruleDocsUrl } from "../../src/index.js";
import { RULES } from "../../src/rules/index.js";
import { HAVE_CLI, ROOT, runCli } from "./run.js";

const EXAMPLE = join(ROOT, "examples/dns-monitor");

function collect(): { text: () => string; write(s: string): boolean } {
  let text = "";
  return {
    text: () => text,
    write(s: string) {
      text += s;
      return true;
    },
  };
}

describe("notes", () => {
  const notes = ["a.go:1: one", "b.go:2: two", "c.go:3: three", "d.go:4: four", "e.go:5: five"];

  it(`a normal run shows up to ${NOTES_SHOWN} and counts more in one line`, () => {
    const out = collect();
    writeNotes(notes, false, out);
    expect(out.text().split("\n").filter(Boolean)).toEqual([`abidrift: ${notes.length} notes on inputs read in part (macros not expanded, headers not found, code not parsed); --verbose lists them`]);
  });

  it("--verbose shows every one, and a short list is never cut", () => {
    const all = collect();
    writeNotes(notes, true, all);
    expect(all.text().split("\n").filter(Boolean)).toEqual(notes.map((n) => `abidrift: note: ${n}`));
    const few = collect();
    writeNotes(notes.slice(0, NOTES_SHOWN), false, few);
    expect(few.text().split("\n").filter(Boolean)).toEqual(notes.slice(0, NOTES_SHOWN).map((n) => `abidrift: note: ${n}`));
  });
});

describe("rule docs", () => {
  it("every rule's page exists where its stable URL points", () => {
    for (const r of RULES) {
      expect(ruleDocsUrl(r.id)).toBe(`https://github.com/abidrift/abidrift/blob/main/docs/rules/${r.id}.md`);
      expect(existsSync(join(ROOT, "docs/rules", `${r.id}.md`)), r.id).toBe(true);
    }
  });
});

describe.skipIf(!HAVE_CLI)("the CLI, every day (skipped until `npm run build`)", () => {
  it("--version is package.json's version", () => {
    const r = runCli(["--version"]);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version);
  });

  it("gen ts -o gen/x.ts makes gen/", () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-gen-"));
    const out = join(dir, "gen", "nested", "dns_event.ts");
    const r = runCli(["gen", "ts", join(EXAMPLE, "bpf/dnsmon.bpf.o"), "--type", "dns_event", "-o", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/@abidrift-generated/);
  });

  it("check --explain gives every finding its rule's page; SARIF gives every rule its helpUri", () => {
    const text = runCli(["check", EXAMPLE, "--explain"]);
    expect(text.status, text.stderr).toBe(1);
    const findings = text.stdout.split("\n").filter((l) => /^ {2}\d+:\d+ {2}(error|warning|note) /.test(l));
    const docs = text.stdout.split("\n").filter((l) => l.startsWith("      docs: "));
    expect(findings.length).toBeGreaterThan(0);
    expect(docs.length).toBe(findings.length);
    for (const l of docs) expect(RULES.map((r) => `      docs: ${ruleDocsUrl(r.id)}`)).toContain(l);
    expect(runCli(["check", EXAMPLE]).stdout).not.toMatch(/docs: /);
    const sarif = JSON.parse(runCli(["check", EXAMPLE, "-f", "sarif"]).stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } } }[] };
    for (const r of sarif.runs[0]!.tool.driver.rules) expect(r.helpUri).toBe(ruleDocsUrl(r.id));
  });

  it("check --verbose shows every note a normal run counts", () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-notes-"));
    mkdirSync(join(dir, "loader"));
    // A BPF program to check against, so the run is no empty check (exit 2).
    writeFileSync(join(dir, "prog.bpf.c"), `#define SEC(n) __attribute__((section(n), used))\nstruct event { unsigned int pid; };\nstruct { int (*type)[1]; } events SEC(".maps");\n`);
    // Half-written Go files: each is read in part, with a note.
    for (let i = 0; i < NOTES_SHOWN + 2; i++) writeFileSync(join(dir, "loader", `half${i}.go`), `package main\n\ntype Event${i} struct {\n\tPid uint32\n`);
    const normal = runCli(["check", dir]);
    const verbose = runCli(["check", dir, "--verbose"]);
    const notesOf = (s: string) => s.split("\n").filter((l) => l.startsWith("abidrift: note: "));
    expect(notesOf(verbose.stderr).length, verbose.stderr).toBe(NOTES_SHOWN + 2);
    expect(notesOf(normal.stderr)).toEqual([]);
    expect(normal.stderr).toContain(`abidrift: ${NOTES_SHOWN + 2} notes on inputs read in part`);
  });
});
