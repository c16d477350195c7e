import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolve, sizeOf } from "../../../src/ir/graph.js";
import { TARGETS } from "../../../src/ir/targets.js";
import { readCSource } from "../../../src/readers/c/index.js";
import { declaredByteOrder as byteOrderOf } from "../../../src/ir/byte-order.js";
import { HAVE_BPFTOOL, bpftoolDump, type BtfRecord } from "../../oracles/bpftool.js";
import { clangAvailable, runClang, tempSource } from "../../oracles/clang.js";

// The fixed-width names the reader knows without a header must mean what
// the kernel (its BTF) and the C library (its headers, through clang) say.

const KERNEL = ["__u8", "__s8", "__u16", "__s16", "__u32", "__s32", "__u64", "__s64", "__be16", "__le16", "__be32", "__le32", "__be64", "__le64", "__sum16", "__wsum", "__poll_t", "u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64"];
const LIBC = ["uint8_t", "int8_t", "uint16_t", "int16_t", "uint32_t", "int32_t", "uint64_t", "int64_t", "size_t", "ssize_t", "uintptr_t", "intptr_t", "ptrdiff_t"];
const HOST = process.arch === "x64" ? TARGETS.x86_64 : process.arch === "arm64" ? TARGETS.aarch64 : undefined;

async function ours(names: string[], target = TARGETS.x86_64): Promise<Map<string, { size: number; signed: boolean; order?: string }>> {
  const path = "/virtual/builtins.c";
  const src = names.map((n, i) => `${n} v${i};\ntypedef ${n} t_${n};`).join("\n");
  const r = await readCSource(path, { target, files: { [path]: src } });
  const out = new Map<string, { size: number; signed: boolean; order?: string }>();
  for (const n of names) {
    const id = r.graph.find(`t_${n}`)[0]!;
    const t = r.graph.type(resolve(r.graph, id));
    const order = byteOrderOf(r.graph, id);
    out.set(n, { size: sizeOf(r.graph, id), signed: t.kind === "int" && t.signed, ...(order ? { order } : {}) });
  }
  return out;
}

function btfInt(byId: Map<number, BtfRecord>, id: number): { size: number; signed: boolean } {
  let r = byId.get(id)!;
  while (r.kind === "TYPEDEF") r = byId.get(r.typeId!)!;
  return { size: r.size!, signed: r.encoding === "SIGNED" };
}

describe("built-in fixed-width types (needs bpftool and kernel BTF, or clang-16)", () => {
  it.skipIf(!HAVE_BPFTOOL || !existsSync("/sys/kernel/btf/vmlinux"))("kernel names agree with the kernel's BTF", async () => {
    const btf = bpftoolDump("/sys/kernel/btf/vmlinux");
    const byId = new Map(btf.map((r) => [r.id, r]));
    const got = await ours(KERNEL);
    let checked = 0;
    for (const n of KERNEL) {
      const rec = btf.find((r) => r.kind === "TYPEDEF" && r.name === n);
      if (!rec) continue;
      const want = btfInt(byId, rec.id);
      const g = got.get(n)!;
      expect({ n, size: g.size, signed: g.signed }).toEqual({ n, ...want });
      checked++;
    }
    expect(checked).toBeGreaterThan(15);
    expect(got.get("__be32")!.order).toBe("big");
    expect(got.get("__le64")!.order).toBe("little");
    expect(got.get("__u32")!.order).toBeUndefined();
  });

  it.skipIf(!clangAvailable || !HOST)("C library names agree with clang and the installed headers", async () => {
    const target = HOST!;
    const src = `#include <stdint.h>\n#include <stddef.h>\n#include <sys/types.h>\n${LIBC.map((n) => `char s_${n}[sizeof(${n})]; char g_${n}[(${n})-1 < 0 ? 1 : 2];`).join("\n")}`;
    const dump = runClang(["-target", target.triple, "-fsyntax-only", "-w", "-Xclang", "-ast-dump", tempSource(src)]);
    const got = await ours(LIBC, target);
    for (const n of LIBC) {
      const size = Number(new RegExp(`s_${n} 'char\\[(\\d+)\\]'`).exec(dump)![1]);
      const signed = new RegExp(`g_${n} 'char\\[1\\]'`).test(dump);
      const g = got.get(n)!;
      expect({ n, size: g.size, signed: g.signed }).toEqual({ n, size, signed });
    }
  });
});
