import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { rng, freshSeed } from "./random.js";
export { rng, freshSeed };

// CPython as an oracle: ctypes and struct answer for themselves. One process
// runs a whole batch of cases; the script prints one JSON line per case.

export const PYTHON = process.env.ABIDRIFT_PYTHON ?? "python3";

function probe(): string | undefined {
  const r = spawnSync(PYTHON, ["-c", "import sys, ctypes, struct; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** `3.11` and the like, or undefined when no usable python3 is installed. */
export const pythonVersion: string | undefined = probe();

/** Why python-backed tests skip, for `describe.skipIf(...)` titles. */
export const pythonMissing = pythonVersion === undefined ? `${PYTHON} with ctypes not found` : "";

/** Runs a script and returns its stdout lines; throws with stderr on failure. */
export function runPython(script: string, python = PYTHON): string[] {
  const r = spawnSync(python, ["-"], { input: script, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${python} failed (${r.status}):\n${r.stderr}`);
  return r.stdout.split("\n").filter((l) => l !== "");
}



/** One CPython found on this machine, by the version it reports. */
export interface Interpreter {
  version: string;
  path: string;
}

/**
 * Every CPython 3 on this machine with ctypes: the python3.x in /usr/bin and
 * /usr/local/bin, and each pyenv version. One interpreter per version.
 */
export function interpreters(): Interpreter[] {
  const candidates = [PYTHON];
  for (const dir of ["/usr/bin", "/usr/local/bin"]) {
    for (const f of listDir(dir)) if (/^python3\.\d+$/.test(f)) candidates.push(join(dir, f));
  }
  const pyenv = join(process.env.PYENV_ROOT ?? join(homedir(), ".pyenv"), "versions");
  for (const v of listDir(pyenv)) candidates.push(join(pyenv, v, "bin", "python3"));
  const found = new Map<string, Interpreter>();
  for (const path of candidates) {
    const r = spawnSync(path, ["-c", "import sys, ctypes; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
    const version = r.status === 0 ? r.stdout.trim() : "";
    if (/^3\.\d+$/.test(version) && !found.has(version)) found.set(version, { version, path });
  }
  return [...found.values()];
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Runs `print` (a Python expression) after defining a BCC tool's ctypes
 * classes the way CPython does, with its `prog = """..."""` text at hand as
 * `prog`, its classes as `classes` and their namespace as `ns` (`ct` is
 * ctypes). The tool itself is never run: BCC would load it into the kernel.
 */
export function toolClasses(tool: string, print: string): string {
  const [line] = runPython(`
import ast, ctypes, json
tree = ast.parse(open(${JSON.stringify(tool)}).read())
prog = next(n.value.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "prog")
ns = {"ct": ctypes}
classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
exec(compile(ast.Module(body=classes, type_ignores=[]), "tool", "exec"), ns)
print(json.dumps(${print}))
`);
  return line!;
}
