import { describe, expect, it } from "vitest";
import type { BpfModule, UserspaceModule } from "../../src/ir/bindings.js";
import { programStem, scopes } from "../../src/match/scope.js";
import { programRefs } from "../../src/readers/go/loads.js";

// Which programs a Go file loads, as its build lines and code say, and the
// scope each file of a package resolves names in: a bpf2go file its own
// object (bpf_x86_bpfel.go is not bpf_arm64_bpfel.o's), the rest of the
// package what its go:generate line builds.

const bpf = (file: string): BpfModule => ({ file, maps: [], origin: "btf" }) as unknown as BpfModule;
const go = (file: string, text: string, generated = false): UserspaceModule =>
  ({ file, language: "go", twins: [], maps: [], decodes: [], suppressions: [], problems: [], loads: programRefs(file, text, generated) }) as unknown as UserspaceModule;

describe("program scopes", () => {
  it("reads bpf2go's go:generate line, a generated file's go:embed and run-time object paths", () => {
    const refs = programRefs(
      "pkg/tracer/tracer.go",
      '//go:generate go run github.com/cilium/ebpf/cmd/bpf2go -target $TARGET -cc clang -cflags "-O2 -g" probe ./bpf/probe.bpf.c -- -I./bpf/\nfunc f() { ebpf.LoadCollectionSpec("/usr/lib/x/other.bpf.o") }\n',
      false,
    );
    expect(refs.map((r) => [r.path, r.via, r.anyDir ?? false])).toEqual([
      ["pkg/tracer/probe_bpfel.o", "go:generate bpf2go", false],
      ["pkg/tracer/bpf/probe.bpf.c", "go:generate bpf2go", false],
      ["/usr/lib/x/other.bpf.o", "LoadCollectionSpec", true],
    ]);
    expect(programStem("pkg/tracer/probe_x86_bpfel.o")).toBe(programStem("pkg/tracer/probe_bpfel.o"));
  });

  it("reads a bpf2go pinned to a version, as the include-path finder does", () => {
    const refs = programRefs("pkg/dns/gen.go", "//go:generate go run github.com/cilium/ebpf/cmd/bpf2go@v0.16.0 -target amd64 dns dns.bpf.c -- -I../headers\n", false);
    expect(refs.map((r) => r.path)).toEqual(["pkg/dns/dns_bpfel.o", "pkg/dns/dns.bpf.c"]);
  });

  it("scopes a generated file to its own object, and the package to every build of its program", () => {
    const x86 = bpf("pkg/tracer/probe_x86_bpfel.o");
    const arm = bpf("pkg/tracer/probe_arm64_bpfel.o");
    const other = bpf("pkg/other/other_bpfel.o");
    const genX86 = go("pkg/tracer/probe_x86_bpfel.go", "//go:embed probe_x86_bpfel.o\nvar _ []byte\n", true);
    const genArm = go("pkg/tracer/probe_arm64_bpfel.go", "//go:embed probe_arm64_bpfel.o\nvar _ []byte\n", true);
    const loader = go("pkg/tracer/tracer.go", "//go:generate go run github.com/cilium/ebpf/cmd/bpf2go -target $TARGET probe ./bpf/probe.bpf.c\n");
    const s = scopes([x86, arm, other], [genX86, genArm, loader]);
    expect([...s.get(genX86)!.modules]).toEqual([x86]);
    expect([...s.get(genArm)!.modules]).toEqual([arm]);
    expect([...s.get(loader)!.modules]).toEqual([x86, arm]);
  });
});
