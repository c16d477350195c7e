import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAVE_CLI, runCli } from "../cli/run.js";
import { buildBpf2go, goMissing } from "../oracles/go.js";
import { btfStruct, CLANG, HAVE_BPFTOOL, HAVE_CLANG, lineOf } from "./repo.js";

// Two bpf2go builds a real repository made look wrong, each run by bpf2go
// itself (built here from Debian's cilium/ebpf) and checked fresh:
// bpf2go-arch builds one object per -target with -D__TARGET_ARCH_<arch>,
// and its C leaves a map out on arm; bpf2go-packed writes a Go type for a C
// struct holding a packed one, whose memory differs from C's while
// encoding/binary's bytes do not.

const bpf2go = !HAVE_CLANG ? { missing: `${CLANG} not found` } : goMissing ? { missing: goMissing } : buildBpf2go();

interface JsonFinding {
  code: string;
  message: string;
  locations: { file: string; line: number | null; role: string }[];
  fix?: { message: string; location: { file: string; line: number | null } | null };
}

function check(dir: string): { status: number; findings: JsonFinding[]; stderr: string } {
  const r = runCli(["check", ".", "--format", "json", "--no-lock"], { cwd: dir });
  return { status: r.status ?? -1, findings: (JSON.parse(r.stdout || '{"findings":[]}') as { findings: JsonFinding[] }).findings, stderr: r.stderr };
}

function generate(dir: string, args: string[]): void {
  const r = spawnSync(bpf2go.path!, ["-cc", CLANG, ...args], { cwd: dir, env: { ...process.env, GOPACKAGE: "main" }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bpf2go failed:\n${r.stderr}`);
}

const skip = bpf2go.missing !== "" || !HAVE_CLI || !HAVE_BPFTOOL;
const why = bpf2go.missing || (HAVE_CLI ? (HAVE_BPFTOOL ? "" : "(needs bpftool)") : "(needs `npm run build`)");

describe.skipIf(skip)(`bpf2go builds checked fresh ${why}`, () => {
  let root = "";
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "abidrift-b2g-"));
    cpSync("fixtures/stale-build/bpf2go-arch", join(root, "arch"), { recursive: true });
    cpSync("fixtures/stale-build/bpf2go-packed", join(root, "packed"), { recursive: true });
    generate(join(root, "arch"), ["-target", "amd64,arm", "bpf", "prog.c"]);
    generate(join(root, "packed"), ["-type", "ev", "bpf", "prog.c"]);
  }, 120_000);
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("an object built for arm is read against the C as arm builds it: no stale-object", () => {
    const dir = join(root, "arch");
    const objects = spawnSync("ls", [dir], { encoding: "utf8" }).stdout.split("\n").filter((f) => f.endsWith(".o"));
    expect(objects).toHaveLength(2);
    // The objects do differ, as bpftool reads them: the arm one lacks the map.
    const maps = (o: string) => spawnSync("bpftool", ["btf", "dump", "file", join(dir, o)], { encoding: "utf8" }).stdout.includes("VAR 'extra'");
    expect(objects.map(maps).sort()).toEqual([false, true]);
    const r = check(dir);
    expect(r.findings.filter((f) => f.code === "stale-object")).toEqual([]);
    expect(r.status).toBe(0);
  }, 120_000);

  it("a generated type decoded with binary.Read is compared on encoding/binary's wire: no finding", () => {
    const r = check(join(root, "packed"));
    expect(r.findings).toEqual([]);
    expect(r.status).toBe(0);
  }, 120_000);

  it("the same type cast from a sample's memory is held to C's offsets, and differs", () => {
    const dir = join(root, "packed");
    copyFileSync(join(dir, "cast.go.txt"), join(dir, "decode.go"));
    const r = check(dir);
    const mismatch = r.findings.filter((f) => f.code === "struct-mismatch" && f.locations.some((l) => l.file === "bpf_bpfel.go"));
    expect(mismatch).toHaveLength(1);
    // C's size and a's offset are clang's, read by bpftool from the object bpf2go built.
    const ev = btfStruct(join(dir, "bpf_bpfel.o"), "ev");
    expect(mismatch[0]!.message).toContain(`C struct ev is ${ev.size}`);
    expect(mismatch[0]!.message).toContain(`struct ev's a is at offset ${ev.members.get("a")}`);
    // The fix is at the cast, not a regeneration: bpf2go would write the same type again.
    const decode = readFileSync(join(dir, "decode.go"), "utf8");
    expect(mismatch[0]!.fix?.location).toMatchObject({ file: "decode.go", line: lineOf(decode, "unsafe.Pointer(&rec.RawSample[0])") });
    expect(mismatch[0]!.fix?.message).toContain("decode the sample with encoding/binary");
  }, 120_000);
});
