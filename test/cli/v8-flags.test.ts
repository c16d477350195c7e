// V8's flags are set once, by the CLI's entry, before any command is
// imported: a flag changed while V8 compiles on its other threads can abort
// the process (main.ts says how the inlining limit did). The rule is held on
// the text of src/, so a later tuning that sets a flag in a command fails
// here rather than once in a few hundred runs.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../src");
const ENTRY = "cli/main.ts";

/** Where `text` calls setFlagsFromString, and where it first imports a module at run time. */
function flagSites(text: string): { calls: number[]; firstDynamicImport: number } {
  const calls = [...text.matchAll(/\bsetFlagsFromString\s*\(/g)].map((m) => m.index!);
  const dyn = /\bimport\s*\(/.exec(text);
  return { calls, firstDynamicImport: dyn ? dyn.index : Infinity };
}

/** The modules of src/ that call setFlagsFromString, other than the entry: there must be none. */
function settersBesidesEntry(files: ReadonlyMap<string, string>): string[] {
  return [...files].filter(([f, text]) => f !== ENTRY && flagSites(text).calls.length > 0).map(([f]) => f);
}

describe("V8 flags", () => {
  const files = new Map(
    (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => [f, readFileSync(join(SRC, f), "utf8")]),
  );

  it("are set by the CLI's entry alone", () => {
    expect(files.size).toBeGreaterThan(50);
    expect(settersBesidesEntry(files)).toEqual([]);
  });

  it("are set by the entry before it imports a command", () => {
    const { calls, firstDynamicImport } = flagSites(files.get(ENTRY)!);
    expect(calls.length).toBeGreaterThan(0);
    expect(firstDynamicImport).toBeLessThan(Infinity);
    for (const at of calls) expect(at).toBeLessThan(firstDynamicImport);
  });

  it("a command that sets one, or an entry that sets one late, is caught", () => {
    const late = new Map([
      [ENTRY, `const { run } = await import("./layout.js");\nsetFlagsFromString("--x");`],
      ["cli/layout.ts", `import { setFlagsFromString } from "node:v8";\nsetFlagsFromString("--y");`],
    ]);
    expect(settersBesidesEntry(late)).toEqual(["cli/layout.ts"]);
    const { calls, firstDynamicImport } = flagSites(late.get(ENTRY)!);
    expect(calls.every((at) => at < firstDynamicImport)).toBe(false);
  });
});
