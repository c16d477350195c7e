import { describe, expect, it } from "vitest";
import { programStem } from "../../src/check/c-locate.js";

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
