// findEmbeddedObjects: the BPF objects that libbpf skeletons carry inside
// every libbpf-tools binary, and objects embedded by hand in hosts of each
// class and byte order, checked with llvm-readelf and against the bytes
// clang wrote.
import { spawnSync } from "node:child_process";
import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/ir/errors.js";
import { EM_BPF, ET_REL, findEmbeddedObjects, readElf } from "../../../src/readers/elf/index.js";
import { BPF_PROGRAM, compileAll, scratchDir, type Target } from "./objects.js";
import { expectSameAsReadelf } from "./expect-readelf.js";
import { CLANG, READELF, hasTool, readelf } from "./readelf.js";

const haveTools = hasTool(CLANG) && hasTool(READELF);

function libbpfTools(): string[] {
  const listing = spawnSync("dpkg", ["-L", "libbpf-tools"], { encoding: "utf8" });
  if (listing.status !== 0) return [];
  const paths = listing.stdout.split("\n").filter((p) => p.startsWith("/usr/sbin/"));
  // Many tools are symlinks to one binary (btrfsdist -> fsdist).
  return [...new Set(paths.map((p) => realpathSync(p)))].sort();
}
const tools = libbpfTools();

describe.skipIf(!haveTools || tools.length === 0)(
  `objects embedded by libbpf skeletons in libbpf-tools (needs ${READELF} and Debian libbpf-tools)`,
  () => {
    it(`every one of the ${tools.length} binaries carries at least one EM_BPF object, extent and bytes exact`, () => {
      const dir = scratchDir();
      const written: { path: string; object: ReturnType<typeof findEmbeddedObjects>[number] }[] = [];
      for (const tool of tools) {
        const bytes = readFileSync(tool);
        const objects = findEmbeddedObjects(readElf(bytes, tool));
        expect(objects.length, tool).toBeGreaterThanOrEqual(1);
        objects.forEach((object, i) => {
          expect(object.file).toBe(tool);
          expect(object.bytes.length).toBe(object.extent);
          // baseOffset locates the object in the host file as read from disk.
          expect(Buffer.compare(bytes.subarray(object.baseOffset, object.baseOffset + object.extent), object.bytes)).toBe(0);
          if (i > 0) expect(object.baseOffset).toBeGreaterThanOrEqual(objects[i - 1].baseOffset + objects[i - 1].extent);
          const path = join(dir, `${basename(tool)}-${i}.o`);
          writeFileSync(path, object.bytes);
          written.push({ path, object });
        });
      }
      const oracles = readelf(written.map((w) => w.path));
      written.forEach(({ path, object }, i) => {
        const o = oracles[i];
        expect({ machine: o.machine, type: o.type, btf: o.sections.some((s) => s.name === ".BTF") }, path).toEqual({
          machine: EM_BPF,
          type: ET_REL,
          btf: true,
        });
        // The extent is exactly what llvm-readelf needs: up to the end of the section header table.
        expect(o.shoff + o.shnum * o.shentsize, path).toBe(object.extent);
        expectSameAsReadelf(object, o);
      });
    });
  },
);

/** A C array initialiser holding `bytes`. */
function cArray(bytes: Uint8Array): string {
  return `{ ${Array.from(bytes, (b) => `0x${b.toString(16)}`).join(", ")} }`;
}

describe.skipIf(!haveTools)(`objects embedded in hosts compiled here (needs ${CLANG} and ${READELF})`, () => {
  const hosts: [Target, string][] = [
    ["x86_64-linux-gnu", "ELF64 little-endian host"],
    ["i386-linux-gnu", "ELF32 little-endian host"],
    ["mips-linux-gnu", "ELF32 big-endian host"],
    ["powerpc64-linux-gnu", "ELF64 big-endian host"],
  ];
  it.each(hosts)("%s (%s): bpfel and bpfeb objects in .rodata and .data, a decoy magic, all found in file order", (target) => {
    const dir = scratchDir();
    const [el, eb] = compileAll(dir, [
      { name: "prog-el", target: "bpfel", flags: ["-O2", "-g"], source: BPF_PROGRAM },
      { name: "prog-eb", target: "bpfeb", flags: ["-O2", "-g"], source: BPF_PROGRAM },
    ]).map((p) => readFileSync(p));
    // The decoy is an ELF identification for x86-64: not a BPF object.
    const decoy = new Uint8Array(64);
    decoy.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    decoy[18] = 62;
    const source = [
      `__attribute__((used)) const unsigned char decoy[] = ${cArray(decoy)};`,
      `__attribute__((used)) const unsigned char obj_el[] = ${cArray(el)};`,
      `__attribute__((used)) unsigned char obj_eb_writable[] = ${cArray(eb)};`,
      `__attribute__((used)) const unsigned char obj_eb[] = ${cArray(eb)};`,
    ].join("\n");
    const [hostPath] = compileAll(dir, [{ name: "host", target, flags: ["-O2"], source }]);
    const host = readElf(readFileSync(hostPath), hostPath);
    const objects = findEmbeddedObjects(host);

    // Where each array sits, from llvm-readelf: its section's offset plus the symbol's value.
    const [oracle] = readelf([hostPath]);
    const at = (name: string) => {
      const sym = oracle.symbols.find((s) => s.name === name);
      if (sym === undefined) throw new Error(`no symbol ${name} in ${hostPath}`);
      return oracle.sections[sym.shndx].offset + sym.value;
    };
    const expected = [
      { base: at("obj_el"), bytes: el },
      { base: at("obj_eb_writable"), bytes: eb },
      { base: at("obj_eb"), bytes: eb },
    ].sort((a, b) => a.base - b.base);
    expect(objects.map((o) => ({ base: o.baseOffset, bytes: Buffer.from(o.bytes) }))).toEqual(
      expected.map((e) => ({ base: e.base, bytes: Buffer.from(e.bytes) })),
    );
    expect(objects.map((o) => o.byteOrder)).toEqual(expected.map((e) => (e.bytes === el ? "little" : "big")));
  });

  it("an object cut short inside its host section is an InputError at its offset in the host", () => {
    const dir = scratchDir();
    const [el] = compileAll(dir, [{ name: "prog", target: "bpfel", flags: ["-O2", "-g"], source: BPF_PROGRAM }]).map((p) => readFileSync(p));
    const cut = el.subarray(0, el.length - 100);
    const source = `__attribute__((used, section(".rodata.cut"))) const unsigned char obj[] = ${cArray(cut)};`;
    const [hostPath] = compileAll(dir, [{ name: "host", target: "x86_64-linux-gnu", flags: [], source }]);
    const host = readElf(readFileSync(hostPath), hostPath);
    const base = host.section(".rodata.cut")?.offset;
    expect(base).toBeDefined();
    const error = (() => {
      try {
        findEmbeddedObjects(host);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.file).toBe(hostPath);
    // Blamed on the embedded header's e_shoff (byte 40 of an ELF64 header), located in the host.
    expect(e.at.offset).toBe((base ?? 0) + 40);
    expect(e.detail).toMatch(/section header table/);
  });
});
