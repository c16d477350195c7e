// Compiles BPF C in the test run with clang-16, for both byte orders, so
// every object a test reads comes from the compiler on the machine.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hasTool } from "../../oracles/bpftool.js";

export const CLANG = "clang-16";
export const HAVE_CLANG = hasTool(CLANG);
export const FIXTURES_BPF = fileURLToPath(new URL("../../../fixtures/bpf/", import.meta.url));
export const FIXTURES_OBJECTS = fileURLToPath(new URL("../../../fixtures/objects/", import.meta.url));
export const ENDIANS = ["bpfel", "bpfeb"] as const;
export type Endian = (typeof ENDIANS)[number];

function multiarchInclude(): string[] {
  try {
    return [`-I/usr/include/${execFileSync("gcc", ["-dumpmachine"], { encoding: "utf8" }).trim()}`];
  } catch {
    return [];
  }
}

export function scratchDir(what: string): string {
  return mkdtempSync(join(tmpdir(), `abidrift-${what}-`));
}

/** `clang-16 -target T -g -O2 -c SRC -o OUT`; returns OUT. */
export function compileBpf(src: string, target: Endian, outDir: string, extra: string[] = []): string {
  const out = join(outDir, `${basename(src).replace(/\.bpf\.c$|\.c$/, "")}.${target}.o`);
  execFileSync(CLANG, ["-target", target, "-g", "-O2", "-c", src, "-o", out, ...multiarchInclude(), ...extra], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return out;
}

/** C text compiled the same way, through a file in `outDir`. */
export function compileBpfText(name: string, text: string, target: Endian, outDir: string): string {
  const src = join(outDir, `${name}.bpf.c`);
  writeFileSync(src, text);
  return compileBpf(src, target, outDir);
}

export interface CompiledFixture {
  name: string;
  target: Endian;
  path: string;
}

/** Every fixtures/bpf/*.bpf.c compiled for both byte orders. */
export function compileAllFixtures(outDir: string): CompiledFixture[] {
  const out: CompiledFixture[] = [];
  for (const f of readdirSync(FIXTURES_BPF).filter((n) => n.endsWith(".bpf.c")).sort()) {
    for (const target of ENDIANS) {
      out.push({ name: f.replace(/\.bpf\.c$/, ""), target, path: compileBpf(join(FIXTURES_BPF, f), target, outDir) });
    }
  }
  return out;
}
