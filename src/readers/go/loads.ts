import { dirname, join, normalize } from "node:path";
import type { ProgramRef } from "../../ir/bindings.js";
import { BPF2GO_VALUED, BPF2GO_WORD, shellWords } from "../../ir/command-line.js";

// Which BPF programs a Go file loads, as its build and its code say:
// bpf2go's `//go:generate` line (its ident names the objects it writes, its
// source the C they come from), a `//go:embed` of an object (bpf2go's own
// output embeds the object of its target), and object paths given to
// cilium/ebpf or libbpfgo at run time, which only name the file.

const RUNTIME_LOAD = /\b(?:LoadCollectionSpec|LoadCollection|NewModuleFromFile|LoadModuleFromFile)\(\s*"([^"\n]+\.(?:o|elf))"/g;

export function programRefs(file: string, text: string, generated: boolean): ProgramRef[] {
  const dir = dirname(file);
  const out: ProgramRef[] = [];
  // Most files hold no directive: not worth a walk over their lines.
  const lines = text.includes("//go:") ? text.split("\n") : [];
  lines.forEach((line, i) => {
    const loc = { file, line: i + 1, column: 1 };
    const gen = /^\s*\/\/go:generate\s+(.*)$/.exec(line);
    if (gen && /\bbpf2go\b/.test(gen[1]!)) out.push(...bpf2goRefs(dir, gen[1]!, loc));
    const embed = /^\s*\/\/go:embed\s+(.*)$/.exec(line);
    if (embed) {
      for (const name of shellWords(embed[1]!)) {
        if (/\.(o|elf)$/.test(name)) out.push({ path: join(dir, name), via: "go:embed", loc, ...(generated ? { exact: true } : {}) });
      }
    }
  });
  for (const m of text.matchAll(RUNTIME_LOAD)) {
    const line = text.slice(0, m.index).split("\n").length;
    out.push({ path: normalize(m[1]!), anyDir: true, via: m[0].slice(0, m[0].indexOf("(")), loc: { file, line, column: 1 } });
  }
  return out;
}

/** `go run .../bpf2go -cc clang -target amd64 bpf dns.bpf.c -- -I../headers`: the objects and the source. */
function bpf2goRefs(dir: string, command: string, loc: ProgramRef["loc"]): ProgramRef[] {
  const words = shellWords(command);
  const start = words.findIndex((w) => BPF2GO_WORD.test(w));
  if (start < 0) return [];
  const positional: string[] = [];
  let outDir = dir;
  for (let i = start + 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === "--") break;
    if (w.startsWith("-")) {
      const [flag, inline] = w.replace(/^-+/, "").split("=", 2) as [string, string | undefined];
      const value = inline ?? (BPF2GO_VALUED.has(flag) ? words[++i] : undefined);
      if (flag === "output-dir" && value) outDir = join(dir, value);
      continue;
    }
    positional.push(w);
  }
  const [ident, source] = positional;
  if (!ident || !source) return [];
  const via = "go:generate bpf2go";
  // Every target's object shares the stem: `bpf_x86_bpfel.o`, `bpf_bpfeb.o`.
  return [
    { path: join(outDir, `${ident.toLowerCase()}_bpfel.o`), via, loc },
    { path: join(dir, source), via, loc },
  ];
}
