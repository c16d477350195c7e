import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";

// abidrift reads no Rust: an aya tree's BPF and userspace go unchecked, and
// a report says so once rather than passing as if it had looked.

function tree(withC: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "abidrift-rust-"));
  mkdirSync(join(dir, "app-ebpf/src"), { recursive: true });
  mkdirSync(join(dir, "app/src"), { recursive: true });
  writeFileSync(join(dir, "app-ebpf/src/main.rs"), "#![no_std]\n#[map]\nstatic COUNTS: HashMap<u32, u64> = HashMap::with_max_entries(64, 0);\n");
  writeFileSync(join(dir, "app/src/main.rs"), "fn main() {}\n");
  if (withC) {
    const c = [
      "#define SEC(name) __attribute__((section(name), used))",
      "#define __uint(name, val) int (*name)[val]",
      "#define __type(name, val) typeof(val) *name",
      'struct { __uint(type, 1); __type(key, int); __type(value, long); __uint(max_entries, 8); } counts SEC(".maps");',
    ];
    writeFileSync(join(dir, "count.bpf.c"), c.join("\n") + "\n");
  }
  return dir;
}

describe("Rust sources are named as unread", () => {
  it("a tree whose only BPF is Rust fails, saying its Rust files were not read", async () => {
    await expect(check({ paths: [tree(false)], lock: false })).rejects.toThrow(/no BPF input found: .*\(2 Rust files not read: abidrift reads no Rust yet/);
  });

  it("beside BPF C, the Rust files are one note, not a finding", async () => {
    const r = await check({ paths: [tree(true)], lock: false });
    expect(r.files.bpf).toBe(1);
    expect(r.findings).toEqual([]);
    expect(r.notes.filter((n) => n.includes("Rust"))).toEqual(["2 Rust files not read: abidrift reads no Rust yet, so aya or libbpf-rs programs and their userspace go unchecked"]);
  });

  it("a tree without Rust has no such note", async () => {
    const dir = tree(true);
    const r = await check({ paths: [join(dir, "count.bpf.c")], lock: false });
    expect(r.notes.some((n) => n.includes("Rust"))).toBe(false);
  });
});
