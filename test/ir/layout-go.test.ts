import { describe, expect, it } from "vitest";
import { layoutGoFile } from "../../src/readers/go/index.js";
import { TARGETS, type TargetName } from "../../src/ir/targets.js";
import type { TypeGraph } from "../../src/ir/graph.js";
import { compileGo, goMissing, run386Missing, runGo, type GoArch } from "../oracles/go.js";
import { freshSeed, rng } from "../oracles/python.js";

// Random Go structs laid out by abidrift (reader and layout engine together)
// and by the Go compiler: unsafe.Sizeof/Alignof/Offsetof and binary.Size.

const SCALARS = [
  "bool", "int8", "uint8", "byte", "int16", "uint16", "int32", "uint32", "rune", "int64", "uint64",
  "int", "uint", "uintptr", "float32", "float64", "complex64", "complex128",
];

interface Batch {
  /** Type and const declarations. */
  decls: string;
  /** Struct names, and the fields of each that unsafe.Offsetof can name (not `_`). */
  structs: { name: string; fields: string[] }[];
}

function generate(seed: number, count: number): Batch {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const lines: string[] = [];
  const named: string[] = [];
  const consts: string[] = [];
  for (let i = 0; i < 4; i++) {
    named.push(`N${i}`);
    lines.push(`type N${i} ${pick(SCALARS)}`);
  }
  lines.push(`const (\n\tC0 = iota + 1\n\tC1\n\tC2 = C1 << 1\n\tC3 uint32 = (C2 + 1) % 4\n)`);
  consts.push("C0", "C1", "C2", "C3");
  const structs: Batch["structs"] = [];

  const type = (depth: number): string => {
    const x = r();
    if (x < 0.55 || depth > 2) return r() < 0.85 ? pick(SCALARS) : pick(named);
    if (x < 0.75) {
      const len = r() < 0.25 ? pick(consts) : String(Math.floor(r() * 5));
      return `[${len}]${type(depth + 1)}`;
    }
    if (x < 0.88 && structs.length) return pick(structs).name;
    const n = Math.floor(r() * 4);
    const fs: string[] = [];
    for (let i = 0; i < n; i++) fs.push(`${r() < 0.15 ? "_" : `a${i}`} ${type(depth + 1)}`);
    return `struct{ ${fs.join("; ")} }`;
  };

  for (let s = 0; s < count; s++) {
    const name = `S${s}`;
    const body: string[] = [];
    const fields: string[] = [];
    const n = Math.floor(r() * 8);
    const embedded = new Set<string>();
    for (let i = 0; i < n; i++) {
      const x = r();
      if (x < 0.1 && structs.length) {
        const e = pick(structs).name;
        if (embedded.has(e)) continue;
        embedded.add(e);
        body.push(`\t${e}`);
        fields.push(e);
      } else if (x < 0.22) {
        body.push(`\t_ ${type(1)}`);
      } else {
        body.push(`\tF${i} ${type(0)}`);
        fields.push(`F${i}`);
      }
    }
    // Zero-size fields at the end: the padding rule of Go issue 9401.
    if (r() < 0.2) {
      const z = pick(["[0]uint64", "struct{}", "[0]byte", "[0]complex128", "[2]struct{}"]);
      if (r() < 0.5) body.push(`\t_ ${z}`);
      else {
        body.push(`\tZ ${z}`);
        fields.push("Z");
      }
    }
    lines.push(`type ${name} struct {\n${body.join("\n")}\n}`);
    structs.push({ name, fields });
  }
  return { decls: lines.join("\n\n"), structs };
}

function program(b: Batch): string {
  const prints = b.structs.map(({ name, fields }) => {
    const offs = fields.map((f) => `, unsafe.Offsetof(v.${f})`).join("");
    return `\t{\n\t\tvar v ${name}\n\t\tfmt.Println("${name}", unsafe.Sizeof(v), unsafe.Alignof(v), binary.Size(&v)${offs})\n\t}`;
  });
  return `package main\n\nimport (\n\t"encoding/binary"\n\t"fmt"\n\t"unsafe"\n)\n\n${b.decls}\n\nfunc main() {\n${prints.join("\n")}\n}\n`;
}

/** One line per struct as the Go program prints it: name size align binary.Size offsets... */
function ours(graph: TypeGraph, types: { name: string; typeId: number; binarySize: number | null }[], b: Batch): string[] {
  const byName = new Map(types.map((t) => [t.name, t]));
  return b.structs.map(({ name, fields }) => {
    const t = byName.get(name);
    if (!t) return `${name} missing`;
    const node = graph.type(t.typeId);
    if (node.kind !== "struct") return `${name} is a ${node.kind}`;
    const offs = fields.map((f) => {
      const m = node.members.find((x) => x.name === f);
      return m ? String(m.bitOffset / 8) : "?";
    });
    return [name, node.size, node.align, t.binarySize ?? -1, ...offs].join(" ");
  });
}

