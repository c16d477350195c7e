// Which C source an object (and a finding in it) belongs to: the source with
// the object's program stem, else the only C source beside it. The index
// answers as the scan it replaced did, for every suffix bpf2go and libbpf
// builds use.
import { describe, expect, it } from "vitest";
import { findDeclaration, programStem, SourceIndex } from "../../src/check/c-locate.js";

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
