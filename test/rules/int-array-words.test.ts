import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { clangAvailable, clangRecordLayouts } from "../oracles/clang.js";
import { pythonMissing, toolClasses } from "../oracles/python.js";
import { PRELUDE } from "../../src/readers/python/embedded-c.js";

// An LPM key's address spelt `u32 addr[4]` in C and `c_ushort * 8` in
// ctypes: clang and CPython put the same 16 bytes at the same offset, so the
// key is the same bytes and no error. A `c_ubyte * 4` beside the same C is 12
// bytes short, and stays an error.

const DIR = "fixtures/check/bcc-lpm-key-words";
const TOOL = join(DIR, "trie.py");

describe.skipIf(!clangAvailable || pythonMissing !== "")(`integer arrays of one size in other element widths ${pythonMissing || (clangAvailable ? "" : "(clang-16 not found)")}`, () => {
  it("are the same bytes: only the short key is an error", async () => {
    const line = toolClasses(TOOL, `{"prog": prog, "py": {c.name: [ctypes.sizeof(ns[c.name]), ns[c.name].addr.offset, ns[c.name].addr.size] for c in classes}}`);
    const { prog, py } = JSON.parse(line) as { prog: string; py: Record<string, [number, number, number]> };
    const structs = prog.slice(0, prog.indexOf("BPF_LPM_TRIE"));
    const clang = clangRecordLayouts(`${PRELUDE}\n${structs}`, "bpfel", ["struct key_words", "struct key_short"]);
    const c = (name: string): [number, number] => [clang.get(name)!.size, clang.get(name)!.offsets[1]! / 8];
    // The oracles' word: KeyWords has C's size and its address at C's offset, over as many bytes; KeyShort is short.
    expect([py.KeyWords![0], py.KeyWords![1]]).toEqual(c("struct key_words"));
    expect(py.KeyWords![2]).toBe(c("struct key_words")[0] - c("struct key_words")[1]);
    expect(py.KeyShort![0]).not.toBe(c("struct key_short")[0]);

    const r = await check({ paths: [DIR], lock: false });
    const text = readFileSync(TOOL, "utf8").split("\n");
    const lineOf = (needle: string): number => text.findIndex((l) => l.includes(needle)) + 1;
    expect(r.findings.map((f) => `${f.code} ${f.locations[0]!.line}`).sort()).toEqual([`map-key-size ${lineOf("KeyShort(24")}`, `struct-mismatch ${lineOf("ct.c_ubyte * 4")}`]);
  });
});
