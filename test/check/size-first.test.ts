import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { messageOf } from "../../src/report/findings/words.js";
import { goMissing, runGo } from "../oracles/go.js";
import { HAVE_BPFTOOL, HAVE_CLANG, btfStruct, fixtureRepo, lineOf } from "./repo.js";

// Issue 12: a twin 88 bytes short of its C struct was reported as a
// flattened member, not as 88 missing bytes. Where the sizes differ the
// finding leads with them; the figures come from bpftool and the Go compiler.

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL || goMissing !== "")("struct-mismatch says the size first (needs clang-16, bpftool, go)", () => {
  let root = "";
  beforeAll(() => {
    root = fixtureRepo();
  });

  it("leads with both sizes and the bytes missing from the twin's end, then the member", async () => {
    const c = btfStruct(join(root, "size-first/proc.bpf.o"), "proc_info");
    const go = readFileSync(join(root, "size-first/main.go"), "utf8");
    const decls = go.slice(go.indexOf("type fileInfo struct"), go.indexOf("type objects struct"));
    const goSize = Number(runGo(`package main\nimport (\n"fmt"\n"unsafe"\n)\n${decls}\nfunc main() { fmt.Println(unsafe.Sizeof(procInfo{})) }\n`, "amd64")![0]);
    // The oracles say what the message must: the twin ends where C's interpreter starts.
    expect(c.members.get("interpreter")).toBe(goSize);
    const r = await check({ paths: [join(root, "size-first")], lock: false });
    const found = r.findings.filter((f) => f.code === "struct-mismatch");
    expect(found).toHaveLength(1);
    const f = found[0]!;
    expect(messageOf(f).startsWith(`procInfo is ${goSize} bytes, C proc_info_t is ${c.size}: ${c.size - goSize} bytes missing from offset ${goSize} (interpreter, file_info_t); `)).toBe(true);
    expect(f.locations[0]!.line).toBe(lineOf(go, "type procInfo struct"));
  });
});
