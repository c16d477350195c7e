import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readGo } from "../../../src/readers/go/index.js";
import { describeAggregate } from "../../../src/ir/layout/aggregate.js";
import { sourceTree } from "../../../src/ir/source-tree.js";
import { TARGETS, type Target } from "../../../src/ir/targets.js";
import { compileGo, goMissing, type GoArch } from "../../oracles/go.js";

// Go is read by package, as the compiler reads it (issue 12): SyscallEvent's
// array lengths are constants of consts.go (iota, unsafe.Sizeof) and a typed
// constant of pkg/common (a shift), one member's type is declared in
// meta.go, and its header is embedded from pkg/common, found through
// go.mod's module line. The figures are the Go
// compiler's, asserted as constants it must accept on each architecture.

const DIR = "fixtures/check/go-package-types";

function filesUnder(dir: string): [string, string][] {
  return readdirSync(dir).flatMap((n): [string, string][] => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return filesUnder(p);
    return n.endsWith(".go") || n === "go.mod" ? [[p, readFileSync(p, "utf8")]] : [];
  });
}

const files = filesUnder(DIR);
const text = (rel: string): string => readFileSync(join(DIR, rel), "utf8");

async function readEvent(withTree: boolean) {
  const file = join(DIR, "event.go");
  return readGo(file, text("event.go"), withTree ? { tree: sourceTree(files) } : {});
}

const ARCHES: [GoArch, Target][] = [
  ["amd64", TARGETS.x86_64],
  ["arm64", TARGETS.aarch64],
  ["386", TARGETS.i386],
  ["arm", TARGETS.armhf],
];

describe("Go read by package", () => {
  it("alone, event.go cannot lay SyscallEvent out; with its package and module it can", async () => {
    const alone = await readEvent(false);
    expect(alone.twins.map((t) => t.name)).toEqual([]);
    const m = await readEvent(true);
    expect(m.twins.map((t) => t.name)).toEqual(["SyscallEvent"]);
    expect(m.problems).toEqual([]);
    // The embedded header is the one pkg/common declares, at its own line.
    const g = m.layout(TARGETS.x86_64, "native");
    const header = describeAggregate(g, m.twins[0]!.typeId).members[0]!;
    expect(header.name).toBe("Header");
    const ht = g.type(header.typeId);
    expect("loc" in ht ? ht.loc?.file : undefined).toBe(join(DIR, "pkg/common/header.go"));
  });

  describe.skipIf(goMissing !== "")(`against the Go compiler ${goMissing}`, () => {
    it.each(ARCHES)("%s: sizes and offsets the compiler accepts", async (arch, target) => {
      const m = await readEvent(true);
      const twin = m.twins[0]!;
      const d = describeAggregate(m.layout(target, "native"), twin.typeId);
      const asserts: string[] = [];
      const eq = (expr: string, v: number): void => void asserts.push(`const _ = ${expr} - ${v}`, `const _ = ${v} - ${expr}`);
      eq("unsafe.Sizeof(SyscallEvent{})", d.size);
      for (const f of d.members) eq(`unsafe.Offsetof(SyscallEvent{}.${f.name})`, f.bitOffset / 8);
      expect(d.members.map((f) => f.name)).toEqual(["Header", "Args", "Meta", "Comm", "Flags", "Extra"]);
      const source = `package main\n\nimport "unsafe"\n\n${asserts.join("\n")}\n\nfunc main() {}\n`;
      const siblings = {
        "event.go": text("event.go"),
        "consts.go": text("consts.go"),
        "meta.go": text("meta.go"),
        "src/example.com/tracer/pkg/common/header.go": text("pkg/common/header.go"),
      };
      expect(compileGo(source, arch, siblings), `GOARCH=${arch}: the compiler rejects our figures`).toBe("");
    });

    it("the assertions catch a planted difference in another file of the package", async () => {
      const m = await readEvent(true);
      const size = describeAggregate(m.layout(TARGETS.x86_64, "native"), m.twins[0]!.typeId).size;
      const source = `package main\n\nimport "unsafe"\n\nconst _ = unsafe.Sizeof(SyscallEvent{}) - ${size}\nconst _ = ${size} - unsafe.Sizeof(SyscallEvent{})\n\nfunc main() {}\n`;
      const siblings = (consts: string) => ({ "event.go": text("event.go"), "consts.go": consts, "meta.go": text("meta.go"), "src/example.com/tracer/pkg/common/header.go": text("pkg/common/header.go") });
      expect(compileGo(source, "amd64", siblings(text("consts.go")))).toBe("");
      expect(compileGo(source, "amd64", siblings(text("consts.go").replace("MaxArgs = 6", "MaxArgs = 5")))).toMatch(/overflows|negative|constant/);
    });
  });
});
