// Which C source an object (and a finding in it) belongs to: the source with
// the object's program stem, else the only C source beside it. The index
// answers as the scan it replaced did, for every suffix bpf2go and libbpf
// builds use.
import { describe, expect, it } from "vitest";
import { findDeclaration, programStem, SourceIndex } from "../../src/check/c-locate.js";
import { freshSeed, rng } from "../oracles/random.js";

const src = (file: string) => ({ file, text: "" });

describe("SourceIndex", () => {
  it("finds the source with the object's stem, whatever build suffix either has", () => {
    const index = new SourceIndex([src("a/x.bpf.c"), src("a/y.c"), src("b/x.bpf.c")]);
    expect(index.sourceFor("a/x.bpf.o")?.file).toBe("a/x.bpf.c");
    expect(index.sourceFor("a/x_bpfel.o")?.file).toBe("a/x.bpf.c");
    expect(index.sourceFor("a/x_x86_bpfel.o")?.file).toBe("a/x.bpf.c");
    expect(index.sourceFor("a/y_bpfeb.o")?.file).toBe("a/y.c");
    expect(index.sourceFor("b/x.bpf.o")?.file).toBe("b/x.bpf.c");
  });

  it("takes the only C source beside an object of another name, never a header", () => {
    const index = new SourceIndex([src("one/prog.c"), src("one/vmlinux.h"), src("two/a.c"), src("two/b.c")]);
    expect(index.sourceFor("one/other.o")?.file).toBe("one/prog.c");
    expect(index.sourceFor("two/other.o"), "two candidates: none").toBeUndefined();
    expect(index.sourceFor("three/x.o")).toBeUndefined();
  });

  it("pairs a stem with the first source that has it", () => {
    const index = new SourceIndex([src("d/x.c"), src("d/x.bpf.c")]);
    expect(index.sourceFor("d/x.bpf.o")?.file).toBe("d/x.c");
    expect(programStem("d/x.bpf.c")).toBe(programStem("d/x.c"));
  });
});

describe("findDeclaration", () => {
  it("finds a struct member and a map in C text", () => {
    const text = "struct k {\n\tint a;\n\tchar b[4];\n};\nstruct { int x; } m SEC(\".maps\");\n";
    expect(findDeclaration(text, "struct k.b")).toEqual({ line: 3, column: 7 });
    expect(findDeclaration(text, "map m")).toEqual({ line: 5, column: 19 });
  });

  // Seeded texts of every declaration form a report points at, each placed
  // at a known offset (a name declared twice answers with its first), with
  // random spacing; more texts than the scans kept, asked in turn, so that
  // scans are dropped and made again.
  it("answers where each generated declaration was written, across more texts than it keeps scanned", () => {
    const seed = freshSeed();
    const next = rng(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const gap = (): string => pick([" ", "  ", "\n", " \n\t", "\t"]);
    const texts: { text: string; truth: Map<string, number> }[] = [];
    for (let t = 0; t < 90; t++) {
      let text = `// program ${t}\n#include "vmlinux.h"\n`;
      const truth = new Map<string, number>();
      const at = (symbol: string, offset: number): void => {
        if (!truth.has(symbol)) truth.set(symbol, offset);
      };
      for (let d = 0; d < 12; d++) {
        const name = `${pick(["k", "v", "event", "key"])}${Math.floor(next() * 6)}`;
        const member = pick(["pid", "ts", "comm"]);
        const form = Math.floor(next() * 6);
        const start = text.length;
        if (form === 0 || form === 1) {
          const tag = form === 0 ? "struct" : "union";
          const head = `${tag}${gap()}${name}${gap()}{${gap()}int x;${gap()}`;
          // A member is looked for in the first declaration of its tag; where that lacks it, the answer is that declaration.
          const first = truth.get(`${tag} ${name}`);
          at(`${tag} ${name}`, start);
          at(`${tag} ${name}.${member}`, first ?? start + head.length);
          text += `${head}${member}${gap()}[4];${gap()}};\n`;
        } else if (form === 2) {
          const head = `typedef struct${gap()}{ int x; `;
          text += `${head}}${gap()}${name};\n`;
          at(name, start + head.length);
        } else if (form === 3) {
          const head = `struct { __uint(type, 1); }${gap()}`;
          text += `${head}${name} SEC(".maps");\n`;
          at(`map ${name}`, start + head.length);
        } else if (form === 4) {
          const head = `${pick(["BPF_HASH", "BPF_ARRAY", "BPF_PERF_OUTPUT"])}(${gap()}`;
          text += `${head}${name});\n`;
          at(`map ${name}`, start + head.length);
        } else {
          const head = `struct bpf_map_def SEC("maps")${gap()}`;
          text += `${head}${name} = { .type = 1, };\n`;
          at(`map ${name}`, start + head.length);
        }
      }
      texts.push({ text, truth });
    }
    const position = (text: string, offset: number) => {
      const before = text.slice(0, offset);
      return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
    };
    for (let round = 0; round < 2; round++) {
      for (const { text, truth } of texts) {
        for (const [symbol, offset] of truth) expect(findDeclaration(text, symbol), `seed ${seed}: ${symbol} in ${JSON.stringify(text)}`).toEqual(position(text, offset));
        expect(findDeclaration(text, "struct absent"), `seed ${seed}`).toBeUndefined();
        expect(findDeclaration(text, "map absent"), `seed ${seed}`).toBeUndefined();
      }
    }
  });
});

// Which files are builds of one program: bpf2go's names (both orders of its
// arch suffix across cilium/ebpf versions), libbpf's, cilium/ebpf's test objects'.
describe("programStem", () => {
  it.each([
    ["d/x.bpf.c", "d/x"],
    ["d/x.bpf.o", "d/x"],
    ["d/x.c", "d/x"],
    ["d/x_bpfel.o", "d/x"],
    ["d/x_bpfeb.o", "d/x"],
    ["d/x_x86_bpfel.o", "d/x"],
    ["d/x_bpfel_x86.o", "d/x"],
    ["d/x-el.elf", "d/x"],
    ["d/x-eb.elf", "d/x"],
    ["d/x.elf", "d/x.elf"],
  ])("%s is a build of %s", (file, stem) => {
    expect(programStem(file)).toBe(stem);
  });
});
