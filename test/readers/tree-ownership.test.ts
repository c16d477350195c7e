import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Node, Parser, Tree, TreeCursor } from "web-tree-sitter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TARGETS } from "../../src/ir/targets.js";
import { readCSource } from "../../src/readers/c/index.js";
import { readGo } from "../../src/readers/go/index.js";
import { readPython } from "../../src/readers/python/index.js";

// Every wasm tree and cursor a reader makes is deleted by the reader, once.
// web-tree-sitter's finalizer for a cursor left to the garbage collector
// frees memory by its tree's address: `check` of a BCC tool crashed in
// Tree.delete 15 runs in 20, but only when the collector happened to run.
// So the constructors and delete methods are counted over many runs of each
// reader instead: a cursor left undeleted fails here on every run.

const ROOT = join(import.meta.dirname, "../..");
const INPUTS = {
  python: ["fixtures/python/ctypes_forms.py", "fixtures/python/bcc-src-file/tool.py", "examples/dns-monitor/tools/dnstop.py"],
  go: ["fixtures/go/types/layouts.go", "fixtures/go/broken/half_written.go", "fixtures/go/decode/ringbuf.go"],
  c: ["fixtures/c/bitfields.h", "fixtures/c/half-written.c", "fixtures/bpf/map_kinds.bpf.c"],
};
const RUNS = 20;

type Counts = { made: number; deleted: number; twice: number };
const counts = { tree: { made: 0, deleted: 0, twice: 0 }, cursor: { made: 0, deleted: 0, twice: 0 } };
const restore: (() => void)[] = [];

function wrap<T extends object>(proto: T, name: keyof T, after: (self: unknown, result: unknown) => void): void {
  const original = proto[name] as (...args: unknown[]) => unknown;
  (proto as Record<keyof T, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    const before = this as { 0?: number };
    const result = original.apply(this, args);
    after(before, result);
    return result;
  };
  restore.push(() => ((proto as Record<keyof T, unknown>)[name] = original));
}

function deleting(c: Counts, proto: object): void {
  const original = (proto as { delete: () => void }).delete;
  (proto as { delete: () => void }).delete = function (this: { 0: number }) {
    if (this[0] === 0) c.twice++;
    else c.deleted++;
    original.call(this);
  };
  restore.push(() => ((proto as { delete: () => void }).delete = original));
}

beforeAll(() => {
  const made = (c: Counts) => (_self: unknown, result: unknown) => {
    if (result) c.made++;
  };
  wrap(Parser.prototype, "parse", made(counts.tree));
  wrap(Tree.prototype, "copy", made(counts.tree));
  // Tree.walk is rootNode.walk: a cursor is counted where Node.walk makes it.
  wrap(Node.prototype, "walk", made(counts.cursor));
  wrap(TreeCursor.prototype, "copy", made(counts.cursor));
  deleting(counts.tree, Tree.prototype);
  deleting(counts.cursor, TreeCursor.prototype);
});
afterAll(() => restore.forEach((f) => f()));

describe("readers own their wasm trees and cursors", () => {
  it(`each reader, ${RUNS} runs over the same inputs, deletes every tree and cursor it made, once`, async () => {
    for (let run = 0; run < RUNS; run++) {
      for (const f of INPUTS.python) await readPython(join(ROOT, f), readFileSync(join(ROOT, f), "utf8"), {});
      for (const f of INPUTS.go) await readGo(join(ROOT, f), readFileSync(join(ROOT, f), "utf8"), {});
      for (const f of INPUTS.c) await readCSource(join(ROOT, f), { target: TARGETS.bpfel }).catch(() => undefined);
    }
    expect(counts.tree.made).toBeGreaterThan(0);
    expect(counts.cursor.made).toBeGreaterThan(0);
    expect(counts).toEqual({
      tree: { made: counts.tree.made, deleted: counts.tree.made, twice: 0 },
      cursor: { made: counts.cursor.made, deleted: counts.cursor.made, twice: 0 },
    });
  });

});
