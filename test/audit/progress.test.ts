import { describe, expect, it } from "vitest";
import { progressBar, type ProgressStream } from "../../src/cli/progress.js";

// The progress bar against a recording stream and a hand-turned clock: what
// reaches stderr, and when.

function stream(isTTY: boolean): ProgressStream & { out: string } {
  const s = {
    isTTY,
    columns: 60,
    out: "",
    write(x: string) {
      s.out += x;
      return true;
    },
  };
  return s;
}

describe("progress bar", () => {
  it("writes nothing when stderr is not a terminal, however long the run", () => {
    let t = 0;
    const s = stream(false);
    const bar = progressBar(s, { now: () => t });
    for (let i = 1; i <= 50; i++) {
      t += 500;
      bar.update(i, 50, `file${i}.go`);
    }
    bar.end();
    expect(s.out).toBe("");
  });

  it("stays silent for the first second, then draws on one line and erases itself", () => {
    let t = 0;
    const s = stream(true);
    const bar = progressBar(s, { now: () => t });
    bar.update(1, 4, "a.bpf.o");
    expect(s.out).toBe("");
    t = 1500;
    bar.update(2, 4, "b/main.go");
    expect(s.out).toMatch(/^\r\[#{12}-{12}\] 2\/4 b\/main\.go\x1b\[K$/);
    expect(s.out).not.toContain("\n");
    bar.end();
    expect(s.out.endsWith("\r\x1b[K")).toBe(true);
  });

  it("fits a long file name into the terminal's width", () => {
    const t = 5000;
    const s = stream(true);
    const bar = progressBar(s, { now: () => t, delay: 0 });
    bar.update(3, 9, `${"deep/".repeat(40)}main.go`);
    const line = s.out.replace(/^\r/, "").replace(/\x1b\[K$/, "");
    expect(line.length).toBeLessThan(60);
    expect(line.endsWith("main.go")).toBe(true);
  });

  it("never draws a quick run, so it has nothing to erase", () => {
    const s = stream(true);
    const bar = progressBar(s, { now: () => 0 });
    bar.update(1, 1, "x");
    bar.end();
    expect(s.out).toBe("");
  });
});
