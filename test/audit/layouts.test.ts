import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { archDependence } from "../../src/audit/arch.js";
import { packing } from "../../src/audit/packing.js";
import { isAggregate } from "../../src/ir/graph.js";
import { alignOf, describeAggregate } from "../../src/ir/layout/aggregate.js";
import { TARGETS } from "../../src/ir/targets.js";
import { readBpfObjects } from "../../src/readers/object/index.js";
import { CLANG, clangAvailable, clangRecordLayouts, tempSource } from "../oracles/clang.js";
import { freshSeed, rng } from "../oracles/random.js";

// Differential: seeded random structs compiled by clang for BPF and read back
// from their BTF. What the audit says reordering reaches is the size clang
// gives the struct declared in that order; what it says a 32-bit userspace
// build places where is what clang lays out for i386 and armv7a.

const SCALARS = ["char", "short", "int", "long", "unsigned long", "long long", "void *", "double", "float", "__u64", "size_t", "unsigned char", "int *"];
const NARROW = [TARGETS.i386, TARGETS.armhf];

interface Generated {
  name: string;
  decls: { name: string; text: string }[];
  attr: string;
}

function generate(next: () => number, count: number): { defs: string; source: string; structs: Generated[] } {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)]!;
  const structs: Generated[] = [];
  for (let s = 0; s < count; s++) {
    const decls: Generated["decls"] = [];
    const n = 2 + Math.floor(next() * 7);
    for (let i = 0; i < n; i++) {
      const name = `m${i}`;
      const r = next();
      if (r < 0.12) decls.push({ name, text: `unsigned int ${name}:${1 + Math.floor(next() * 12)};` });
      else if (r < 0.22) decls.push({ name, text: `${pick(SCALARS)} ${name}[${1 + Math.floor(next() * 5)}];` });
      else if (r < 0.3 && structs.length) decls.push({ name, text: `struct ${pick(structs).name} ${name};` });
      else decls.push({ name, text: `${pick(SCALARS)} ${name};` });
    }
    const attr = next() < 0.1 ? " __attribute__((packed))" : "";
    structs.push({ name: `s${s}`, decls, attr });
  }
  const body = structs.map((g) => `struct ${g.name} {\n${g.decls.map((d) => `\t${d.text}`).join("\n")}\n}${g.attr};`).join("\n");
  const uses = structs.map((g) => `struct ${g.name} g_${g.name};`).join("\n");
  const defs = `typedef unsigned long long __u64;\ntypedef unsigned long size_t;\n${body}\n`;
  return { defs, source: `${defs}${uses}\n`, structs };
}

function compile(source: string): ReturnType<typeof readBpfObjects>[number] {
  const src = tempSource(source);
  const obj = join(dirname(src), "t.o");
  execFileSync(CLANG, ["-target", "bpfel", "-g", "-O2", "-c", src, "-o", obj], { stdio: "pipe" });
  return readBpfObjects(readFileSync(obj), obj)[0]!;
}

function structId(m: ReturnType<typeof compile>, name: string): number {
  const id = m.graph.find(name).find((i) => isAggregate(m.graph.type(i)));
  if (id === undefined) throw new Error(`no struct ${name} in BTF`);
  return id;
}

describe.skipIf(!clangAvailable)("audit layouts against clang (needs clang-16)", () => {
  for (const seed of [1, 424242, 4237514223 /* a packed struct held off its boundary */, freshSeed()]) {
    it(`seed ${seed}: reordered sizes are clang's for the reordered declaration`, () => {
      const { defs, source, structs } = generate(rng(seed), 40);
      const m = compile(source);
      // Each struct again, members in the order the audit proposes.
      const reordered: string[] = [];
      const expected = new Map<string, number>();
      for (const g of structs) {
        const id = structId(m, g.name);
        const l = describeAggregate(m.graph, id);
        const p = packing(m.graph, l);
        expect(p.reorderedSize, `seed ${seed} ${g.name}`).toBeLessThanOrEqual(l.size);
        expect(p.saves).toBe(l.size - p.reorderedSize);
        // Without bitfields or packing, no order beats the members' sizes rounded to the alignment.
        // A member that is itself a packed struct may leave BTF's alignment of its holder at 1: clang decides those below.
        const natural = l.members.every((x) => x.bitSize === 0 && x.bitOffset % (8 * alignOf(m.graph, x.typeId)) === 0);
        if (!g.attr && natural) {
          const sum = l.members.reduce((n, x) => n + x.size, 0);
          expect(p.reorderedSize, `seed ${seed} ${g.name}: not the smallest size`).toBe(Math.ceil(sum / l.align) * l.align);
        }
        if (!p.order) continue;
        const byName = new Map(g.decls.map((d) => [d.name, d.text]));
        reordered.push(`struct r_${g.name} {\n${p.order.map((n) => `\t${byName.get(n)!}`).join("\n")}\n}${g.attr};`);
        expected.set(`struct r_${g.name}`, p.reorderedSize);
      }
      if (!expected.size) return;
      const layouts = clangRecordLayouts(`${defs}\n${reordered.join("\n")}`, "bpfel", [...expected.keys()]);
      for (const [name, size] of expected) {
        expect(layouts.get(name)?.size, `seed ${seed} ${name}:\n${source}`).toBe(size);
      }
    });

    it(`seed ${seed}: members that move or shrink on i386 and armhf are where clang puts them`, () => {
      const { source, structs } = generate(rng(seed ^ 0x5a5a), 40);
      const m = compile(source);
      const names = structs.map((g) => `struct ${g.name}`);
      const clang = new Map(NARROW.map((t) => [t.name, clangRecordLayouts(source, t.triple, names)]));
      // BTF records no `packed`: a packed struct whose members all sit on
      // their natural boundaries reads as unpacked, to libbpf as to us, and
      // so does every struct holding one.
      const unpackable = new Set<string>();
      for (const g of structs) {
        const id = structId(m, g.name);
        const t = m.graph.type(id);
        if (!isAggregate(t)) continue;
        const natural = t.members.reduce((n, x) => Math.max(n, alignOf(m.graph, x.type)), 1);
        const holds = g.decls.some((d) => unpackable.has(/^struct (\w+) /.exec(d.text)?.[1] ?? ""));
        if ((g.attr && alignOf(m.graph, id) === natural) || holds) {
          unpackable.add(g.name);
          continue;
        }
        const a = archDependence(m.graph, id, NARROW);
        const where = `seed ${seed} struct ${g.name}:\n${source}`;
        for (const target of NARROW) {
          const c = clang.get(target.name)!.get(`struct ${g.name}`)!;
          const size = a ? a.sizes.find((s) => s.target === target.name)!.size : t.size;
          expect(size, `${target.name} size, ${where}`).toBe(c.size);
          t.members.forEach((mem, i) => {
            const listed = a?.members.find((x) => x.name === mem.name);
            const ours = listed ? listed.on.find((o) => o.target === target.name)!.offset : Math.floor(mem.bitOffset / 8);
            expect(ours, `${target.name} ${mem.name}, ${where}`).toBe(Math.floor(c.offsets[i]! / 8));
          });
        }
      }
    });
  }
});
