import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/run.js";
import { REPORTERS, type ReportContext } from "../../src/report/findings/index.js";
import { lineOf } from "./repo.js";

// BCC tools as `check` reads them: each `BPF(...)` call its own program, and
// every location, in every output format, a file that exists and a line in it.

const FIXTURES = "fixtures/check";
const run = (dir: string) => check({ paths: [join(FIXTURES, dir)], lock: false });

describe("BCC programs in one Python file", () => {
  it("pair b[\"counts\"] with the table of the BPF object it is called on", async () => {
    const r = await run("bcc-program-scope");
    const text = readFileSync(join(FIXTURES, "bcc-program-scope/tool.py"), "utf8");
    expect(r.findings).toEqual([]);
    const counts = r.pairing.maps.filter((m) => m.ref.name === "counts");
    // The subscript and the get_table of narrow(), both on narrow()'s program.
    expect(counts.map((m) => m.ref.loc.line ?? 0).sort((a, b) => a - b)).toEqual([lineOf(text, 'b.get_table("counts")'), lineOf(text, 'b["counts"]')].sort((a, b) => a - b));
    for (const m of counts) expect(m.map.loc?.line).toBe(lineOf(text, "BPF_HASH(counts, struct narrow_key"));
  });
});

/** Every file and line a report names, by format. */
function locationsIn(format: keyof typeof REPORTERS, out: string): { file: string; line: number }[] {
  switch (format) {
    case "json":
      return (JSON.parse(out) as { findings: { locations: { file: string; line: number }[] }[] }).findings.flatMap((f) => f.locations);
    case "sarif": {
      const found: { file: string; line: number }[] = [];
      JSON.stringify(JSON.parse(out), (k, v: { artifactLocation?: { uri: string }; region?: { startLine: number } }) => {
        if (k === "physicalLocation") found.push({ file: decodeURI(v.artifactLocation!.uri), line: v.region!.startLine });
        return v;
      });
      return found;
    }
    case "github":
      return [...out.matchAll(/file=([^,]+),line=(\d+)/g), ...out.matchAll(/(?:C side|userspace): ([^\s%]+?):(\d+)/g)].map((m) => ({ file: m[1]!, line: Number(m[2]) }));
    case "text":
      return [...out.matchAll(/^(\S.*)$\n((?:  .*\n?)*)/gm)].flatMap((g) => [
        ...[...g[2]!.matchAll(/^  (\d+):\d+  /gm)].map((m) => ({ file: g[1]!, line: Number(m[1]) })),
        ...[...g[2]!.matchAll(/(?:C side|userspace): (\S+?):(\d+)/g)].map((m) => ({ file: m[1]!, line: Number(m[2]) })),
      ]).filter((l) => !/problems? \(/.test(l.file));
  }
}

describe("locations of C carried in a Python string", () => {
  it("are the Python file and the line of the C text, in every format", async () => {
    const r = await run("bcc-python-locations");
    const file = join(FIXTURES, "bcc-python-locations/tool.py");
    const text = readFileSync(file, "utf8");
    expect(r.findings.map((f) => f.code).sort()).toEqual(["map-key-size", "struct-mismatch"]);
    const cSide = r.findings.flatMap((f) => f.locations.filter((l) => l.role === "c"));
    expect(cSide.map((l) => [l.file, l.line])).toEqual(
      expect.arrayContaining([
        [file, lineOf(text, "u64 pid;")],
        [file, lineOf(text, "BPF_HASH(seen")],
      ]),
    );
    const sourceLine = (f: string, n: number): string | undefined => readFileSync(f, "utf8").split("\n")[n - 1];
    const ctx: ReportContext = { pairs: r.pairs, color: false, explain: false, files: r.files, version: "test", sourceLine };
    // The C line is quoted beside its Python location, in SARIF's related location too.
    const related = (JSON.parse(REPORTERS.sarif(r.findings, ctx)) as { runs: { results: { relatedLocations: { message: { text: string } }[] }[] }[] }).runs[0]!.results.flatMap((x) => x.relatedLocations.map((l) => l.message.text));
    expect(related).toContain("C side: `u64 pid;`");
    for (const format of Object.keys(REPORTERS) as (keyof typeof REPORTERS)[]) {
      const locs = locationsIn(format, REPORTERS[format](r.findings, ctx));
      expect(locs.length, format).toBeGreaterThanOrEqual(r.findings.length);
      for (const l of locs) {
        expect(existsSync(l.file), `${format}: ${l.file}`).toBe(true);
        expect(l.line, `${format}: ${l.file}:${l.line}`).toBeLessThanOrEqual(readFileSync(l.file, "utf8").split("\n").length);
      }
    }
  });
});

describe("a file that cannot be read", () => {
  it("is a note naming it, and the rest of the tree is still checked", async () => {
    const r = await run("unreadable-c-beside-tool");
    const c = join(FIXTURES, "unreadable-c-beside-tool/test_loader.c");
    expect(r.notes.filter((n) => n.startsWith(`${c}:1: `))).toHaveLength(1);
    // The tool's c_int written into a u64 array value is still found.
    const tool = readFileSync(join(FIXTURES, "unreadable-c-beside-tool/tool.py"), "utf8");
    expect(r.findings.map((f) => `${f.code}:${f.locations[0]?.line}`)).toEqual([`map-value-size:${lineOf(tool, "ct.c_int(1)")}`]);
  });
});

describe("BCC's map macros beyond hash and array", () => {
  it("define the tables the Python uses", async () => {
    const r = await run("bcc-map-vocabulary");
    expect(r.pairing.unknownMaps.map((u) => u.ref.name)).toEqual([]);
    expect(new Set(r.pairing.maps.map((m) => m.map.name))).toEqual(new Set(["ports", "cpus", "cycles", "pending", "socks", "shared", "ids"]));
    expect(r.findings).toEqual([]);
  });
});

describe("a standalone BCC C file using only the newer map macros", () => {
  it("is read as BPF C, with its tables", async () => {
    const r = await run("bcc-newer-macros-only");
    const file = join(FIXTURES, "bcc-newer-macros-only/storage.c");
    const maps = r.bpf.filter((m) => m.file === file).flatMap((m) => m.maps.map((x) => x.name));
    expect(maps.sort()).toEqual(["outer", "pending", "task_info_map"]);
  });
});

describe("program text built at run time", () => {
  it("is read from setUp's attribute, literals appended to a file's text, both branches of a replacement, and a with block", async () => {
    const r = await run("bcc-runtime-text");
    expect(r.pairing.unknownMaps.map((u) => `${u.ref.name} ${u.ref.loc.file}:${u.ref.loc.line}`)).toEqual([]);
    expect(new Set(r.pairing.maps.map((m) => m.map.name))).toEqual(new Set(["hits", "seen", "detail", "total", "opened"]));
    // What is known of the appended text is checked: a c_int written into a u64 array value.
    const appended = join(FIXTURES, "bcc-runtime-text/appended.py");
    const line = lineOf(readFileSync(appended, "utf8"), "ct.c_int(1)");
    expect(r.findings.map((f) => `${f.code} ${f.locations[0]?.file}:${f.locations[0]?.line}`)).toEqual([`map-value-size ${appended}:${line}`]);
    // What stayed unknown is said once, on the call.
    expect(r.notes.filter((n) => n.startsWith(`${appended}:`))).toHaveLength(1);
  });
});

describe("program text read from a file with open().read()", () => {
  it("is the file beside the script, replaced and appended to, its C placed at the file's lines", async () => {
    const r = await run("bcc-text-from-file");
    const dir = join(FIXTURES, "bcc-text-from-file");
    const probe = readFileSync(join(dir, "probe.c"), "utf8");
    const tool = readFileSync(join(dir, "tool.py"), "utf8");
    const loader = readFileSync(join(dir, "loader.py"), "utf8");
    const at = (f: (typeof r.findings)[number]) => `${f.code} ${f.locations.map((l) => `${l.role} ${l.file}:${l.line}`).join(" ")}`;
    const found = r.findings.map(at);
    // The key of the with block's text: its table is the file's, at the file's line.
    expect(found).toContainEqual(expect.stringMatching(new RegExp(`^map-key-size twin ${join(dir, "tool.py")}:${lineOf(tool, "Key(1)")} c ${join(dir, "probe.c")}:${lineOf(probe, "BPF_HASH(counts")}`)));
    // A path built from __file__ with +, and a literal appended: the appended table has the call's line.
    expect(found).toContainEqual(expect.stringMatching(new RegExp(`^map-value-size twin ${join(dir, "loader.py")}:${lineOf(loader, 'b["stats"]')} c ${join(dir, "bpf/stats.c")}:2`)));
    const extra = r.pairing.maps.filter((m) => m.ref.name === "extra");
    expect(extra.map((m) => `${m.map.loc?.file}:${m.map.loc?.line}`)).toEqual([`${join(dir, "loader.py")}:${lineOf(loader, "b = BPF(text=text)")}`]);
    expect(r.findings.filter((f) => f.code !== "struct-mismatch")).toHaveLength(2);
    // The file only run time names: said once, and its table is no unknown map.
    expect(r.notes.filter((n) => n.startsWith(`${join(dir, "loader.py")}:`))).toEqual([expect.stringContaining("file sys.argv[1]")]);
    expect(r.pairing.unknownMaps).toEqual([]);
  });
});

describe("program text in a class attribute", () => {
  it("is what self.text reads in a test method, with a computed suffix said once per call", async () => {
    const r = await run("bcc-class-attribute-text");
    const file = join(FIXTURES, "bcc-class-attribute-text/test_counts.py");
    const text = readFileSync(file, "utf8");
    // The c_uint32 value written into the u64 hash value, not the right one beside it.
    expect(r.findings.map((f) => `${f.code} ${f.locations[0]?.line}`)).toEqual([`map-value-size ${lineOf(text, "ct.c_uint32(1)")}`]);
    expect(r.notes.filter((n) => n.startsWith(`${file}:`))).toEqual([expect.stringContaining("self.suffix(...)")]);
  });
});

describe("program text a function of the file returns", () => {
  it("is folded in the function, its local apart from the caller's namesake", async () => {
    const r = await run("bcc-function-text");
    const text = readFileSync(join(FIXTURES, "bcc-function-text/tool.py"), "utf8");
    expect(r.findings.map((f) => `${f.code} ${f.locations[0]?.line}`)).toEqual([`map-value-size ${lineOf(text, "ct.c_int(1)")}`]);
  });
});

describe("BPF(src_file=...)", () => {
  it("is the file a path built from __file__ names, and a name from the command line is no file", async () => {
    const r = await run("bcc-src-file");
    const dir = join(FIXTURES, "bcc-src-file");
    const probe = readFileSync(join(dir, "probe.c"), "utf8");
    const loader = readFileSync(join(dir, "loader.py"), "utf8");
    const at = (f: (typeof r.findings)[number]) => f.locations.map((l) => `${l.role} ${l.file}:${l.line}`);
    expect(r.findings.map((f) => f.code).sort()).toEqual(["map-key-size", "struct-mismatch"]);
    for (const f of r.findings) expect(at(f)[0]).toMatch(new RegExp(`^twin ${join(dir, "loader.py")}:`));
    expect(r.findings.flatMap(at)).toEqual(
      expect.arrayContaining([`c ${join(dir, "probe.c")}:${lineOf(probe, "u64 id;")}`, `c ${join(dir, "probe.c")}:${lineOf(probe, "BPF_HASH(counts")}`, `twin ${join(dir, "loader.py")}:${lineOf(loader, "b[\"counts\"]")}`]),
    );
    // any_program.py's table is of a program only run time names: no pair, no unknown map.
    expect(r.pairing.maps.filter((m) => m.ref.loc.file.endsWith("any_program.py"))).toEqual([]);
    expect(r.pairing.unknownMaps).toEqual([]);
  });
});

describe("BPF(src_file=...) named from the directory above the script", () => {
  it("is found there when nothing beside the script has that path", async () => {
    const r = await run("bcc-src-file-above");
    const dir = join(FIXTURES, "bcc-src-file-above/modules");
    const tool = readFileSync(join(dir, "latency.py"), "utf8");
    expect(r.findings.map((f) => `${f.code} ${f.locations.map((l) => `${l.file}:${l.line}`).join(" ")}`)).toEqual([
      `map-value-size ${join(dir, "latency.py")}:${lineOf(tool, "ct.c_uint32(0)] =")} ${join(dir, "probe.bpf")}:2`,
    ]);
  });
});

describe("a ctypes record decoded from its own program's buffer", () => {
  it("pairs with the anonymous struct its program emits, not another tool's that goes to a buffer of the same name", async () => {
    const r = await run("bcc-record-scope");
    const data = r.pairing.types.filter((t) => t.twin.name === "Data");
    expect(data.map((t) => `${t.c.name} ${t.c.loc?.file}`)).toEqual([expect.stringMatching(new RegExp(`^struct anon_data_at_line_\\d+ ${join(FIXTURES, "bcc-record-scope/emit_anonymous.py")}$`))]);
    expect(r.findings).toEqual([]);
  });
});

describe("a twin named like a struct of a system header the BPF C includes", () => {
  it("pairs with nothing", async () => {
    const r = await run("bcc-system-header-name");
    // The C does include <time.h>: the struct is there to be found.
    expect(r.bpf.some((m) => m.graph.find("timespec").length > 0)).toBe(true);
    expect(r.pairing.types).toEqual([]);
    expect(r.findings).toEqual([]);
  });
});
