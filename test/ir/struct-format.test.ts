import { describe, expect, it } from "vitest";
import { InputError } from "../../src/ir/errors.js";
import { layoutStructFormat, parseStructFormat } from "../../src/ir/layout/struct-format.js";
import { TARGETS } from "../../src/ir/targets.js";
import { freshSeed, pythonMissing, pythonVersion, rng, runPython } from "../oracles/python.js";

// Random `struct` formats against CPython's struct module on this machine:
// calcsize, and where each value lands, found by packing all-ones into one
// integer value at a time and seeing which bytes change.

const INT_CODES = "bBhHiIlLqQnN";
const ALL_CODES = `${INT_CODES}c?efdPxsp`;

function generate(seed: number, count: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const prefix = ["", "@", "=", "<", ">", "!"][Math.floor(r() * 6)]!;
    const native = prefix === "" || prefix === "@";
    let fmt = prefix;
    const n = 1 + Math.floor(r() * 8);
    for (let j = 0; j < n; j++) {
      let code = ALL_CODES[Math.floor(r() * ALL_CODES.length)]!;
      if (!native && "nNP".includes(code)) code = "I";
      const repeat = r() < 0.3 ? String(Math.floor(r() * 5)) : "";
      fmt += (r() < 0.1 ? " " : "") + repeat + code;
    }
    out.push(fmt);
  }
  return out;
}

const PROBE = `
import struct, json, sys
def probe(fmt):
    s = struct.Struct(fmt)
    base = []
    for kind in KINDS[fmt]:
        base.append({"s": b"", "p": b"", "c": b"\\0", "?": False, "e": 0.0, "f": 0.0, "d": 0.0}.get(kind, 0))
    zero = s.pack(*base)
    spans = []
    for i, kind in enumerate(KINDS[fmt]):
        if kind not in "${INT_CODES}":
            spans.append(None)
            continue
        vals = list(base)
        vals[i] = -1 if kind.islower() else (1 << (8 * struct.calcsize(("=" if fmt[:1] in "<>!=" else "@") + kind))) - 1
        got = s.pack(*vals)
        changed = [k for k in range(len(got)) if got[k] != zero[k]]
        spans.append([changed[0], len(changed)])
    return [s.size, spans]
`;

function kinds(fmt: string): string[] {
  return layoutStructFormat(parseStructFormat(fmt, "f.py"), TARGETS.x86_64).fields.map((f) => f.code);
}

function compare(seed: number, count: number): void {
  const formats = generate(seed, count);
  const table = Object.fromEntries(formats.map((f) => [f, kinds(f).join("")]));
  const script = `KINDS = ${JSON.stringify(table)}\n${PROBE}\nfor f in ${JSON.stringify(formats)}:\n    print(json.dumps(probe(f)))\n`;
  const lines = runPython(script);
  formats.forEach((fmt, i) => {
    const [size, spans] = JSON.parse(lines[i]!) as [number, ([number, number] | null)[]];
    const mine = layoutStructFormat(parseStructFormat(fmt, "f.py"), TARGETS.x86_64);
    const where = `seed ${seed}, format ${JSON.stringify(fmt)}`;
    expect(mine.size, where).toBe(size);
    const ints = mine.fields.map((f) => (INT_CODES.includes(f.code) ? [f.offset, f.size] : null));
    expect(ints, where).toEqual(spans);
  });
}

describe.skipIf(pythonMissing !== "")(`struct formats against CPython ${pythonVersion ?? ""} ${pythonMissing}`, () => {
  for (const seed of [1, 99, 4242]) it(`agrees on 500 random formats, fixed seed ${seed}`, () => compare(seed, 500));
  const seed = freshSeed();
  it(`agrees on 1000 random formats, fresh seed ${seed}`, () => compare(seed, 1000));

  it("rejects what struct.error rejects", () => {
    const bad = ["<P", "!n", "3", "<Iz", "@i#"];
    const verdicts = runPython(`import struct\nfor f in ${JSON.stringify(bad)}:\n    try:\n        struct.calcsize(f); print("ok")\n    except struct.error: print("error")\n`);
    expect(verdicts).toEqual(bad.map(() => "error"));
    for (const f of bad) expect(() => parseStructFormat(f, "f.py", { file: "f.py", line: 3 })).toThrow(InputError);
  });
});
