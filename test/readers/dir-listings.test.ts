import { chmodSync, mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { DirListings } from "../../src/readers/dir-listings.js";
import { freshSeed, rng } from "../oracles/random.js";

// DirListings answers from folder listings what stat answers path by path:
// a seeded random tree of folders, files and symbolic links (to files, to
// folders, dangling, in a cycle, into a folder that cannot be listed), asked
// about paths inside it, outside it, relative ones and ones with `.` and
// `..`; every answer is held to statSync's.

function truth(path: string): "dir" | "file" | "other" | undefined {
  try {
    const st = statSync(path);
    return st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
  } catch {
    return undefined;
  }
}

describe("DirListings", () => {
  it("answers every path as stat does", () => {
    const seed = freshSeed();
    const next = rng(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const root = mkdtempSync(join(tmpdir(), "abidrift-dirs-"));
    const names = ["a", "b", "include", "linux", "x.h", "Makefile", ".hidden", "bpf_helpers.h"];
    const made = [root];
    for (let i = 0; i < 60; i++) {
      const at = join(pick(made), pick(names));
      const r = next();
      try {
        if (r < 0.4) mkdirSync(at);
        else if (r < 0.75) writeFileSync(at, "");
        else symlinkSync(pick([...made, join(root, "nowhere"), at]), at);
        made.push(at);
      } catch {
        // Already there, or under a file: the tree is what it is.
      }
    }
    // A folder that can be passed through but not listed; root ignores the mode, so it may well be listed.
    const locked = join(root, "locked");
    mkdirSync(join(locked, "inner"), { recursive: true });
    writeFileSync(join(locked, "f.h"), "");
    chmodSync(locked, 0o311);
    made.push(locked, join(locked, "inner"), join(locked, "f.h"));

    try {
      const listings = new DirListings();
      const asked: string[] = [""];
      for (let i = 0; i < 2000; i++) {
        const base = pick(made);
        const r = next();
        // Most are paths the listings answer; the rest (`.`, `..`, a trailing separator) go to stat by design.
        const path =
          r < 0.3 ? base
          : r < 0.6 ? join(base, pick(names))
          : r < 0.7 ? join(base, pick(names), pick(names))
          : r < 0.85 ? relative(process.cwd(), join(base, pick(names))) || "."
          : r < 0.9 ? `${base}/./${pick(names)}`
          : r < 0.95 ? `${base}/../${pick(names)}`
          : `${base}//${pick(names)}/`;
        asked.push(path);
      }
      for (const path of asked) expect(listings.kind(path), `seed ${seed}: ${JSON.stringify(path)}`).toBe(truth(path));
      expect(listings.kind("/"), "the root").toBe("dir");
    } finally {
      chmodSync(locked, 0o755);
    }
  });
});
