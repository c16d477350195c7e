// The library as a user's code calls it (the package's "abidrift" is
// src/index.ts): every job gives what its command prints.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as abidrift from "../src/index.js";
import { audit, check, diff, formatAudit, formatFindings, generateTypeScript, lockText, readLayouts, readMaps, snapshot, VERSION, writeLock } from "../src/index.js";
import { HAVE_CLI, ROOT, runCli } from "./cli/run.js";

const EXAMPLE = join(ROOT, "examples/dns-monitor");
const OBJECT = join(EXAMPLE, "bpf/dnsmon.bpf.o");

describe("the library API", () => {
  it("exports every job, typed, as functions", () => {
    for (const job of ["check", "audit", "snapshot", "diff", "generateTypeScript", "readMaps", "readLayouts", "formatFindings", "formatAudit", "writeLock", "lockText", "defaultLockFile"] as const) {
      expect(typeof abidrift[job], job).toBe("function");
    }
  });

  it("check in three lines: the example's planted bugs are errors, and progress reaches every file", async () => {
    const seen: [number, number][] = [];
    const { findings } = await check({ paths: [EXAMPLE], onProgress: (done, total) => seen.push([done, total]) });
    expect(findings.filter((f) => f.severity === "error").length).toBeGreaterThan(0);
    expect(seen.at(-1)![0]).toBe(seen.at(-1)![1]);
  });

  it.skipIf(!HAVE_CLI)("check and formatFindings give what `abidrift check -f json` prints", async () => {
    const r = await check({ paths: [EXAMPLE] });
    const json = await formatFindings("json", r.findings, { pairs: r.pairs, color: false, explain: false, files: r.files, version: VERSION });
    expect(json).toBe(runCli(["check", EXAMPLE, "-f", "json"]).stdout);
  });

  it.skipIf(!HAVE_CLI)("audit and formatAudit give what `abidrift audit -f json -o -` prints", async () => {
    expect(await formatAudit("json", await audit({ paths: [EXAMPLE] }))).toBe(runCli(["audit", EXAMPLE, "-f", "json", "-o", "-"]).stdout);
  });

  it("snapshot, writeLock and diff: the tree against its own lock has no drift; with the event's size changed in the lock, a break", async () => {
    const lock = await snapshot(OBJECT);
    expect(lock.types.map((t) => t.name)).toContain("dns_event");
    const dir = mkdtempSync(join(tmpdir(), "abidrift-api-"));
    const file = join(dir, "abidrift.lock.json");
    await writeLock(file, lock);
    expect((await diff(file, OBJECT)).findings).toEqual([]);
    const text = await lockText(lock, dir);
    const edited = JSON.parse(text) as { types: { name: string; size: number }[] };
    edited.types.find((t) => t.name === "dns_event")!.size += 8;
    writeFileSync(file, JSON.stringify(edited));
    const drift = await diff(file, OBJECT);
    expect(drift.findings.map((f) => f.code)).toContain("abi-break");
  });

  it.skipIf(!HAVE_CLI)("generateTypeScript, readMaps and readLayouts give what gen ts, maps and layout print", async () => {
    const [mod] = await generateTypeScript(OBJECT, { types: ["dns_event"] });
    expect(mod!.text).toBe(runCli(["gen", "ts", OBJECT, "--type", "dns_event"]).stdout);
    expect(JSON.stringify({ maps: await readMaps(OBJECT) }, null, 2) + "\n").toBe(runCli(["maps", OBJECT, "-f", "json"]).stdout);
    const sources = await readLayouts(OBJECT);
    const names = sources.flatMap((s) => s.ids.map((id) => (s.graph.type(id) as { name: string }).name));
    expect(names).toContain("dns_event");
    expect(JSON.parse(runCli(["layout", OBJECT, "-f", "json"]).stdout).types.map((t: { name: string }) => t.name)).toEqual(names);
  });

  it("the package's version is package.json's", () => {
    expect(VERSION).toBe((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version);
  });
});
