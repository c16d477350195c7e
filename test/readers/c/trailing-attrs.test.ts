import { describe, expect, it } from "vitest";
import { parseC } from "../../../src/readers/c/parse-c.js";
import { cParser } from "../../../src/readers/c/parser.js";
import { freshSeed, rng } from "../../oracles/random.js";

// parseC rotates an attribute written after a file-scope declarator to
// before it and parses again, reusing the first tree where nothing moved.
// That second parse must give the very tree a fresh parse of the rotated
// text gives: seeded texts mixing such declarations with records,
// functions, typedefs and plain variables, several to a line or not.

const TYPES = ["int", "unsigned long long", "struct ev", "const struct ev *", "char", "__u32", "struct { int a; } "];
const ATTRS = ['__attribute__((unused))', '__attribute__((section(".maps")))', '__attribute__((aligned(8))) __attribute__((unused))', '__attribute__ ((used))'];

function randomText(next: () => number): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const out: string[] = ["struct ev { int x; long y; };"];
  const n = 3 + Math.floor(next() * 12);
  for (let i = 0; i < n; i++) {
    const name = `v${i}`;
    const declarator = pick([name, `*${name}`, `${name}[4]`, `${name}[2][3]`, `(*${name})(int)`]);
    const piece = pick([
      `${pick(TYPES)} ${declarator} ${pick(ATTRS)};`,
      `${pick(TYPES)} ${declarator}${pick(ATTRS)};`,
      `static ${pick(TYPES)} ${declarator} ${pick(ATTRS)} = {0};`,
      `int f${i}(void) { return ${i}; }`,
      `typedef ${pick(TYPES)} t${i};`,
      `struct r${i} { ${pick(TYPES)} m; char c[${i + 1}]; };`,
      `${pick(TYPES)} ${declarator};`,
    ]);
    out.push(piece);
  }
  // Some on one line, some on their own: rows and columns both move in an edit.
  return out.map((p) => p + (next() < 0.4 ? " " : "\n")).join("");
}

describe("parsing C with attributes after declarators", () => {
  it("gives the tree a fresh parse of the rotated text gives", async () => {
    const parser = await cParser();
    const seed = freshSeed();
    const next = rng(seed);
    let rotated = 0;
    for (let k = 0; k < 300; k++) {
      const text = randomText(next);
      const { tree, source } = parseC(parser, text, "random.c");
      const fresh = parser.parse(source)!;
      try {
        expect(tree.rootNode.toString(), `seed ${seed}, text ${k}:\n${text}`).toBe(fresh.rootNode.toString());
        expect(tree.rootNode.endIndex).toBe(fresh.rootNode.endIndex);
        if (source !== text) rotated++;
      } finally {
        tree.delete();
        fresh.delete();
      }
    }
    // The generator must reach the rotation, or this holds nothing.
    expect(rotated).toBeGreaterThan(100);
  });
});
