import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

// The Go toolchain as an oracle: unsafe.Sizeof/Alignof/Offsetof and
// binary.Size answer for the compiler. One program per batch of cases.
// amd64 and 386 binaries run here; arm64 and arm are only compiled, with the
// expected figures written as constant assertions the compiler must accept.

export const GO = process.env.ABIDRIFT_GO ?? "go";
export const GOCACHE = process.env.ABIDRIFT_GOCACHE ?? "/tmp/abidrift-gocache";

export type GoArch = "amd64" | "arm64" | "386" | "arm";

const STRUCTS_SHIM = "package structs\n\ntype HostLayout struct{ _ hostLayout }\n\ntype hostLayout struct{}\n";

/** Where Debian's golang-github-cilium-ebpf-dev puts cilium/ebpf and its dependencies. */
export const CILIUM_GOPATH = process.env.ABIDRIFT_CILIUM_GOPATH ?? "/usr/share/gocode";

function env(arch: GoArch, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOARCH: arch,
    GOOS: "linux",
    CGO_ENABLED: "0",
    GOFLAGS: "-mod=mod",
    GO111MODULE: "off",
    GOCACHE,
    ...extra,
  };
}

function probe(): string | undefined {
  const r = spawnSync(GO, ["version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** `go version go1.19.8 linux/amd64`, or undefined when no Go toolchain is installed. */
export const goVersion: string | undefined = probe();

/** Why Go-backed tests skip, for `describe.skipIf(...)` titles. */
export const goMissing = goVersion === undefined ? `${GO} not found` : "";

function canRun386(): boolean {
  if (goVersion === undefined) return false;
  const out = runGo('package main\nimport "fmt"\nfunc main() { fmt.Println("ok") }\n', "386", true);
  return out?.[0] === "ok";
}

/** Whether this machine runs 386 binaries (a 64-bit x86 kernel with 32-bit support). */
export const run386Missing = canRun386() ? "" : "this machine cannot run GOARCH=386 binaries";

/** Builds and runs a main package (which may import `structs`), with sibling files of the package beside it; returns its stdout lines, or undefined on failure when `quiet`. */
export function runGo(
  source: string,
  arch: "amd64" | "386",
  quiet = false,
  siblings: Record<string, string | Uint8Array> = {},
): string[] | undefined {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-go-"));
  try {
    const file = join(dir, "main.go");
    writeFileSync(file, source);
    writeSiblings(dir, siblings);
    // Go 1.19 has no package structs (Go 1.23): a GOPATH copy of its declaration stands in.
    mkdirSync(join(dir, "src", "structs"), { recursive: true });
    writeFileSync(join(dir, "src", "structs", "structs.go"), STRUCTS_SHIM);
    const r = spawnSync(GO, ["run", file, ...packageFiles(dir, siblings)], { cwd: dir, env: env(arch, { GOPATH: `${dir}:${CILIUM_GOPATH}` }), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) {
      if (quiet) return undefined;
      throw new Error(`go run (GOARCH=${arch}) failed (${r.status}):\n${r.stderr.slice(0, 4000)}`);
    }
    return r.stdout.split("\n").filter((l) => l !== "");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Siblings of main.go: files of its package by bare name, and other
 * packages under `src/<import path>/` (the build runs in GOPATH mode, with
 * the temporary directory first on GOPATH).
 */
function writeSiblings(dir: string, siblings: Record<string, string | Uint8Array>): void {
  for (const [name, content] of Object.entries(siblings)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

function packageFiles(dir: string, siblings: Record<string, string | Uint8Array>): string[] {
  return Object.keys(siblings).filter((n) => n.endsWith(".go") && !n.includes("/")).map((n) => join(dir, n));
}

/** Compiles a main package for `arch` (with siblings as runGo's, their build constraints applied); the compiler's errors, or "" when it builds. */
export function compileGo(source: string, arch: GoArch, siblings: Record<string, string | Uint8Array> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-go-"));
  try {
    const file = join(dir, "main.go");
    writeFileSync(file, source);
    writeSiblings(dir, siblings);
    // The directory as a package, not a list of files: only then does the build read //go:build lines.
    const r = spawnSync(GO, ["build", "-gcflags=-e", "-o", join(dir, "out"), "."], { cwd: dir, env: env(arch, { GOPATH: dir }), encoding: "utf8" });
    return r.status === 0 ? "" : r.stderr || `go build exited ${r.status}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** bpf2go, built offline from Debian's golang-github-cilium-ebpf-dev, or undefined with the reason. */
export function buildBpf2go(): { path?: string; missing: string } {
  if (goVersion === undefined) return { missing: `${GO} not found` };
  const gopath = CILIUM_GOPATH;
  const out = join(tmpdir(), "abidrift-bpf2go", "bpf2go");
  mkdirSync(join(tmpdir(), "abidrift-bpf2go"), { recursive: true });
  const r = spawnSync(GO, ["build", "-o", out, "github.com/cilium/ebpf/cmd/bpf2go"], {
    env: { ...env("amd64"), GOARCH: "", GOPATH: gopath },
    encoding: "utf8",
  });
  if (r.status !== 0) return { missing: `cannot build bpf2go from ${gopath}: ${r.stderr.split("\n")[0] ?? ""}` };
  return { path: out, missing: "" };
}
