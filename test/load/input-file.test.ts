// An input file's bytes, as a check reads thousands of them: exactly what
// node's own reader gives, for files of every size around the reader's
// chunk, and for a file whose stat says 0 bytes but that holds more (as
// /proc's do, and as a log written while it is read would).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readInputFile } from "../../src/load/input-file.js";
import { freshSeed, rng } from "../oracles/random.js";

describe("readInputFile", () => {
  it("gives the bytes readFileSync gives, whatever the size", () => {
    const seed = freshSeed();
    const next = rng(seed);
    const dir = mkdtempSync(join(tmpdir(), "abidrift-input-"));
    const sizes = [0, 1, 4095, 4096, 65535, 65536, 65537, ...Array.from({ length: 20 }, () => Math.floor(next() * 300_000))];
    for (const size of sizes) {
      const bytes = Buffer.from(Array.from({ length: size }, () => Math.floor(next() * 256)));
      const file = join(dir, `f${size}.c`);
      writeFileSync(file, bytes);
      expect(readInputFile(file).equals(readFileSync(file)), `seed ${seed}: ${size} bytes`).toBe(true);
    }
  });

  it.skipIf(process.platform !== "linux")("reads on past a size of 0 that the file outgrows", () => {
    const proc = "/proc/self/mountinfo";
    const bytes = readInputFile(proc);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.toString("utf8").split("\n")[0]).toBe(readFileSync(proc, "utf8").split("\n")[0]);
  });

  it("refuses a directory in one line that names it", () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-input-"));
    expect(() => readInputFile(dir)).toThrow(/is a directory/);
  });
});