const ARCH_TARGET: Record<GoArch, TargetName> = { amd64: "x86_64", "386": "i386", arm64: "aarch64", arm: "armhf" };

async function layoutFor(b: Batch, arch: GoArch) {
  const source = program(b);
  const { graph, types, problems } = await layoutGoFile("random.go", source, TARGETS[ARCH_TARGET[arch]]);
  expect(problems).toEqual([]);
  return ours(graph, types, b);
}

async function compareRun(seed: number, count: number, arch: "amd64" | "386"): Promise<void> {
  const b = generate(seed, count);
  const expected = runGo(program(b), arch) ?? [];
  const mine = await layoutFor(b, arch);
  for (let i = 0; i < b.structs.length; i++) {
    if (mine[i] !== expected[i]) {
      const decl = new RegExp(`type S${i} struct \\{[^}]*(\\}[^\\n]*)*\\n\\}`).exec(b.decls)?.[0] ?? "";
      expect(mine[i], `seed ${seed}, GOARCH=${arch}, struct S${i} (name size align binary.Size offsets):\n${decl}`).toBe(expected[i]);
    }
  }
  expect(mine.length).toBe(expected.length);
}

/**
 * For machines whose binaries cannot run here: our figures as constants the
 * compiler must accept. `x - y` and `y - x` both typed uintptr overflow
 * unless x == y, and the error names the line.
 */
async function compareCompile(seed: number, count: number, arch: "arm64" | "arm" | "386"): Promise<void> {
  const b = generate(seed, count);
  const mine = await layoutFor(b, arch);
  const asserts: string[] = [];
  b.structs.forEach(({ name, fields }, i) => {
    const [, size, align, , ...offs] = (mine[i] ?? "").split(" ");
    const eq = (expr: string, v: string | undefined) => asserts.push(`const _ = ${expr} - ${v}\nconst _ = ${v} - ${expr}`);
    eq(`unsafe.Sizeof(${name}{})`, size);
    eq(`unsafe.Alignof(${name}{})`, align);
    fields.forEach((f, j) => eq(`unsafe.Offsetof(${name}{}.${f})`, offs[j]));
  });
  const source = `package main\n\nimport "unsafe"\n\n${b.decls}\n\n${asserts.join("\n")}\n\nfunc main() {}\n`;
  const errors = compileGo(source, arch);
  expect(errors, `seed ${seed}, GOARCH=${arch}: the compiler rejects our figures`).toBe("");
}

describe.skipIf(goMissing !== "")(`Go layout against the Go compiler ${goMissing}`, () => {
  const seed = freshSeed();
  for (const s of [1, 2, 0xc0ffee]) {
    it(`amd64: 300 random structs, fixed seed ${s}`, () => compareRun(s, 300, "amd64"));
  }
  it(`amd64: 300 random structs, fresh seed ${seed}`, () => compareRun(seed, 300, "amd64"));

  describe.skipIf(run386Missing !== "")(`386 ${run386Missing}`, () => {
    for (const s of [1, 0xc0ffee]) it(`386: 300 random structs, fixed seed ${s}`, () => compareRun(s, 300, "386"));
    it(`386: 300 random structs, fresh seed ${seed}`, () => compareRun(seed, 300, "386"));
  });

  // 386 too: running its binaries needs a kernel with 32-bit support, compiling does not.
  for (const arch of ["arm64", "arm", "386"] as const) {
    it(`${arch}: 300 random structs, fixed seed 3, checked by compiling assertions`, () => compareCompile(3, 300, arch));
    it(`${arch}: 300 random structs, fresh seed ${seed}, checked by compiling assertions`, () => compareCompile(seed, 300, arch));
  }

  it("the assertions catch a wrong figure", () => {
    const source = `package main\n\nimport "unsafe"\n\ntype T struct{ a uint8; b uint64 }\n\nconst _ = unsafe.Offsetof(T{}.b) - 8\nconst _ = 8 - unsafe.Offsetof(T{}.b)\n\nfunc main() {}\n`;
    expect(compileGo(source, "arm")).toMatch(/overflows|negative|constant/);
    expect(compileGo(source, "386")).toMatch(/overflows|negative|constant/);
    expect(compileGo(source, "arm64")).toBe("");
  });
});
