import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { HAVE_CLI, runCli, type CliResult } from "../cli/run.js";
import { HAVE_BPFTOOL, HAVE_CLANG, btfStruct, fixtureRepo, lineOf } from "./repo.js";

// `abidrift check` as a user runs it: a subprocess with NO_COLOR over fixture
// repositories whose BPF side clang compiles in this run; expected figures
// come from bpftool's reading of those objects and from the Go sources.


type Run = CliResult;
const abidrift = (cwd: string, ...args: string[]): Run => runCli(args, { cwd });

interface JsonFinding {
  code: string;
  severity: string;
  message: string;
  locations: { file: string; line: number | null; column: number | null; role: string }[];
  fix: { message: string; text: string | null; location?: { line: number } } | null;
}

function findings(r: Run): JsonFinding[] {
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
}

describe.skipIf(!HAVE_CLANG || !HAVE_BPFTOOL || !HAVE_CLI)("abidrift check (needs clang-16, bpftool and `npm run build`)", () => {
  let root = "";
  beforeAll(() => {
    root = fixtureRepo();
  });

  it("fails the dns_key case with exit 1 at the Go line, naming 16 and the C key's size", () => {
    const r = abidrift(root, "check", "dns-key", "--format", "json");
    expect(r.status).toBe(1);
    const key = btfStruct(join(root, "dns-key/dns_key.bpf.o"), "dns_key");
    const go = readFileSync(join(root, "dns-key/main.go"), "utf8");
    const [f] = findings(r).filter((x) => x.code === "map-key-size");
    expect(f).toBeDefined();
    expect(f!.severity).toBe("error");
    expect(f!.locations[0]).toMatchObject({ file: "dns-key/main.go", line: lineOf(go, "KeySize:"), role: "twin" });
    expect(f!.locations[1]).toMatchObject({ file: "dns-key/dns_key.bpf.c", role: "c" });
    expect(f!.message).toContain("KeySize 16");
    expect(f!.message).toContain(`${key.size} bytes`);
    expect(f!.fix?.text).toBe(`KeySize: ${key.size},`);
  });

  it("prints text grouped by file without colour under NO_COLOR, both spans and the fix", () => {
    const r = abidrift(root, "check", "dns-key");
    expect(r.status).toBe(1);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(r.stdout.split("\n")[0]).toBe("dns-key/main.go");
    expect(r.stdout).toContain("C side: dns-key/dns_key.bpf.c:");
    expect(r.stdout).toContain("fix: declare KeySize:");
  });

  it("catches binary.Read without C's hole and tail padding, with the _ [N]byte line", () => {
    const r = abidrift(root, "check", "padding", "--format", "json");
    expect(r.status).toBe(1);
    const obj = join(root, "padding/event.bpf.o");
    const exec = btfStruct(obj, "exec_event");
    const exit = btfStruct(obj, "exit_event");
    const go = readFileSync(join(root, "padding/main.go"), "utf8");
    const pad = findings(r).filter((f) => f.code === "binary-read-padding");
    const hole = pad.find((f) => f.message.includes("ExecEvent"));
    const tail = pad.find((f) => f.message.includes("ExitEvent"));
    // pid is a 4-byte member at offset 0: the hole runs from 4 to ts.
    expect(hole?.fix?.text).toBe(`_ [${exec.members.get("ts")! - 4}]byte`);
    expect(hole?.locations[1]?.line).toBe(lineOf(go, "Ts  uint64"));
    // pid (4 bytes) is the last member: the tail is what follows it.
    expect(tail?.fix?.text).toBe(`_ [${exit.size - exit.members.get("pid")! - 4}]byte`);
    expect(tail?.locations[0]?.line).toBe(lineOf(go, "&exit)"));
    // struct tuple's tail padding sits inside conn_event, before ts: the fix goes on Tuple.
    const tuple = btfStruct(obj, "tuple");
    const nested = pad.find((f) => f.message.includes("ConnEvent"));
    expect(nested?.fix?.text).toBe(`_ [${tuple.size - tuple.members.get("port")! - 2}]byte`);
    expect(nested?.fix?.location?.line).toBe(lineOf(go, "type Tuple struct"));
    expect(nested?.locations[0]?.line).toBe(lineOf(go, "&conn)"));
    expect(pad).toHaveLength(3);
  });

  it("checks files named one by one, looking for the config beside the first", () => {
    const r = abidrift(root, "check", "dns-key/main.go", "dns-key/dns_key.bpf.o", "--format", "json");
    expect(r.stderr).toBe("");
    expect(findings(r).map((f) => f.code)).toEqual(["map-key-size"]);
    expect(r.status).toBe(1);
  });

  it("passes near-twins written the right way with exit 0", () => {
    const r = abidrift(root, "check", "near-twins", "--format", "json");
    expect(findings(r)).toEqual([]);
    expect(r.status).toBe(0);
  });

  it("honours abidrift-ignore-next-line and per-rule severities from the config", () => {
    const go = join(root, "dns-key/main.go");
    const text = readFileSync(go, "utf8");
    try {
      writeFileSync(go, text.replace(/^(\s*)KeySize:/m, "$1// abidrift-ignore-next-line map-key-size\n$1KeySize:"));
      expect(abidrift(root, "check", "dns-key").status).toBe(0);
      writeFileSync(go, text.replace(/^(\s*)KeySize:/m, "$1// abidrift-ignore-next-line struct-mismatch\n$1KeySize:"));
      expect(abidrift(root, "check", "dns-key").status).toBe(1);
    } finally {
      writeFileSync(go, text);
    }
    const config = join(root, "dns-key/abidrift.config.json");
    writeFileSync(config, JSON.stringify({ rules: { "map-key-size": "warning" } }));
    try {
      const r = abidrift(root, "check", "dns-key", "--format", "json");
      expect(r.status).toBe(0);
      expect(findings(r).map((f) => f.severity)).toEqual(["warning"]);
    } finally {
      writeFileSync(config, "{}");
    }
  });

  it("exits 2 with one stderr line for a missing path and for a broken config", () => {
    const missing = abidrift(root, "check", "no-such-dir");
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    const config = join(root, "dns-key/abidrift.config.json");
    writeFileSync(config, '{\n  "rules": {\n    "map-key-sise": "off"\n  }\n}\n');
    try {
      const r = abidrift(root, "check", "dns-key");
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain("abidrift.config.json:2:");
      expect(r.stderr).toContain("map-key-sise");
    } finally {
      writeFileSync(config, "{}");
    }
    expect(abidrift(root, "check", "--format", "xml").status).toBe(2);
  });

  it("writes JSON that schemas/findings.schema.json accepts, pairs with their reasons", () => {
    const r = abidrift(root, "check", "dns-key", "padding", "near-twins", "--format", "json");
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(readFileSync("schemas/findings.schema.json", "utf8")) as object);
    const doc = JSON.parse(r.stdout) as { pairs: { reason: string }[] };
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    // A name alone is a candidate --explain shows, never a checked pair (issue 12): Tuple is only nested in ConnEvent.
    expect(doc.pairs.map((p) => p.reason)).toContain("naming convention only: a candidate, not checked");
    expect(doc.pairs.some((p) => p.reason.startsWith("used as the key of map dns_queries"))).toBe(true);
  });

  it("writes SARIF that the official SARIF 2.1.0 schema accepts", () => {
    const r = abidrift(root, "check", ".", "--format", "sarif");
    expect(r.status).toBe(1);
    // The OASIS schema is draft-04; its only draft-04 keyword is the root `id`.
    const schema = JSON.parse(readFileSync("test/report/sarif-schema-2.1.0.json", "utf8")) as Record<string, unknown>;
    const { id, $schema: _draft, ...rest } = schema;
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile({ ...rest, $id: id } as object);
    const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    const codes = new Set(log.runs[0]!.results.map((x) => x.ruleId));
    for (const code of ["map-key-size", "binary-read-padding", "time-varying-map-key", "unknown-map"]) expect(codes).toContain(code);
  });

  it("writes GitHub workflow annotations at the finding's file and line", () => {
    const r = abidrift(root, "check", "dns-key", "--format", "github");
    const go = readFileSync(join(root, "dns-key/main.go"), "utf8");
    expect(r.stdout).toMatch(new RegExp(`^::error file=dns-key/main.go,line=${lineOf(go, "KeySize:")},col=\\d+,title=abidrift map-key-size::`));
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("pairs a twin with the record BPF emits into the buffer it is decoded from, from the object and from the source", () => {
    const go = readFileSync(join(root, "record-twin/main.go"), "utf8");
    const source = join(root, "record-twin-source");
    cpSync(join(root, "record-twin"), source, { recursive: true, filter: (f) => !f.endsWith(".o") });
    for (const dir of ["record-twin", "record-twin-source"]) {
      const r = abidrift(root, "check", dir, "--format", "json");
      expect(r.status, dir).toBe(1);
      const doc = JSON.parse(r.stdout) as { findings: JsonFinding[]; pairs: { kind: string; c: { name: string }; twin: { name: string }; reason: string }[] };
      expect(doc.findings.map((f) => [f.code, f.locations[0]!.line]), dir).toEqual([["struct-mismatch", lineOf(go, "PPID    uint16")]]);
      const types = doc.pairs.filter((p) => p.kind === "type");
      expect(types.map((p) => `${p.twin.name} = ${p.c.name}`), dir).toEqual(["Sample = struct proc_event"]);
      expect(types[0]!.reason).toMatch(/^decoded from map procs at .*main\.go:\d+, which BPF fills at .*proc\.bpf\.c:\d+$/);
    }
  });

  it("lists pairs and why with --explain", () => {
    const r = abidrift(root, "check", "near-twins", "--explain");
    expect(r.stdout).toMatch(/DnsKey \(near-twins\/main\.go:\d+:\d+\) <-> struct dns_key/);
    expect(r.stdout).toContain("used as the key of map dns_queries");
  });
});
