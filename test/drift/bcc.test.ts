// The drift gate over a BCC tool: its BPF C lives in a Python string, and
// snapshot, check and diff read it there, as check's other rules do.
// Findings land on the Python line of the C member.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HAVE_CLI, runCli } from "../cli/run.js";

const TOOL = `#!/usr/bin/env python3
from bcc import BPF

prog = """
#include <uapi/linux/ptrace.h>

struct data_t {
    u32 pid;
    u64 ts;
    char comm[16];
};

BPF_PERF_OUTPUT(events);

int trace(struct pt_regs *ctx) {
    struct data_t data = {};
    data.pid = bpf_get_current_pid_tgid() >> 32;
    events.perf_submit(ctx, &data, sizeof(data));
    return 0;
}
"""

b = BPF(text=prog)
`;

const lineOf = (text: string, needle: string): number => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe.skipIf(!HAVE_CLI)("drift of the C inside a BCC tool (skipped until `npm run build`)", () => {
  it("snapshot records struct data_t and map events; check is clean, then breaks at the Python line", () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-bcc-drift-"));
    const tool = join(dir, "tool.py");
    writeFileSync(tool, TOOL);
    expect(runCli(["snapshot", "."], { cwd: dir }).status).toBe(0);
    const lock = JSON.parse(readFileSync(join(dir, "abidrift.lock.json"), "utf8")) as { maps: { name: string; file: string }[]; types: { name: string }[] };
    expect(lock.maps.map((m) => [m.name, m.file])).toEqual([["events", "tool.py"]]);
    expect(lock.types.map((t) => t.name)).toContain("data_t");
    expect(runCli(["check", "."], { cwd: dir }).status).toBe(0);

    // A member in what was padding is compatible: a note, and the run passes.
    writeFileSync(tool, TOOL.replace("    u32 pid;", "    u32 pid;\n    u32 tid;"));
    const compatible = runCli(["check", "."], { cwd: dir });
    expect(compatible.status).toBe(0);
    expect(compatible.stdout).toMatch(/note .*member tid added in what was padding/);
    expect(compatible.stdout).toMatch(/^no problems \(.*, 1 note\)$/m);

    const widened = TOOL.replace("    u32 pid;", "    u64 pid;");
    writeFileSync(tool, widened);
    const r = runCli(["check", ".", "--format", "json"], { cwd: dir });
    expect(r.status).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: { code: string; message: string; locations: { file: string; line: number }[] }[] }).findings;
    const breaks = findings.filter((f) => f.code === "abi-break");
    expect(breaks.length).toBeGreaterThan(0);
    expect(breaks.map((f) => [f.locations[0]!.file, f.locations[0]!.line])).toContainEqual(["tool.py", lineOf(widened, "u64 pid;")]);

    writeFileSync(join(dir, "old.py"), TOOL);
    const d = runCli(["diff", "old.py", "tool.py"], { cwd: dir });
    expect(d.status).toBe(1);
    expect(d.stdout).toMatch(/struct data_t/);
  });
});
