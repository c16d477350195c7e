import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAVE_CLI, runCli } from "../cli/run.js";
import { CILIUM_GOPATH, GO, GOCACHE, buildBpf2go, goMissing } from "../oracles/go.js";
import { CLANG, HAVE_CLANG, lineOf } from "./repo.js";

// A bpf2go project end to end: bpf2go (built here from Debian's cilium/ebpf)
// compiles fixtures/check/bpf2go/dns.bpf.c with clang-16 and writes the Go
// types and objects; the hand-written loader beside it must build against
// them with the Go compiler; then `abidrift check` must find nothing. The
// same project with one generated field narrowed by hand must fail there.

const FIXTURE = "fixtures/check/bpf2go";
const MULTIARCH = spawnSync("gcc", ["-print-multiarch"], { encoding: "utf8" }).stdout?.trim() || "x86_64-linux-gnu";

const bpf2go = !HAVE_CLANG ? { missing: `${CLANG} not found` } : goMissing ? { missing: goMissing } : buildBpf2go();

interface JsonFinding {
  code: string;
  locations: { file: string; line: number | null; role: string }[];
}

function check(dir: string): { status: number; findings: JsonFinding[]; stderr: string } {
  const r = runCli(["check", ".", "--format", "json"], { cwd: dir });
  return { status: r.status ?? -1, findings: (JSON.parse(r.stdout || '{"findings":[]}') as { findings: JsonFinding[] }).findings, stderr: r.stderr };
}

/** The Go compiler's verdict on the package in `dir`: "" when it builds. */
function goBuild(dir: string): string {
  const r = spawnSync(GO, ["build", "-o", join(dir, "loader"), "."], {
    cwd: dir,
    env: { ...process.env, GOPATH: CILIUM_GOPATH, GO111MODULE: "off", GOCACHE, CGO_ENABLED: "0", GOOS: "linux", GOARCH: "amd64" },
    encoding: "utf8",
  });
  return r.status === 0 ? "" : r.stderr || `go build exited ${r.status}`;
}

describe.skipIf(bpf2go.missing !== "" || !HAVE_CLI)(`abidrift check on bpf2go output ${bpf2go.missing || (HAVE_CLI ? "" : "(needs `npm run build`)")}`, () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "abidrift-bpf2go-check-"));
    for (const f of ["dns.bpf.c", "main.go"]) copyFileSync(join(FIXTURE, f), join(dir, f));
    // The fixture's go:generate line, with the system headers of this machine.
    const args = ["-cc", CLANG, "-type", "dns_event", "bpf", "dns.bpf.c", "--", `-I/usr/include/${MULTIARCH}`];
    const r = spawnSync(bpf2go.path!, args, { cwd: dir, env: { ...process.env, GOPACKAGE: "main" }, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bpf2go failed:\n${r.stderr}`);
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the loader builds against the generated code and checks clean with exit 0", () => {
    expect(goBuild(dir)).toBe("");
    const r = check(dir);
    expect(r.findings).toEqual([]);
    expect(r.status).toBe(0);
  }, 120_000);

  it("a generated field narrowed by hand fails with exit 1 at that field, and at the Lookup it breaks", () => {
    const near = mkdtempSync(join(tmpdir(), "abidrift-bpf2go-near-"));
    try {
      for (const f of ["dns.bpf.c", "main.go", "bpf_bpfel.go", "bpf_bpfel.o", "bpf_bpfeb.go", "bpf_bpfeb.o"]) copyFileSync(join(dir, f), join(near, f));
      const gen = readFileSync(join(near, "bpf_bpfel.go"), "utf8");
      const edited = gen.replace(/^(\tQtype\s+)uint16$/m, "$1uint8");
      expect(edited).not.toBe(gen);
      writeFileSync(join(near, "bpf_bpfel.go"), edited);
      // Still valid Go: only abidrift can tell.
      expect(goBuild(near)).toBe("");

      const r = check(near);
      expect(r.status).toBe(1);
      const struct = r.findings.filter((f) => f.code === "struct-mismatch");
      expect(struct).toHaveLength(1);
      expect(struct[0]!.locations[0]).toMatchObject({ file: "bpf_bpfel.go", line: lineOf(edited, "\tQtype ") });
      expect(struct[0]!.locations.find((l) => l.role === "c")).toMatchObject({ file: "dns.bpf.c", line: lineOf(readFileSync(join(near, "dns.bpf.c"), "utf8"), "__u16 qtype;") });
      const key = r.findings.filter((f) => f.code === "map-key-size");
      expect(key.map((f) => `${f.locations[0]!.file}:${f.locations[0]!.line}`)).toEqual([`main.go:${lineOf(readFileSync(join(near, "main.go"), "utf8"), "objs.DnsQueries.Lookup(&k, &v)")}`]);
      expect(r.findings.filter((f) => f.code !== "struct-mismatch" && f.code !== "map-key-size")).toEqual([]);
    } finally {
      rmSync(near, { recursive: true, force: true });
    }
  }, 120_000);
});
