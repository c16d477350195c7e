import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { interpreters, runPython } from "../oracles/python.js";
import { Ajv } from "ajv";
import { HAVE_CLI, ROOT, runCli } from "./run.js";

// `--python-version` and the config's `python.version` choose the CPython
// whose ctypes rules lay out a .py file; a version of CPython on this machine
// answers for its own sizes, through the CLI as users run it.

const DIR = "fixtures/python/versions";
const INSTALLED = new Map(interpreters().map((i) => [i.version, i.path]));

interface JsonType {
  name: string;
  size: number;
  members: { name: string; bitOffset: number }[];
}

const types = (args: string[]): JsonType[] => (JSON.parse(runCli(["layout", ...args, "-f", "json"]).stdout) as { types: JsonType[] }).types;

describe("python.version in the config schema", () => {
  it("takes what the config reader takes and refuses what it refuses", () => {
    // The config schema is draft-07, which Ajv (not Ajv2020) reads.
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(`${ROOT}schemas/config.schema.json`, "utf8")) as object);
    const valid = (data: unknown): string => (validate(data) ? "" : JSON.stringify(validate.errors));
    expect(valid({ python: { version: "3.14" } })).toBe("");
    expect(valid({ python: { version: "3.6" } })).toBe("");
    for (const bad of [{ version: "2.7" }, { version: "3.5" }, { version: 3.11 }, {}, { version: "3.11", extra: 1 }]) expect(valid({ python: bad }), JSON.stringify(bad)).not.toBe("");
  });
});

describe.skipIf(!HAVE_CLI)("layout --python-version (skipped until `npm run build` has made dist/)", () => {
  for (const version of ["3.9", "3.11", "3.13"]) {
    const python = INSTALLED.get(version);
    it.skipIf(python === undefined)(`sizes a packed class of two bitfield widths as CPython ${version} does${python ? "" : " (not installed here)"}`, () => {
      const [size] = runPython(`import ctypes\nclass P(ctypes.Structure):\n    _pack_ = 1\n    _fields_ = [("a", ctypes.c_uint32, 3), ("b", ctypes.c_uint16, 3)]\nprint(ctypes.sizeof(P))\n`, python);
      expect(types([`${DIR}/pack_layout.py`, "--python-version", version, "-t", "Packed"])[0]!.size).toBe(Number(size));
    });
  }

  it("3.14 takes MSVC's rules for a packed class and refuses _pack_ under gcc-sysv", () => {
    const r = runCli(["layout", `${DIR}/pack_layout.py`, "--python-version", "3.14"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/pack_layout\.py:13: ctypes class Refused: _pack_ is not compatible with gcc-sysv layout/);
    expect(types([`${DIR}/pack_layout.py`, "--python-version", "3.14", "-t", "Packed"])[0]!.size).toBe(6);
  });

  it("names the BigEndianStructure bitfield CPython up to 3.13 reads outside its byte, and places it from 3.14", () => {
    const old = runCli(["layout", `${DIR}/be_narrow_bitfield.py`]);
    expect(old.stderr).toMatch(/be_narrow_bitfield\.py:8: ctypes class Flags: field b: CPython 3\.11 reads this bitfield outside its own type's storage/);
    expect(types([`${DIR}/be_narrow_bitfield.py`])[0]!.members.map((m) => m.name)).toEqual(["a"]);
    expect(types([`${DIR}/be_narrow_bitfield.py`, "--python-version", "3.14"])[0]!.members.map((m) => [m.name, m.bitOffset])).toEqual([["a", 0], ["b", 4]]);
  });

  it("a BigEndianUnion before 3.11 is named as missing from that CPython", () => {
    const r = runCli(["layout", `${DIR}/pack_layout.py`, "--python-version", "3.9"]);
    expect(r.stderr).toMatch(/pack_layout\.py:19: ctypes class EndianUnion: BigEndianUnion is new in CPython 3\.11/);
  });

  it("refuses a version that is not a modelled CPython release, exit 2", () => {
    const r = runCli(["layout", `${DIR}/pack_layout.py`, "--python-version", "2.7"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--python-version takes a CPython release/);
  });

  it("check reads python.version from the config, and refuses a bad one with its line", () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-pyver-"));
    try {
      writeFileSync(join(dir, "flags.py"), "import ctypes\nclass Flags(ctypes.BigEndianStructure):\n    _fields_ = [(\"a\", ctypes.c_uint32, 4), (\"b\", ctypes.c_uint8, 2)]\n");
      writeFileSync(join(dir, "prog.bpf.c"), '#define SEC(x) __attribute__((section(x), used))\nstruct flags { unsigned a:4; unsigned char b:2; };\nstruct { int type; struct flags *value; } events SEC(".maps");\n');
      writeFileSync(join(dir, "abidrift.config.json"), '{\n  "python": { "version": "3.14" }\n}\n');
      const ok = runCli(["check", dir, "--no-lock", "--verbose"]);
      expect(ok.status).toBe(0);
      expect(ok.stderr).not.toMatch(/reads this bitfield outside/);
      const old = runCli(["check", dir, "--no-lock", "--verbose", "--python-version", "3.11"]);
      expect(old.stderr + old.stdout).toMatch(/Flags: field b: CPython 3\.11 reads this bitfield outside/);
      writeFileSync(join(dir, "abidrift.config.json"), '{\n  "python": { "version": "2.7" }\n}\n');
      const bad = runCli(["check", dir, "--no-lock"]);
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim()).toMatch(/^abidrift: .*abidrift\.config\.json:2:\d+: python: version must be a CPython release "3\.x" from 3\.6 on, not "2\.7"$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
