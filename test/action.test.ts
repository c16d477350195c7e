// action.yml run the way a workflow runs it: its check step's `run` under
// `bash --noprofile --norc -eo pipefail`, its env with `${{ inputs.X }}`
// filled from the inputs' defaults and the workflow's `with`, in a project
// whose node_modules/.bin/abidrift is this build, as after `npm ci`.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, HAVE_CLI, ROOT } from "./cli/run.js";

const ACTION = readFileSync(join(ROOT, "action.yml"), "utf8");

/** The block of lines under `key:` at `indent`, up to the next line as shallow. */
function block(lines: readonly string[], key: string, indent: number): string[] {
  const start = lines.findIndex((l) => l === `${" ".repeat(indent)}${key}:` || l === `${" ".repeat(indent)}- ${key}:`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.trim() !== "" && l.length - l.trimStart().length <= indent);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

const unquote = (s: string): string => s.trim().replace(/^"(.*)"$/, "$1");

/** Every input with its default. */
function inputDefaults(): Record<string, string> {
  const out: Record<string, string> = {};
  let name = "";
  for (const l of block(ACTION.split("\n"), "inputs", 0)) {
    const n = /^ {2}([\w-]+):$/.exec(l);
    if (n) name = n[1]!;
    const d = /^ {4}default: (.*)$/.exec(l);
    if (d) out[name] = unquote(d[1]!);
  }
  return out;
}

/** The steps, each as its lines. */
function steps(): string[][] {
  const out: string[][] = [];
  for (const l of block(ACTION.split("\n"), "steps", 2)) {
    if (l.startsWith("    - ")) out.push([]);
    out.at(-1)?.push(l.replace(/^ {4}- /, "      "));
  }
  return out;
}

function field(step: readonly string[], key: string): string | undefined {
  const l = step.find((x) => x.startsWith(`      ${key}:`));
  return l === undefined ? undefined : unquote(l.slice(`      ${key}:`.length));
}

const fill = (s: string, inputs: Record<string, string>): string => s.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, k: string) => inputs[k] ?? "");

/** Runs the check step with `withInputs` in `cwd`; its exit status and GITHUB_OUTPUT. */
function runCheckStep(cwd: string, withInputs: Record<string, string>): { status: number | null; stdout: string; outputs: Record<string, string> } {
  const inputs = { ...inputDefaults(), ...withInputs };
  const step = steps().find((s) => field(s, "id") === "check")!;
  const env: Record<string, string> = {};
  for (const l of block(step, "env", 6)) {
    const m = /^ {8}(\w+): (.*)$/.exec(l);
    if (m) env[m[1]!] = fill(m[2]!, inputs);
  }
  const outputFile = join(cwd, "github-output");
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", field(step, "run")!], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env, NO_COLOR: "1", GITHUB_ACTION_PATH: ROOT, GITHUB_OUTPUT: outputFile },
  });
  let text = "";
  try {
    text = readFileSync(outputFile, "utf8");
  } catch {
    // No output file: the step wrote none.
  }
  const outputs = Object.fromEntries(text.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  return { status: r.status, stdout: r.stdout + r.stderr, outputs };
}

/** A copy of the bundled example with this build as its installed abidrift. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-action-"));
  cpSync(join(ROOT, "examples/dns-monitor"), dir, { recursive: true });
  mkdirSync(join(dir, "node_modules/.bin"), { recursive: true });
  // As npm links a package's bin: an executable that runs it under node.
  writeFileSync(join(dir, "node_modules/.bin/abidrift"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
  return dir;
}

describe("action.yml", () => {
  it("is a composite action: setup-node, the check step, SARIF upload, then failing on a non-zero exit code", () => {
    expect(ACTION).toMatch(/^ {2}using: composite$/m);
    const all = steps();
    expect(all.map((s) => field(s, "uses") ?? field(s, "id") ?? field(s, "run"))).toEqual(["actions/setup-node@v4", "check", "github/codeql-action/upload-sarif@v3", "exit 1"]);
    expect(field(all[2]!, "if")).toMatch(/always\(\)/);
    expect(field(all[3]!, "if")).toBe("steps.check.outputs.exit-code != '0'");
    expect(Object.keys(inputDefaults())).toEqual(expect.arrayContaining(["paths", "config", "format"]));
  });

  describe.skipIf(!HAVE_CLI)("its check step, as the workflow runs it (skipped until `npm run build`)", () => {
    it("on the example: writes SARIF with the findings, exit-code 1 for the last step, and ends 0 so the upload runs", () => {
      const dir = project();
      const r = runCheckStep(dir, {});
      expect(r.status, r.stdout).toBe(0);
      expect(r.outputs).toEqual({ "exit-code": "1", report: "abidrift.sarif" });
      const sarif = JSON.parse(readFileSync(join(dir, "abidrift.sarif"), "utf8")) as { runs: { results: { ruleId: string }[] }[] };
      expect(sarif.runs[0]!.results.map((x) => x.ruleId)).toContain("struct-mismatch");
      expect(r.stdout).toMatch(/^::error title=abidrift::check found errors; see abidrift.sarif$/m);
    });

    it("with paths, a config and the github format: annotations in the log, no report file", () => {
      const dir = project();
      const r = runCheckStep(dir, { paths: "bpf loader", format: "github", config: "missing.json" });
      expect(r.status, r.stdout).toBe(0);
      // The config named does not exist: bad input, exit 2, and the job fails.
      expect(r.outputs["exit-code"]).toBe("2");
      expect(r.stdout).toMatch(/missing\.json/);
      const clean = runCheckStep(dir, { paths: "bpf loader", format: "github" });
      expect(clean.outputs).toEqual({ "exit-code": "1", report: "" });
      expect(clean.stdout).toMatch(/^::error file=loader\//m);
    });

    it("a clean tree: exit-code 0", () => {
      const dir = project();
      const r = runCheckStep(dir, { paths: "bpf" });
      expect(r.outputs["exit-code"], r.stdout).toBe("0");
    });
  });
});
