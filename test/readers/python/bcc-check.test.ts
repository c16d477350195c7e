import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `abidrift check` over Debian's bpfcc-tools, each tool in its own directory
// as it would sit in a repository, and over copies of one tool whose ctypes
// twin is deliberately broken. Runs the built CLI (npm test builds first).

const SBIN = "/usr/sbin";
/** The line of a tool that holds `needle`, from the tool as installed. */
const lineIn = (tool: string, needle: string): number => readFileSync(join(SBIN, tool), "utf8").split("\n").findIndex((l) => l.includes(needle)) + 1;
const CLI = "dist/cli/main.js";
const WRAPPED = ["ucalls", "uflow", "ugc", "uobjnew", "ustat", "uthreads"];
const tools = existsSync(SBIN)
  ? readdirSync(SBIN).filter((f) => (f.endsWith("-bpfcc") || WRAPPED.includes(f)) && readFileSync(join(SBIN, f), "utf8").split("\n", 1)[0]!.includes("python"))
  : [];
const missing = tools.length === 0 ? "bpfcc-tools not installed" : !existsSync(CLI) ? `${CLI} not built (npm run build)` : "";

interface Report {
  findings: { code: string; severity: string; message: string; locations: { file: string; line: number }[] }[];
  pairs: { kind: string; c: { name: string }; twin: { name: string } }[];
}

function check(dir: string): { status: number | null; report: Report } {
  const r = spawnSync("node", [CLI, "check", dir, "--format", "json"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, report: JSON.parse(r.stdout) as Report };
}

describe.skipIf(missing !== "")(`check over bpfcc-tools ${missing}`, () => {
  let root = "";
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "abidrift-bcc-"));
    for (const t of tools) {
      mkdirSync(join(root, "corpus", t), { recursive: true });
      writeFileSync(join(root, "corpus", t, `${t}.py`), readFileSync(join(SBIN, t)));
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("reports only the mismatches that are real, and pairs the ctypes twins", () => {
    const { status, report } = check(join(root, "corpus"));
    const errors = report.findings.filter((f) => f.severity === "error").map((f) => `${f.code} ${f.locations[0]!.file.split("/").pop()}:${f.locations[0]!.line}`);
    // klockstat writes ct.c_int values into BPF_ARRAY(enabled, u64): BCC
    // copies 8 bytes from a 4-byte buffer. readahead looks up an int-keyed
    // array with a c_ulong key: right only on little-endian machines.
    // mountsnoop's Event reads struct data_t's pid_t pid as c_uint: the two
    // pair through the events perf buffer, since their names differ. The
    // same four bytes with another sign are a note, not an error or a warning.
    expect(errors.sort()).toEqual(["map-key-size readahead-bpfcc.py:170", "map-value-size klockstat-bpfcc.py:491", "map-value-size klockstat-bpfcc.py:498"]);
    expect(report.findings.filter((f) => f.severity === "warning")).toEqual([]);
    const notes = report.findings.filter((f) => f.severity === "note" && f.code === "struct-mismatch").map((f) => `${f.locations[0]!.file.split("/").pop()}:${f.locations[0]!.line}`);
    expect(notes).toEqual([`mountsnoop-bpfcc.py:${lineIn("mountsnoop-bpfcc", "('pid', ctypes.c_uint)")}`]);
    expect(status).toBe(1);
    const twins = report.pairs.filter((p) => p.kind === "type").map((p) => `${p.c.name} = ${p.twin.name}`);
    expect(twins).toEqual(expect.arrayContaining(["struct thread_event_t = ThreadEvent", "struct gc_event_t = GCEvent", "struct data_t = Event"]));
  });

  const uthreads = tools.includes("uthreads") ? readFileSync(join(SBIN, "uthreads"), "utf8") : "";
  // Each case: what changes, the edits, and the Python line the error must name.
  const broken: [string, [string, string][], string][] = [
    ["a shorter c_char array than the C array", [['("name", ct.c_char * 80)', '("name", ct.c_char * 64)']], '("name", ct.c_char * 64)'],
    ["a wider integer than the C member", [["    u64 native_id;", "    u32 native_id;"]], '("native_id", ct.c_ulonglong)'],
  ];
  for (const [what, edits, marker] of broken) {
    it.skipIf(!edits.every(([from]) => uthreads.includes(from)))(`uthreads whose ThreadEvent has ${what} fails with exit 1 at the Python line`, () => {
      const dir = join(root, `broken-${what.replace(/\W+/g, "-")}`);
      mkdirSync(dir, { recursive: true });
      const text = edits.reduce((t, [from, to]) => t.replace(from, to), uthreads);
      writeFileSync(join(dir, "uthreads.py"), text);
      const line = text.split("\n").findIndex((l) => l.includes(marker)) + 1;
      const { status, report } = check(dir);
      expect(status).toBe(1);
      const lines = report.findings.filter((f) => f.severity === "error").flatMap((f) => f.locations.filter((l) => l.file.endsWith("uthreads.py")).map((l) => l.line));
      expect(lines).toContain(line);
    });
  }
});
