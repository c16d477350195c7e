import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeAggregate } from "../../../src/ir/layout/aggregate.js";
import { TARGETS } from "../../../src/ir/targets.js";
import { layoutPythonFile, readPython } from "../../../src/readers/python/index.js";
import { pythonMissing, runPython } from "../../oracles/python.js";

// Each fixture is plain ctypes (no bcc): CPython runs it in the test and
// reports every class's size, alignment and fields; the reader, which
// never runs it, must find the same classes with the same figures.

const DIR = "fixtures/python";
const fixtures = readdirSync(DIR).filter((f) => f.startsWith("ctypes_") && f.endsWith(".py"));

const ORACLE = `
import ctypes, json, runpy, sys
ns = runpy.run_path(sys.argv[1])
bases = (ctypes.Structure, ctypes.Union)
for name, c in ns.items():
    if isinstance(c, type) and issubclass(c, bases) and c not in bases and "_fields_" in dir(c):
        fields = []
        for k in type(c).mro(c):
            if "_fields_" in k.__dict__:
                fields = [[f[0], getattr(k, f[0]).offset, getattr(k, f[0]).size] for f in k.__dict__["_fields_"]] + fields
        print(json.dumps([name, ctypes.sizeof(c), ctypes.alignment(c), fields]))
`;

describe.skipIf(pythonMissing !== "")(`ctypes fixtures against CPython ${pythonMissing}`, () => {
  for (const f of fixtures) {
    it(`${f}: every class, size, alignment and field as CPython has them`, async () => {
      const path = join(DIR, f);
      const text = readFileSync(path, "utf8");
      const lines = runPython(`import sys\nsys.argv[1:] = [${JSON.stringify(path)}]\n${ORACLE}`);
      const expected = lines.map((l) => JSON.parse(l) as [string, number, number, [string, number, number][]]);
      const m = await readPython(path, text, {});
      expect(m.problems).toEqual([]);
      const { graph, types } = await layoutPythonFile(path, text, TARGETS.x86_64);
      expect(types.map((t) => t.name).sort()).toEqual(expected.map((e) => e[0]).sort());
      for (const [name, size, align, fields] of expected) {
        const id = types.find((t) => t.name === name)!.typeId;
        const layout = describeAggregate(graph, id);
        expect({ name, size: layout.size, align: layout.align }).toEqual({ name, size, align });
        const header = text.slice(text.indexOf(`class ${name}(`));
        const anonymous = new Set((/_anonymous_ = \(([^)]*)\)/.exec(header)?.[1] ?? "").match(/\w+/g) ?? []);
        const big = /^class \w+\([\w.]*BigEndian/.test(header);
        // CPython's (offset, bits << 16 | shift) as the absolute bit where its getter reads.
        const expectedMembers = fields.map(([fname, offset, sz], i) => {
          const bits = sz >> 16;
          const unit = layout.members[i]?.size ?? 0;
          // A 4- or 8-byte getter shifted past its width shifts modulo it on this CPU
          // (test/ir/layout-ctypes.test.ts checks the bytes CPython reads).
          const shift = (sz & 0xffff) + bits > unit * 8 && unit >= 4 ? (sz & 0xffff) % (unit * 8) : sz & 0xffff;
          const bitOffset = bits === 0 ? offset * 8 : big ? offset * 8 + unit * 8 - shift - bits : offset * 8 + shift;
          return { name: anonymous.has(fname) ? "" : fname, bitOffset, bitSize: bits };
        });
        expect(layout.members.map((mb) => ({ name: mb.name, bitOffset: mb.bitOffset, bitSize: mb.bitSize })), name).toEqual(expectedMembers);
      }
    });
  }
});
