import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAVE_CLI, runCli } from "../cli/run.js";
import { buildBpf2go, goMissing } from "../oracles/go.js";
import { btfStruct, CLANG, HAVE_BPFTOOL, HAVE_CLANG, lineOf } from "./repo.js";

// The stale bpf2go build of issue 12: fixtures/stale-build/bpf2go-widened is
// a bpf2go example whose header sits in ../headers, named only by the
// //go:generate line. bpf2go (built here from Debian's cilium/ebpf) runs that
// line; then `u32 pid` is widened in the C without running it again, so the
// object and the generated Go still agree with each other. check must say
// so at the C line of pid, with `go generate` as the fix and no edit to a
// generated file.

const FIXTURE = "fixtures/stale-build/bpf2go-widened";
const MULTIARCH = spawnSync("gcc", ["-print-multiarch"], { encoding: "utf8" }).stdout?.trim() || "x86_64-linux-gnu";
const bpf2go = !HAVE_CLANG ? { missing: `${CLANG} not found` } : goMissing ? { missing: goMissing } : buildBpf2go();

interface JsonFinding {
  code: string;
  message: string;
  locations: { file: string; line: number | null; role: string }[];
  fix?: { message: string; text: string | null; location: { file: string; line: number | null } | null };
}

function check(dir: string): { status: number; findings: JsonFinding[]; stderr: string } {
  const r = runCli(["check", ".", "--format", "json", "--no-lock"], { cwd: dir });
  return { status: r.status ?? -1, findings: (JSON.parse(r.stdout || '{"findings":[]}') as { findings: JsonFinding[] }).findings, stderr: r.stderr };
}

describe.skipIf(bpf2go.missing !== "" || !HAVE_CLI || !HAVE_BPFTOOL)(`stale-object on a bpf2go example ${bpf2go.missing || (HAVE_CLI ? "" : "(needs `npm run build`)")}`, () => {
  let dir = "";
  const generate = (): void => {
    // The fixture's go:generate line, run where go generate runs it, with this machine's system headers.
    const args = ["-cc", CLANG, "-type", "event", "bpf", "ringbuf.c", "--", "-I../headers", `-I/usr/include/${MULTIARCH}`];
    const r = spawnSync(bpf2go.path!, args, { cwd: join(dir, "ringbuf"), env: { ...process.env, GOPACKAGE: "main" }, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bpf2go failed:\n${r.stderr}`);
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "abidrift-stale-"));
    cpSync(FIXTURE, dir, { recursive: true });
    generate();
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("finds the header through the bpf2go line and checks the fresh build clean", () => {
    const r = check(dir);
    expect(r.stderr).not.toMatch(/not found/);
    expect(r.findings).toEqual([]);
    expect(r.status).toBe(0);
  }, 120_000);

  it("catches pid widened in the C after the build, at the C line, fixed by go generate", () => {
    const c = join(dir, "ringbuf/ringbuf.c");
    const before = readFileSync(c, "utf8");
    const widened = before.replace("\tu32 pid;", "\tu64 pid;");
    expect(widened).not.toBe(before);
    writeFileSync(c, widened);
    try {
      const r = check(dir);
      expect(r.status).toBe(1);
      const stale = r.findings.filter((f) => f.code === "stale-object");
      expect(stale).toHaveLength(1);
      expect(stale[0]!.locations[0]).toMatchObject({ role: "c", file: "ringbuf/ringbuf.c", line: lineOf(widened, "u64 pid;") });
      // The figures of the object are bpftool's; the widened C's size is clang's.
      const built = btfStruct(join(dir, "ringbuf/bpf_bpfel.o"), "event");
      const now = join(dir, "now.o");
      const cc = spawnSync(CLANG, ["-target", "bpfel", "-g", "-O2", "-c", c, "-o", now, "-I", join(dir, "headers")], { encoding: "utf8" });
      expect(cc.stderr).toBe("");
      const widenedSize = btfStruct(now, "event").size;
      expect(stale[0]!.message).toContain(`it is ${widenedSize} bytes now, ${built.size} in the object`);
      const main = readFileSync(join(dir, "ringbuf/main.go"), "utf8");
      expect(stale[0]!.fix).toMatchObject({ text: "go generate ./ringbuf", location: { file: "ringbuf/main.go", line: lineOf(main, "//go:generate") } });
      // Nothing asks for an edit of what bpf2go wrote.
      for (const f of r.findings) expect(f.fix?.location?.file ?? "").not.toMatch(/bpf_bpfe[lb]\.go$/);
    } finally {
      writeFileSync(c, before);
    }
  }, 120_000);

  it("fixes a hand edit of the generated Go with go generate, never with another edit", () => {
    const gen = join(dir, "ringbuf/bpf_bpfel.go");
    const before = readFileSync(gen, "utf8");
    const edited = before.replace(/^(\tPid\s+)uint32$/m, "$1uint16");
    expect(edited).not.toBe(before);
    writeFileSync(gen, edited);
    try {
      const r = check(dir);
      expect(r.status).toBe(1);
      const mismatch = r.findings.filter((f) => f.locations.some((l) => l.file === "ringbuf/bpf_bpfel.go"));
      expect(mismatch.length).toBeGreaterThan(0);
      const main = readFileSync(join(dir, "ringbuf/main.go"), "utf8");
      for (const f of mismatch) expect(f.fix).toMatchObject({ text: "go generate ./ringbuf", location: { file: "ringbuf/main.go", line: lineOf(main, "//go:generate") } });
    } finally {
      writeFileSync(gen, before);
    }
  }, 120_000);
});
