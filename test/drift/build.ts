import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBpfObjects } from "../../src/readers/object/index.js";
import type { BpfModule } from "../../src/ir/bindings.js";
import { CLANG, clangAvailable } from "../oracles/clang.js";

// Real objects for drift tests: many C programs compiled by one clang run
// (`-c a.c b.c ...` in a scratch directory), each read back as the CLI would.

export { clangAvailable };

const MULTIARCH = spawnSync("gcc", ["-dumpmachine"], { encoding: "utf8" }).stdout?.trim() || "x86_64-linux-gnu";

/** Compiles each source to `<name>.bpf.o` with `clang -target bpf -g -O2`; returns the directory. */
export function buildObjects(sources: Record<string, string>, dir = mkdtempSync(join(tmpdir(), "abidrift-drift-"))): string {
  const files = Object.entries(sources).map(([name, text]) => {
    writeFileSync(join(dir, `${name}.bpf.c`), text);
    return `${name}.bpf.c`;
  });
  const r = spawnSync(CLANG, ["-target", "bpf", "-g", "-O2", `-I/usr/include/${MULTIARCH}`, "-c", ...files], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${CLANG} failed in ${dir}:\n${r.stderr}`);
  return dir;
}

export function modulesOf(dir: string, name: string): BpfModule[] {
  const path = join(dir, `${name}.bpf.o`);
  return readBpfObjects(readFileSync(path), path);
}

/**
 * A libbpf program around `types`: a ring buffer of `struct event`, a hash
 * map from `mapKey` to u64, and the unused pointer libbpf-tools use so the
 * event, reached only through a pointer, stays in BTF.
 */
export function program(types: string, mapKey = "struct key", extraMaps = ""): string {
  return `#include <linux/types.h>
#define SEC(n) __attribute__((section(n), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
${types}
struct { __uint(type, 27); __uint(max_entries, 4096); } events SEC(".maps");
struct { __uint(type, 1); __uint(max_entries, 64); __type(key, ${mapKey}); __type(value, __u64); } counts SEC(".maps");
${extraMaps}
const struct event *unused_event __attribute__((unused));
SEC("tp/x") int handle(void *ctx) { return 0; }
char LICENSE[] SEC("license") = "GPL";
`;
}
