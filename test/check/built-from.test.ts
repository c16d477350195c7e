// What an object's DWARF says it was built from, against the tree: the
// program is compiled by clang-16 -g here, then its texts are changed one way
// at a time. Only where every project file it includes is the one clang read
// does stale-object spare the read; a change anywhere in them, a header the
// line table cannot name, or an include the line does not spell out means
// the source is read, and a drift in a header is still found.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BuiltFrom } from "../../src/check/built-from.js";
import { readBpfObjects } from "../../src/readers/object/index.js";
import { HAVE_CLI, runCli } from "../cli/run.js";
import { CLANG, HAVE_CLANG } from "./repo.js";

const MULTIARCH = spawnSync("gcc", ["-dumpmachine"], { encoding: "utf8" }).stdout?.trim() || "x86_64-linux-gnu";

const COMMON = `#pragma once
struct flow_stat { __u64 packets; __u32 drops; };
`;
const PROGRAM = (includes: string) => `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
${includes}
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct flow_stat);
} stats SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_write")
int count(void *ctx)
{
	__u32 k = 0;
	struct flow_stat *s = bpf_map_lookup_elem(&stats, &k);
	if (s)
		s->packets++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A tree with prog/flow.bpf.c, its headers, and the object clang builds from them. */
function tree(includes = '#include "common.h"\n', files: Record<string, string> = {}, flags: string[] = []): { root: string; source: string; object: string } {
  const root = mkdtempSync(join(tmpdir(), "abidrift-built-from-"));
  dirs.push(root);
  const prog = join(root, "prog");
  mkdirSync(prog);
  writeFileSync(join(prog, "common.h"), COMMON);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(prog, name, ".."), { recursive: true });
    writeFileSync(join(prog, name), text);
  }
  const source = join(prog, "flow.bpf.c");
  writeFileSync(source, PROGRAM(includes));
  const object = join(prog, "flow.bpf.o");
  execFileSync(CLANG, ["-target", "bpfel", "-g", "-O2", "-c", source, "-o", object, `-I/usr/include/${MULTIARCH}`, ...flags], { stdio: "pipe" });
  return { root, source, object };
}

/** Whether a check of `source` would spare its read: the folder of the source first, as the check searches. */
function unchanged(t: { source: string; object: string }): boolean {
  const [m] = readBpfObjects(readFileSync(t.object), t.object);
  return new BuiltFrom(existsSync, () => undefined).unchanged(m!, t.source, [join(t.source, "..")]);
}

const edit = (file: string, from: string, to: string): void => {
  const text = readFileSync(file, "utf8");
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
};

describe.skipIf(!HAVE_CLANG)(`an object's DWARF vouching for its sources${HAVE_CLANG ? "" : ` (skipped: needs ${CLANG})`}`, () => {
  it("vouches for the texts clang read, and for none once one byte of the source or of a header changes", () => {
    const t = tree();
    expect(unchanged(t)).toBe(true);
    edit(t.source, "int count(", "int  count(");
    expect(unchanged(t)).toBe(false);
    const u = tree();
    edit(join(u.source, "../common.h"), "drops;", "drops; ");
    expect(unchanged(u)).toBe(false);
  });

  it("does not vouch where a project header gave the line table nothing (macros only)", () => {
    const t = tree('#include "common.h"\n#include "limits.h"\n', { "limits.h": "#pragma once\n#define MAX_FLOWS 64\n" });
    expect(readFileSync(t.object).includes(Buffer.from("limits.h"))).toBe(false);
    expect(unchanged(t)).toBe(false);
  });

  it("does not vouch where an include names its header by a macro", () => {
    const t = tree('#define COMMON "common.h"\n#include COMMON\n');
    expect(unchanged(t)).toBe(false);
  });

  it("follows a system header into the program's folder when that folder holds a name it includes", () => {
    // <linux/bpf.h> includes <linux/types.h>, which includes <asm/types.h>: the check searches the program's folder first, clang did not.
    const t = tree();
    expect(unchanged(t)).toBe(true);
    mkdirSync(join(t.source, "../asm"));
    writeFileSync(join(t.source, "../asm/types.h"), "#pragma once\n");
    expect(unchanged(t)).toBe(false);
  });

  it("has no word from an object built with DWARF 4", () => {
    const t = tree(undefined, {}, ["-gdwarf-4"]);
    expect(unchanged(t)).toBe(false);
  });

  describe.skipIf(!HAVE_CLI)(`in a check${HAVE_CLI ? "" : " (needs `npm run build`)"}`, () => {
    const check = (root: string): { code: string; message: string }[] =>
      (JSON.parse(runCli(["check", ".", "--format", "json", "--no-lock"], { cwd: root }).stdout) as { findings: { code: string; message: string }[] }).findings;

    it("finds nothing stale in a fresh build, and a member widened in the header after it", () => {
      const t = tree();
      expect(check(t.root).filter((f) => f.code === "stale-object")).toEqual([]);
      const copy = mkdtempSync(join(tmpdir(), "abidrift-built-from-"));
      dirs.push(copy);
      cpSync(t.root, copy, { recursive: true });
      edit(join(copy, "prog/common.h"), "__u32 drops;", "__u64 drops;");
      const stale = check(copy).filter((f) => f.code === "stale-object");
      expect(stale).toHaveLength(1);
      const [, now, was] = /^struct flow_stat in flow\.bpf\.c is not what flow\.bpf\.o was built from: .*drops is (\d+) bytes now, (\d+) in the object/.exec(stale[0]!.message) ?? [];
      expect(now, stale[0]!.message).toBeDefined();
      expect(now).not.toBe(was);
    });
  });
});
