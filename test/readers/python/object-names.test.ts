import { describe, expect, it } from "vitest";
import { TARGETS } from "../../../src/ir/targets.js";
import { layoutPythonFile } from "../../../src/readers/python/index.js";

// ctypes' names were looked up in objects, where `toString` and
// `constructor` are found too: such a name is no ctypes type or base.

const text = `import ctypes

class A(ctypes.constructor):
    _fields_ = [("a", ctypes.c_uint32)]

class B(ctypes.Structure):
    _fields_ = [("a", ctypes.toString), ("b", ctypes.c_uint64)]

class C(ctypes.Structure):
    _fields_ = [("a", ctypes.c_uint32)]
`;

describe("names JavaScript's objects hold", () => {
  it("ctypes.constructor is no base and ctypes.toString no type", async () => {
    const { types, problems } = await layoutPythonFile("a.py", text, TARGETS.x86_64);
    expect(types.map((t) => t.name)).toEqual(["C"]);
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining("ctypes.toString is not a type")]);
  });
});
