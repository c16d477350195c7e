import { readFile } from "node:fs/promises";
import type { BpfModule, UserspaceModule } from "../../ir/bindings.js";
import { InputError } from "../../ir/errors.js";
import type { TypeGraph } from "../../ir/graph.js";
import { TARGETS } from "../../ir/targets.js";
import type { SourceLoc } from "../../ir/types.js";
import type { BccText } from "./bcc.js";
import { sourceModule } from "../c/module.js";

// The C inside a BCC tool goes back through the C reader, as BCC itself
// would compile it: for the BPF target, with the definitions BCC's headers
// and the kernel's give every program (u8..u64, TASK_COMM_LEN, the BPF_*
// table macros the C reader knows) and kernel types from BTF. The text is
// placed at its own line in the Python file and read under the Python file's
// own name, so every C location is a real file and line: the Python line of
// the C text. Each program keeps its label, so a table is looked up in the
// program it belongs to. The C reader (and its grammar) load only when a
// file carries C.

export const PRELUDE_PATH = "/abidrift/bcc/implicit.h";

// BCC compiles against kernel headers; these are the names tools use
// without declaring, from include/linux/types.h, include/uapi/asm-generic/
// int-ll64.h and include/linux/sched.h, and the build-id stack record of
// BCC's helpers.h and include/uapi/linux/bpf.h (test/readers/python/
// prelude.test.ts holds each to clang's reading of those headers).
export const PRELUDE = `#pragma once
typedef signed char s8; typedef unsigned char u8;
typedef short s16; typedef unsigned short u16;
typedef int s32; typedef unsigned int u32;
typedef long long s64; typedef unsigned long long u64;
typedef s8 __s8; typedef u8 __u8; typedef s16 __s16; typedef u16 __u16;
typedef s32 __s32; typedef u32 __u32; typedef s64 __s64; typedef u64 __u64;
typedef u16 __be16; typedef u32 __be32; typedef u64 __be64;
typedef u16 __le16; typedef u32 __le32; typedef u64 __le64;
typedef _Bool bool;
typedef int pid_t; typedef unsigned int uid_t; typedef unsigned int gid_t;
typedef unsigned long size_t; typedef long ssize_t; typedef long long loff_t;
typedef unsigned short umode_t; typedef unsigned int dev_t;
#define TASK_COMM_LEN 16
#define NAME_MAX 255
#define PATH_MAX 4096
#define true 1
#define false 0
#define NULL ((void *)0)
#define BPF_MAX_STACK_DEPTH 127
struct bpf_stack_build_id { __s32 status; unsigned char build_id[20]; union { __u64 offset; __u64 ip; }; };
struct bpf_stacktrace_buildid { struct bpf_stack_build_id trace[BPF_MAX_STACK_DEPTH]; };
`;

export async function readEmbeddedC(file: string, programs: BccText[], btf: TypeGraph | undefined, problems: UserspaceModule["problems"]): Promise<BpfModule[]> {
  if (programs.length === 0) return [];
  const { readCSource } = await import("../c/index.js");
  const out: BpfModule[] = [];
  for (const p of programs) {
    let text = p.text;
    let line = p.line;
    if (p.srcFile !== undefined) {
      try {
        text = await readFile(p.srcFile, "utf8");
        line = 1;
      } catch {
        problems.push({ message: `BPF(src_file=...): cannot read ${p.srcFile}`, loc: p.loc });
        continue;
      }
    }
    if (text.trim() === "") continue;
    const path = p.srcFile ?? p.textFile ?? file;
    // Blank lines bring the C to its Python line; the prelude is read before it and takes none.
    const padded = `${"\n".repeat(Math.max(0, line - 1))}${text}`;
    try {
      const r = await readCSource(path, { target: TARGETS.bpfel, ...(btf ? { btf } : {}), files: { [path]: padded, [PRELUDE_PATH]: PRELUDE }, prelude: [PRELUDE_PATH] });
      const m = sourceModule(r);
      // Text appended to a file's (`text += "..."`) has no line in the file: it is placed at the call.
      if (p.textFile !== undefined) {
        const lines = (await readFile(p.textFile, "utf8").catch(() => "")).split("\n").length;
        eachLoc(m, path, (loc) => {
          if (loc.line! > lines) Object.assign(loc, { file, line: p.loc.line, column: p.loc.column });
        });
      }
      out.push(p.program === path ? m : { ...m, program: p.program });
      // Headers BCC finds at run time are out of reach here and say nothing; C that does not parse does.
      for (const q of r.problems) if (q.syntax && q.file === path) problems.push({ message: `BPF program: ${q.message}`, loc: { file: path, line: q.line } });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push({ message: `BPF program: ${e.detail}`, loc: p.loc });
    }
  }
  return out;
}

/** Calls `fn` on every location in `file` of the module with a line: each loc object once, wherever it is shared. */
function eachLoc(m: BpfModule, file: string, fn: (loc: SourceLoc) => void): void {
  const seen = new Set<SourceLoc>();
  const visit = (x: unknown, depth: number): void => {
    if (depth > 4 || typeof x !== "object" || x === null) return;
    if (Array.isArray(x)) {
      for (const item of x) visit(item, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(x)) {
      if (k === "loc" && v && typeof v === "object") {
        const loc = v as SourceLoc;
        if (loc.file === file && loc.line !== undefined && !seen.has(loc)) {
          seen.add(loc);
          fn(loc);
        }
      } else if (typeof v === "object") visit(v, depth + 1);
    }
  };
  for (let id = 1; id < m.graph.count; id++) visit(m.graph.type(id), 0);
  visit(m.maps, 0);
  visit(m.records ?? [], 0);
}
