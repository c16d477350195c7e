// Which C source an object was built from, so drift in a BTF object is
// reported at its C line: libbpf's `x.bpf.o` from `x.bpf.c`, bpf2go's
// `x_bpfel.o`, `x_bpfeb.o` and `x_x86_bpfel.o` from `x.c`, each built by
// clang here under the name the build tool gives it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lineOf } from "../check/repo.js";
import { HAVE_CLI, runCli } from "../cli/run.js";
import { clangAvailable, program } from "./build.js";

const MULTIARCH = spawnSync("gcc", ["-dumpmachine"], { encoding: "utf8" }).stdout?.trim() || "x86_64-linux-gnu";
const EVENT = "struct event {\n\t__u32 pid;\n\t__u32 tgid;\n\t__u64 ts;\n};\nstruct key { __u32 ifindex; };";
const WIDE = EVENT.replace("__u32 tgid", "__u64 tgid");

const cli = (cwd: string, args: string[]) => runCli(args, { cwd });

describe.skipIf(!HAVE_CLI || !clangAvailable)("objects find their C source by the build tool's names (needs `npm run build` and clang-16)", () => {
  it.each([
    ["probe.bpf.c", "probe.bpf.o", "bpf"],
    ["probe.c", "probe_bpfel.o", "bpfel"],
    ["bpf.c", "bpf_bpfeb.o", "bpfeb"],
    ["probe.c", "probe_x86_bpfel.o", "bpfel"],
  ])("%s builds %s", (source, object, target) => {
    const dir = mkdtempSync(join(tmpdir(), "abidrift-pairing-"));
    const compile = (text: string): void => {
      writeFileSync(join(dir, source), text);
      const r = spawnSync("clang-16", ["-target", target, "-g", "-O2", `-I/usr/include/${MULTIARCH}`, "-c", source, "-o", object], { cwd: dir, encoding: "utf8" });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    compile(program(EVENT));
    expect(cli(dir, ["snapshot", "-o", "old.lock.json"]).status).toBe(0);
    compile(program(WIDE));
    const r = cli(dir, ["diff", "old.lock.json", object, "-f", "json"]);
    expect(r.status, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: { data: Record<string, string>; locations: { file: string; line?: number }[] }[] };
    const tgid = doc.findings.find((f) => f.data.member === "tgid");
    expect(tgid?.locations[0]).toMatchObject({ file: source, line: lineOf(program(WIDE), "__u64 tgid") });
  });
});
