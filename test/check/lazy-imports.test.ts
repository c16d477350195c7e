import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// A check of C and Go alone must not load the object readers, nor the
// snapshot that only a lock needs: run.ts and read-programs.ts import them
// on demand. Held on the graph of static, value imports (what node loads
// before the first line runs) from check/run.ts.

const SRC = resolve(import.meta.dirname, "../../src");
const STATIC_IMPORT = /^import\s+(?!type\b)[^;]*?\sfrom\s+"(\.[^"]+)";/gm;

function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const work = [entry];
  while (work.length) {
    const file = work.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(join(SRC, file), "utf8").matchAll(STATIC_IMPORT)) {
      work.push(relative(SRC, resolve(SRC, dirname(file), m[1]!)).replace(/\.js$/, ".ts"));
    }
  }
  return seen;
}

describe("what a check loads before it reads anything", () => {
  const closure = staticClosure("check/run.ts");

  it("reaches the readers it always needs", () => {
    // Guards the walk itself: a closure that found nothing would pass the test below.
    expect(closure.has("check/read-programs.ts")).toBe(true);
    expect(closure.has("rules/index.ts")).toBe(true);
  });

  it("holds no object, ELF or BTF reader and no snapshot", () => {
    const eager = [...closure].filter((f) => /^readers\/(object|elf|btf)\//.test(f) || f === "drift/snapshot.ts" || f === "drift/tree.ts" || f === "check/lock.ts");
    expect(eager).toEqual([]);
  });
});
