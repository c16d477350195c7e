// The CLI as users run it: built JavaScript under plain node, NO_COLOR set,
// exit code and both streams captured.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = `${ROOT}dist/cli/main.js`;
/** `npm test` builds first; a bare `vitest run` on a fresh clone has nothing to run. */
export const HAVE_CLI = existsSync(CLI);

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { timeoutMs?: number; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
    maxBuffer: 1 << 30,
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What every bad input must produce: exit 2 and one line naming the file, no stack, no internal error. */
export function badInputProblem(r: CliResult, file: string): string {
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  if (r.status !== 2) return `exit ${r.status}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}`;
  if (lines.length !== 1) return `${lines.length} stderr lines: ${JSON.stringify(r.stderr.slice(0, 300))}`;
  if (!lines[0]!.startsWith(`abidrift: ${file}`)) return `stderr does not start with "abidrift: ${file}": ${lines[0]}`;
  if (lines[0]!.includes("internal error")) return `our bug, not the input's: ${lines[0]}`;
  return "";
}

/** A validator for one of schemas/*.schema.json. */
export function schemaValidator(name: string): (data: unknown) => string {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(`${ROOT}schemas/${name}`, "utf8")) as object);
  return (data) => (validate(data) ? "" : JSON.stringify(validate.errors?.slice(0, 5)));
}
