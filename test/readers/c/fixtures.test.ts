import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAggregate } from "../../../src/ir/graph.js";
import { InputError } from "../../../src/ir/errors.js";
import { TARGETS, TARGET_NAMES } from "../../../src/ir/targets.js";
import type { AggregateType } from "../../../src/ir/types.js";
import { readCSource } from "../../../src/readers/c/index.js";
import { declaredByteOrder as byteOrderOf } from "../../../src/ir/byte-order.js";
import { clangAvailable, clangFieldNames, clangRecordLayouts } from "../../oracles/clang.js";

// Each feature's fixture under fixtures/c, laid out for every target, must
// be clang's layout of the same file: size, alignment, and every member's
// offset. clang also lists unnamed bitfields, which the IR leaves out; its
// field names say which they are, so a member we drop is a failure, not a
// gap a subsequence match would step over.

const DIR = join(import.meta.dirname, "../../../fixtures/c");
const HEADERS = readdirSync(DIR).filter((f) => f.endsWith(".h") && f !== "byteorder.h");

describe.skipIf(!clangAvailable)("feature fixtures agree with clang on every target", () => {
  for (const file of HEADERS) {
    for (const name of TARGET_NAMES) {
      it(`${file} on ${name}`, async () => {
        const target = TARGETS[name];
        const path = join(DIR, file);
        const ours = await readCSource(path, { target });
        expect(ours.problems).toEqual([]);
        expect(ours.unresolved).toEqual([]);
        const records: AggregateType[] = [];
        for (let id = 1; id < ours.graph.count; id++) {
          const t = ours.graph.type(id);
          if (isAggregate(t) && t.name) records.push(t);
        }
        expect(records.length).toBeGreaterThan(0);
        const source = readFileSync(path, "utf8").replace(/#include "/g, `#include "${DIR}/`);
        const clang = clangRecordLayouts(source, target.triple, records.map((r) => `${r.kind} ${r.name}`));
        const names = clangFieldNames(source, target.triple);
        for (const r of records) {
          const want = clang.get(`${r.kind} ${r.name}`)!;
          const fields = names.get(`${r.kind} ${r.name}`)!;
          expect(fields.length, `${r.name}: clang's fields and offsets`).toBe(want.offsets.length);
          const kept = want.offsets.map((o, i) => ({ name: fields[i] === "(anon)" ? "" : fields[i]!, offset: o })).filter((_, i) => fields[i] !== "");
          expect({ name: r.name, size: r.size, align: r.align, members: r.members.map((m) => ({ name: m.name, offset: m.bitOffset })) }).toEqual({
            name: r.name,
            size: want.size,
            align: want.align,
            members: kept,
          });
        }
      });
    }
  }
});

describe("C reader facts beyond layout", () => {
  it("keeps __be/__le byte order on the member types, with line and column", async () => {
    const path = join(DIR, "byteorder.h");
    const r = await readCSource(path, { target: TARGETS.x86_64 });
    const key = r.graph.type(r.graph.find("flow_key")[0]!) as AggregateType;
    const orders = key.members.map((m) => [m.name, byteOrderOf(r.graph, m.type) ?? "native"]);
    const text = readFileSync(path, "utf8").split("\n");
    const want = key.members.map((m) => [m.name, /__be/.test(text[m.loc!.line! - 1]!) ? "big" : /__le/.test(text[m.loc!.line! - 1]!) ? "little" : "native"]);
    expect(orders).toEqual(want);
    expect(key.members.every((m) => text[m.loc!.line! - 1]!.includes(m.name) && m.loc!.column! > 1)).toBe(true);
  });

  it("reads around a broken declaration and names its line", async () => {
    const path = join(DIR, "half-written.c");
    const r = await readCSource(path, { target: TARGETS.x86_64 });
    const names = [...Array(r.graph.count).keys()].map((id) => r.graph.type(id)).filter(isAggregate).map((t) => t.name);
    expect(names).toContain("before");
    expect(names).toContain("after");
    const brokenLine = readFileSync(path, "utf8").split("\n").findIndex((l) => l.includes("struct broken")) + 1;
    expect(r.problems.some((p) => p.file === path && p.line === brokenLine)).toBe(true);
  });

  it("throws an InputError with the file when nothing usable remains", async () => {
    const path = "/virtual/garbage.c";
    await expect(readCSource(path, { target: TARGETS.x86_64, files: { [path]: "}}}} ((( ;;; @@@" } })).rejects.toThrow(InputError);
    await expect(readCSource("/nonexistent/x.c", { target: TARGETS.x86_64 })).rejects.toThrow(/nonexistent\/x\.c/);
  });

  it("marks a kernel type it cannot see as unresolved, never guessed", async () => {
    const path = "/virtual/needs-kernel.c";
    const r = await readCSource(path, { target: TARGETS.bpfel, files: { [path]: "struct task_struct;\nstruct holder { struct task_struct t; int x; };\nstruct ok { struct task_struct *p; };\n" } });
    expect(r.unresolved.map((u) => [u.name, u.loc.line])).toEqual([["struct holder", 2]]);
    expect(r.unresolved[0]!.why).toMatch(/task_struct/);
    const ok = r.graph.type(r.graph.find("ok").find((id) => isAggregate(r.graph.type(id)))!) as AggregateType;
    expect(ok.size).toBe(TARGETS.bpfel.scalars.pointer.size);
  });
});
