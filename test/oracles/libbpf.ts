// The libbpf oracle for map definitions: libbpf-maps.c, built here with gcc
// against the machine's libbpf, opens an object without loading it and
// prints what libbpf understood of every map.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hasTool } from "./bpftool.js";

export interface LibbpfMap {
  /** libbpf's name; for a section of globals `<object prefix>.rodata` and the like. */
  name: string;
  /** A map libbpf made of a section of globals (.data, .bss, .rodata, .kconfig). */
  internal: boolean;
  type: number;
  key_size: number;
  value_size: number;
  max_entries: number;
  map_flags: number;
  numa_node: number;
  map_extra: bigint;
  /** `__uint(pinning, LIBBPF_PIN_BY_NAME)`: libbpf gave it a pin path. */
  pinned: boolean;
  btf_key_type_id: number;
  btf_value_type_id: number;
  inner?: LibbpfMap;
}

const SOURCE = fileURLToPath(new URL("./libbpf-maps.c", import.meta.url));

/** gcc and libbpf's header and library are all there. */
export const HAVE_LIBBPF = hasTool("gcc") && existsSync("/usr/include/bpf/libbpf.h") && linksLibbpf();

function linksLibbpf(): boolean {
  return spawnSync("sh", ["-c", "echo 'int main(void){return 0;}' | gcc -x c - -o /dev/null -lbpf"], { stdio: "ignore" }).status === 0;
}

let built: string | undefined;

/** Builds the oracle once per test process. */
function oracle(): string {
  if (built) return built;
  const out = join(mkdtempSync(join(tmpdir(), "abidrift-libbpf-")), "libbpf-maps");
  execFileSync("gcc", ["-O1", "-Wall", "-Werror", "-o", out, SOURCE, "-lbpf"], { stdio: ["ignore", "ignore", "pipe"] });
  built = out;
  return out;
}

/**
 * Every map of the object in `file` as libbpf opens it, or of the object
 * embedded in `file` at `offset` with `length` bytes, which a skeleton opens
 * under the name `name`. Throws with libbpf's own complaint when it refuses
 * the object.
 */
export function libbpfMaps(file: string, embedded?: { offset: number; length: number; name: string }): LibbpfMap[] {
  const args = embedded ? [file, String(embedded.offset), String(embedded.length), embedded.name] : [file];
  const r = spawnSync(oracle(), args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`libbpf refused ${file}: ${r.stderr.trim()}`);
  return r.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => revive(JSON.parse(l) as Record<string, unknown>));
}

function revive(raw: Record<string, unknown>): LibbpfMap {
  const m = { ...raw, map_extra: BigInt(raw.map_extra as string) } as LibbpfMap;
  if (raw.inner) m.inner = revive(raw.inner as Record<string, unknown>);
  return m;
}
