import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readPython } from "../../../src/readers/python/index.js";

// Debian's bpfcc-tools: ~127 real BCC tools, Python with C inside. Every one
// must read without an exception; the few that carry ctypes twins must
// have them found, with the perf buffer they decode.

const SBIN = "/usr/sbin";
// The -bpfcc names, bar the bash wrappers, plus the u* tools they wrap.
const isPython = (f: string): boolean => readFileSync(`${SBIN}/${f}`, "utf8").slice(0, 64).split("\n")[0]!.includes("python");
const tools = existsSync(SBIN)
  ? readdirSync(SBIN).filter((f) => (f.endsWith("-bpfcc") || ["ucalls", "uflow", "ugc", "uobjnew", "ustat", "uthreads"].includes(f)) && isPython(f))
  : [];

describe.skipIf(tools.length === 0)(`bpfcc-tools corpus ${tools.length ? `(${tools.length} tools)` : "(bpfcc-tools not installed)"}`, () => {
  it("reads every tool, finds its BPF program and tables", async () => {
    let programs = 0;
    for (const t of tools) {
      const path = `${SBIN}/${t}`;
      const m = await readPython(path, readFileSync(path, "utf8"), {});
      expect(m.problems.filter((p) => p.message.startsWith("syntax error")), t).toEqual([]);
      // The embedded C parses whole: the C reader notes only C that does not.
      expect(m.problems.filter((p) => p.message.startsWith("BPF program:")), t).toEqual([]);
      if (m.maps.length || m.embeddedBpf?.length) programs++;
    }
    expect(programs).toBeGreaterThan(tools.length * 0.8);
  });

  it.skipIf(!tools.includes("opensnoop-bpfcc"))("opensnoop: its run-time placeholders make one short note, each named once", async () => {
    const path = `${SBIN}/opensnoop-bpfcc`;
    const m = await readPython(path, readFileSync(path, "utf8"), {});
    const notes = m.problems.filter((p) => p.message.startsWith("BPF program text:"));
    expect(notes).toHaveLength(1);
    // FNNAME is replaced in three places, PID_TID_FILTER in two: each counts once.
    expect(notes[0]!.message).toMatch(/^BPF program text: \d+ parts are computed at run time \(filter_by_containers\(\.\.\.\), "FNNAME", "PID_TID_FILTER" and \d+ more\); read with the placeholders as written$/);
    expect(notes[0]!.message.length).toBeLessThan(200);
  });

  it.skipIf(!tools.includes("mountsnoop-bpfcc"))("mountsnoop: Event and its union are twins, decoded from the events perf buffer", async () => {
    const path = `${SBIN}/mountsnoop-bpfcc`;
    const text = readFileSync(path, "utf8");
    const m = await readPython(path, text, {});
    expect(m.twins.map((t) => t.name).sort()).toEqual(["DataUnion", "EnterData", "Event"]);
    const event = m.twins.find((t) => t.name === "Event")!;
    const decode = m.decodes.find((d) => d.typeId === event.typeId);
    expect(decode?.mapName).toBe("events");
    expect(text.split("\n")[decode!.loc.line! - 1]).toContain("ctypes.cast(data, ctypes.POINTER(Event))");
  });
});
