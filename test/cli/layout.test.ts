// `abidrift layout` as a subprocess: text and JSON for objects of both byte
// orders, the kernel's BTF and a libbpf-tools binary, every JSON output valid
// against schemas/layout.schema.json, and its figures equal to bpftool's.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bpftoolDump, HAVE_BPFTOOL, type BtfRecord } from "../oracles/bpftool.js";
import { uniqueAggregates } from "../readers/btf/compare.js";
import { rng, freshSeed } from "../readers/btf/random-structs.js";
import { CLI, HAVE_CLI, ROOT, runCli, schemaValidator } from "./run.js";

const OBJECTS = ["fixtures/objects/dns_key.bpfel.o", "fixtures/objects/dns_key.bpfeb.o"];
const VMLINUX = "/sys/kernel/btf/vmlinux";

interface LayoutJson {
  types: { name: string; kind: string; size: number; members: { name: string; bitOffset: number; bitfieldSize: number }[] }[];
}

/** Each unique struct or union of bpftool's dump that the JSON lists, compared figure by figure. */
function diffJson(json: LayoutJson, records: readonly BtfRecord[], only?: Set<string>): string[] {
  const out: string[] = [];
  const listed = new Map<string, LayoutJson["types"][number][]>();
  for (const t of json.types) listed.set(`${t.kind} ${t.name}`, [...(listed.get(`${t.kind} ${t.name}`) ?? []), t]);
  for (const r of uniqueAggregates(records)) {
    const key = `${r.kind.toLowerCase()} ${r.name}`;
    if (only && !only.has(r.name)) continue;
    const ts = listed.get(key) ?? [];
    if (ts.length !== 1) {
      out.push(`${key}: listed ${ts.length} times`);
      continue;
    }
    const ours = JSON.stringify([ts[0]!.size, ts[0]!.members.map((m) => [m.name, m.bitOffset, m.bitfieldSize])]);
    const theirs = JSON.stringify([r.size, r.members!.map((m) => [m.name, m.bitsOffset, m.bitfieldSize])]);
    if (ours !== theirs) out.push(`${key}: abidrift ${ours}, bpftool ${theirs}`);
  }
  return out;
}

describe.skipIf(!HAVE_CLI)("abidrift layout (skipped until `npm run build` has made dist/)", () => {
  const validate = schemaValidator("layout.schema.json");

  for (const obj of OBJECTS) {
    it(`prints pahole-style text for ${obj}, without colour under NO_COLOR`, () => {
      const r = runCli(["layout", obj]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("struct dns_key {");
      expect(r.stdout).toContain("struct dns_event {");
      expect(r.stdout).not.toMatch(/\x1b\[/);
    });

    it.skipIf(!HAVE_BPFTOOL)(`prints schema-valid JSON for ${obj} with bpftool's figures (skipped without bpftool)`, () => {
      const r = runCli(["layout", obj, "--format", "json"]);
      expect(r.status, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as LayoutJson;
      expect(validate(json)).toBe("");
      expect(diffJson(json, bpftoolDump(`${ROOT}${obj}`)).join("\n")).toBe("");
    });
  }

  it("narrows to the types named with --type, with or without the struct keyword", () => {
    const r = runCli(["layout", OBJECTS[0]!, "--type", "dns_key", "struct dns_event", "--format", "json"]);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as LayoutJson).types.map((t) => t.name).sort()).toEqual(["dns_event", "dns_key"]);
  });

  it.skipIf(!HAVE_BPFTOOL || !existsSync(VMLINUX))(`lists every struct and union of ${VMLINUX} with bpftool's figures (skipped without bpftool or kernel BTF)`, () => {
    const r = runCli(["layout", VMLINUX, "--format", "json"], { timeoutMs: 120_000 });
    expect(r.status, r.stderr.slice(0, 500)).toBe(0);
    const json = JSON.parse(r.stdout) as LayoutJson;
    expect(validate(json)).toBe("");
    const records = bpftoolDump(VMLINUX);
    const named = records.filter((x) => (x.kind === "STRUCT" || x.kind === "UNION") && x.name).length;
    expect(json.types.filter((t) => t.name).length).toBe(named);
    expect(diffJson(json, records).slice(0, 25).join("\n")).toBe("");
  });

  it.skipIf(!HAVE_BPFTOOL || !existsSync(VMLINUX))(`finds a seeded sample of ${VMLINUX}'s types with --type (skipped without bpftool or kernel BTF)`, () => {
    const seed = freshSeed();
    const r0 = rng(seed);
    const records = bpftoolDump(VMLINUX);
    const unique = uniqueAggregates(records);
    const names = new Set(Array.from({ length: 40 }, () => unique[Math.floor(r0() * unique.length)]!.name));
    const r = runCli(["layout", VMLINUX, "--format", "json", "--type", ...names]);
    expect(r.status, `seed ${seed}: ${r.stderr}`).toBe(0);
    const json = JSON.parse(r.stdout) as LayoutJson;
    expect(json.types.length, `seed ${seed}`).toBe(names.size);
    expect(diffJson(json, records, names).join("\n"), `seed ${seed}`).toBe("");
  });

  // Into a file, the chunks are written in place and one buffer serves them all (src/cli/stdout-sink.ts); through a pipe the writer waits for each chunk's write and fills its buffer again.
  it("writes the same bytes into a file as through a pipe, the kernel's BTF included where there is one", () => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-layout-file-"));
    const inputs = existsSync(VMLINUX) ? [...OBJECTS, VMLINUX] : OBJECTS;
    for (const input of inputs) {
      for (const format of ["text", "json"]) {
        const piped = runCli(["layout", input, "--format", format]);
        expect(piped.status, piped.stderr).toBe(0);
        const file = join(dir, `${format}.out`);
        const fd = openSync(file, "w");
        const r = spawnSync(process.execPath, [CLI, "layout", input, "--format", format], { cwd: ROOT, stdio: ["ignore", fd, "pipe"], env: { ...process.env, NO_COLOR: "1" } });
        closeSync(fd);
        expect(r.status, String(r.stderr)).toBe(0);
        expect(readFileSync(file, "utf8") === piped.stdout, `${input} --format ${format}: the file differs from the pipe`).toBe(true);
      }
    }
  });

  it.skipIf(!existsSync("/usr/sbin/execsnoop"))("reads the object a libbpf-tools binary carries (skipped without libbpf-tools)", () => {
    const r = runCli(["layout", "/usr/sbin/execsnoop"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^struct \w+ \{/m);
  });
});
