import { execFile } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { InputError } from "../ir/errors.js";
import { dirAbove } from "../load/dir-above.js";
import { readHead } from "../load/layout-sources.js";
import { sniff } from "../load/sniff.js";
import { globToRegExp, matchesAny } from "./glob.js";

// Which files a check reads. In a git work tree, git's own list (tracked and
// untracked, minus what .gitignore hides); elsewhere a walk that skips
// dependency and VCS directories. Files are classified by name here; the
// contents decide later (a `.c` file without BPF markers is userspace C).

export type InputKind = "object" | "c" | "go" | "python" | "typescript";

export interface Discovered {
  /** Path as reports print it: relative to the working directory. */
  path: string;
  kind: InputKind;
}

/** What a walk found and read, and the files of languages no reader takes yet, named so a report can say so. */
export interface Discovery {
  files: Discovered[];
  /** Rust sources (aya, libbpf-rs): BPF and userspace there go unchecked. */
  unreadRust: number;
}

const SKIP_DIRS = new Set(["node_modules", "vendor", ".git", "dist", "__pycache__", ".venv"]);
// Past this many files a walk is not looking at a repository any more.
const MAX_FILES = 200_000;

export function kindOf(path: string): InputKind | undefined {
  // cilium/ebpf's test objects are `x-el.elf` and `x-eb.elf`.
  if (path.endsWith(".o") || path.endsWith(".elf")) return "object";
  if (path.endsWith(".c") || path.endsWith(".h")) return "c";
  if (path.endsWith(".go")) return "go";
  if (path.endsWith(".py")) return "python";
  // Declaration files hold types, never the decoders a twin is read from.
  if (/\.[mc]?ts$/.test(path) && !/\.d\.[mc]?ts$/.test(path)) return "typescript";
  // BCC tools are Python programs with no extension (/usr/sbin/execsnoop-bpfcc);
  // executables are ELF, and a libbpf skeleton's carries its BPF objects.
  if (!basename(path).includes(".")) {
    const kind = sniffed(path);
    if (kind === "python") return "python";
    if (kind === "elf") return "object";
  }
  return undefined;
}

function sniffed(path: string): ReturnType<typeof sniff> {
  try {
    return sniff(path, readHead(path));
  } catch {
    return undefined;
  }
}

export async function discover(paths: readonly string[], opts: { include: readonly string[]; exclude: readonly string[]; base: string }): Promise<Discovery> {
  const include = opts.include.map(globToRegExp);
  const exclude = opts.exclude.map(globToRegExp);
  const seen = new Set<string>();
  const out: Discovered[] = [];
  let unreadRust = 0;
  for (const p of paths) {
    const abs = resolve(p);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new InputError(p, "no such file or directory");
    }
    const files = st.isDirectory() ? await listFiles(abs) : [abs];
    for (const f of files) {
      const kind = kindOf(f);
      if (!kind && f.endsWith(".rs")) unreadRust++;
      if (!kind || seen.has(f)) continue;
      // Globs in the config are relative to the config's directory.
      const key = relative(opts.base, f).split(sep).join("/");
      if (st.isDirectory()) {
        if (include.length && !matchesAny(key, include)) continue;
        if (matchesAny(key, exclude)) continue;
      }
      seen.add(f);
      out.push({ path: relative(process.cwd(), f) || f, kind });
    }
  }
  return { files: out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), unreadRust };
}

async function listFiles(dir: string): Promise<string[]> {
  return (inWorkTree(dir) && (await gitFiles(dir))) || walk(dir);
}

/**
 * Whether git could find a repository for `dir`: a `.git` in it or above
 * it, or one named by the environment. Elsewhere `git ls-files` only fails,
 * and starting it is most of what checking one program outside a
 * repository waits for.
 */
function inWorkTree(dir: string): boolean {
  return Boolean(process.env.GIT_DIR) || dirAbove(dir, ".git") !== undefined;
}

async function gitFiles(dir: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await promisify(execFile)("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."], {
      cwd: dir,
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
    });
    const files = stdout
      .split("\0")
      .filter((f) => f && !f.split("/").some((seg) => SKIP_DIRS.has(seg)))
      .map((f) => join(dir, f));
    // A deleted file is still in the index until the next commit.
    return files.filter(isFile);
  } catch {
    return undefined;
  }
}

// Synchronous, as the walk: thousands of stats and listings, each a system
// call, cost more as turns of the thread pool than the calls themselves.
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function walk(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) stack.push(join(dir, e.name));
      } else if (e.isFile() || (e.isSymbolicLink() && isFile(join(dir, e.name)))) {
        // A link to a file counts (libbpf-tools' x86/vmlinux.h → vmlinux_614.h); links to folders are not followed.
        out.push(join(dir, e.name));
        if (out.length > MAX_FILES) throw new InputError(root, `more than ${MAX_FILES} files under this directory; narrow it with "include" in abidrift.config.json`);
      }
    }
  }
  return out;
}
