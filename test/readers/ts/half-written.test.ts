// The TypeScript reader on code being written: decoders cut at random
// points, bytes scrambled, nesting no compiler can parse. It must never
// throw, must note a file with reads in it that does not parse, and only
// when the TypeScript compiler (the project's own `typescript`, a separate
// copy from ts-morph's) finds a syntax error too, and must keep every twin
// it still finds well-formed.
import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { readTypeScript } from "../../../src/readers/ts/index.js";
import { slotsOf } from "../../../src/rules/layout-diff.js";
import { freshSeed, rng } from "../../oracles/random.js";

const SOURCES = ["fixtures/check/ts-correct/dataview.ts", "fixtures/check/ts-correct/buffer.ts", "fixtures/check/ts-correct/parser.ts", "fixtures/check/ts-correct/conn_event.ts"];
const CASES = 40;

function tscSyntaxErrors(text: string): number {
  return ts.transpileModule(text, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } }).diagnostics?.length ?? 0;
}

/** A cut, a dropped span, or a run of scrambled bytes, somewhere in `text`. */
function damage(text: string, rand: () => number): { how: string; text: string } {
  const at = Math.floor(rand() * text.length);
  const len = 1 + Math.floor(rand() * 40);
  switch (Math.floor(rand() * 3)) {
    case 0:
      return { how: `cut at ${at}`, text: text.slice(0, at) };
    case 1:
      return { how: `drop ${len} at ${at}`, text: text.slice(0, at) + text.slice(at + len) };
    default: {
      const junk = Array.from({ length: len }, () => "(){}[];,.+-*/<>=!?:'\"`\\\n x0"[Math.floor(rand() * 30)]).join("");
      return { how: `insert ${JSON.stringify(junk)} at ${at}`, text: text.slice(0, at) + junk + text.slice(at) };
    }
  }
}

async function run(seed: number): Promise<string[]> {
  const rand = rng(seed);
  const bad: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const path = SOURCES[Math.floor(rand() * SOURCES.length)]!;
    const { how, text } = damage(readFileSync(path, "utf8"), rand);
    const label = `seed ${seed} case ${i}: ${path}, ${how}`;
    try {
      const m = await readTypeScript("half.ts", text, {});
      const broken = tscSyntaxErrors(text) > 0;
      // A file with nothing left to decode is skipped unparsed: its syntax is tsc's business, not a note of ours.
      const reads = /\.(get|read)[A-Z]\w*\(|new Parser\(\)/.test(text);
      if (m.problems.length > 0 && !broken) bad.push(`${label}: ${m.problems.length} problems, tsc says fine`);
      if (m.problems.length === 0 && broken && reads) bad.push(`${label}: no note, tsc says broken`);
      if (m.problems.some((p) => !p.loc.line || p.loc.line < 1)) bad.push(`${label}: a problem without a line`);
      const graph = m.layout(TARGETS.x86_64, "native");
      for (const t of m.twins) {
        for (const s of slotsOf(graph, t.typeId)) if (!(s.offset >= 0 && s.size >= 0)) bad.push(`${label}: ${t.name}.${s.path} at ${s.offset}+${s.size}`);
      }
    } catch (e) {
      bad.push(`${label}: threw ${(e as Error).stack ?? String(e)}`);
    }
  }
  return bad;
}

describe("half-written TypeScript", () => {
  it.each([1, 2, 3])("fixed seed %i: damaged decoders read without throwing, with a note when tsc finds a syntax error", async (seed) => {
    expect((await run(seed)).join("\n")).toBe("");
  });

  it("a fresh seed (printed on failure)", async () => {
    const seed = freshSeed();
    expect((await run(seed)).join("\n"), `seed ${seed}`).toBe("");
  });

  it.each([
    ["brackets", (n: number) => `${"(".repeat(n)}view.getUint32(off + 4, true)${")".repeat(n)}`],
    ["property chains", (n: number) => `x${".y".repeat(n)}.getUint32(off, true)`],
  ])("nesting no parser can follow (%s) is a note at line 1, not a stack overflow", async (_, nest) => {
    const text = `interface X { a: number }\nexport function decodeX(view: DataView, off = 0): X {\n  return { a: ${nest(20_000)} };\n}\n`;
    const m = await readTypeScript("deep.ts", text, {});
    expect(m.problems.map((p) => p.loc.line)).toEqual([1]);
    expect(m.twins).toEqual([]);
  });

  it("a decoder that calls itself reads a record, not a record inside itself", async () => {
    const text = "interface Item { v: number; next: Item }\nexport function decodeItem(view: DataView, off = 0): Item {\n  return { v: view.getUint32(off, true), next: decodeItem(view, off + 4) };\n}\n";
    const m = await readTypeScript("list.ts", text, {});
    const graph = m.layout(TARGETS.x86_64, "native");
    expect(m.twins.map((t) => [t.name, slotsOf(graph, t.typeId).map((s) => s.path)])).toEqual([["Item", ["v"]]]);
  });
});
