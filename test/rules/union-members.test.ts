import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { findAggregate } from "../../src/codegen/ts/index.js";
import type { BpfModule } from "../../src/ir/bindings.js";
import { TARGETS } from "../../src/ir/targets.js";
import { readBpfObjects } from "../../src/readers/object/index.js";
import { readPython } from "../../src/readers/python/index.js";
import { firstDifference } from "../../src/rules/layout-diff.js";
import { compileBpfText, HAVE_CLANG, scratchDir } from "../readers/btf/compile.js";

// A ctypes Union writes through whichever member the code names, so every
// member is held to the C union's, not only the first. The C side is clang's
// BTF; the twin is ctypes as the Python reader lays it out.

const C = `union addr { __u32 v4; __u8 v6[16]; struct { __u64 hi; __u64 lo; } halves; };\nunion addr a;\n`;
const twin = (v6: string, hi: string) => `import ctypes as ct
class Halves(ct.Structure):
    _fields_ = [("hi", ${hi}), ("lo", ct.c_uint64)]
class Addr(ct.Union):
    _fields_ = [("v4", ct.c_uint32), ("v6", ${v6}), ("halves", Halves)]
`;

describe.skipIf(!HAVE_CLANG)("union twins compared member by member (skipped without clang-16)", () => {
  let bpf: BpfModule;
  beforeAll(() => {
    const obj = compileBpfText("addr", `#include <linux/types.h>\n${C}`, "bpfel", scratchDir("union-members"));
    bpf = readBpfObjects(readFileSync(obj), obj)[0]!;
  });
  const diff = async (text: string) => {
    const user = await readPython("addr.py", text, {});
    const t = user.twins.find((x) => x.name === "Addr")!;
    return firstDifference(bpf.graph, findAggregate(bpf.graph, "addr")!.id, user.layout(TARGETS.x86_64, "native"), t.typeId);
  };

  it("a faithful union checks clean", async () => {
    expect(await diff(twin("ct.c_uint8 * 16", "ct.c_uint64"))).toBeUndefined();
  });

  it("a second member of the wrong width is found, though the first agrees", async () => {
    const d = await diff(twin("ct.c_uint8 * 8", "ct.c_uint64"));
    expect(d && "c" in d ? [d.what, d.c.path] : d).toEqual(["count", "v6"]);
  });

  it("a member nested in a later member is found", async () => {
    const d = await diff(twin("ct.c_uint8 * 16", "ct.c_uint32"));
    expect(d && "c" in d ? [d.what, d.c.path] : d).toEqual(["width", "halves.hi"]);
  });
});
