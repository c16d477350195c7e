import { describe, expect, it } from "vitest";
import { layoutGoFile } from "../../../src/readers/go/index.js";
import { GO_ARCHES, type GoArch } from "../../../src/ir/layout/go.js";
import { TARGETS, type TargetName } from "../../../src/ir/targets.js";
import { freshSeed, rng } from "../../oracles/random.js";

// An array's length is evaluated on every Go architecture in turn, and a
// length that asked nothing of the machine is kept for the others. Random
// lengths mix literals with sizes that differ by machine, directly and
// through named constants; each must come out as the machine has it, on
// whichever architecture the layout is asked for.

const TARGET: Record<GoArch, TargetName> = { amd64: "x86_64", arm64: "aarch64", "386": "i386", arm: "armhf" };
const word = (arch: GoArch): bigint => (arch === "amd64" || arch === "arm64" ? 8n : 4n);

interface Expr {
  text: string;
  at(arch: GoArch): bigint;
}

function generate(seed: number): { source: string; lengths: Expr[] } {
  const r = rng(seed);
  const consts: Expr[] = [
    { text: "Word", at: word },
    { text: "Three", at: () => 3n },
  ];
  const expr = (depth: number): Expr => {
    const x = r();
    if (depth > 2 || x < 0.35) {
      const n = BigInt(Math.floor(r() * 6));
      return { text: String(n), at: () => n };
    }
    if (x < 0.5) return { text: "unsafe.Sizeof(uintptr(0))", at: word };
    if (x < 0.6) return { text: "unsafe.Alignof(uint64(0))", at: word };
    if (x < 0.75) return consts[Math.floor(r() * consts.length)]!;
    const a = expr(depth + 1);
    const b = expr(depth + 1);
    return r() < 0.5 ? { text: `(${a.text} + ${b.text})`, at: (m) => a.at(m) + b.at(m) } : { text: `(${a.text} * ${b.text})`, at: (m) => a.at(m) * b.at(m) };
  };
  const lengths = Array.from({ length: 40 }, () => expr(0));
  const fields = lengths.map((e, i) => `\tF${i} [${e.text}]byte`).join("\n");
  const source = `package p\n\nimport "unsafe"\n\nconst Word = unsafe.Sizeof(uintptr(0))\nconst Three = 3\n\ntype S struct {\n${fields}\n}\n`;
  return { source, lengths };
}

async function check(seed: number): Promise<void> {
  const { source, lengths } = generate(seed);
  for (const arch of GO_ARCHES) {
    const { graph, types, problems } = await layoutGoFile("lengths.go", source, TARGETS[TARGET[arch]]);
    expect(problems).toEqual([]);
    const s = graph.type(types.find((t) => t.name === "S")!.typeId);
    if (s.kind !== "struct") throw new Error("S is no struct");
    const got = s.members.map((m) => {
      const a = graph.type(m.type);
      return a.kind === "array" ? a.count : -1;
    });
    expect(got, `seed ${seed}, ${arch}:\n${source}`).toEqual(lengths.map((e) => Number(e.at(arch))));
  }
}

describe("array lengths on every machine", () => {
  for (const seed of [1, 2, 0xbeef]) it(`fixed seed ${seed}`, () => check(seed));
  const seed = freshSeed();
  it(`fresh seed ${seed}`, () => check(seed));
});
