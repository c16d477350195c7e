import { dirname } from "node:path";
import { shellWords } from "./shell-words.js";

// Enough of a Makefile to know how it compiles BPF C: its variables (with
// `$(NAME)` references expanded where they name other variables of the same
// file, and `$(dir ...)`, `$(abspath ...)`), the compiler words of its CFLAGS-like variables and clang recipes,
// and which targets build objects. Functions other than the path ones and
// `$(shell ...)` are not run: a word that still holds a `$` is dropped.

export interface Makefile {
  file: string;
  dir: string;
  /** A variable's value, expanded. */
  variable(name: string): string | undefined;
  /** Compiler words from CFLAGS-like variables and the recipes that run clang, expanded as far as they go. */
  compilerWords: string[];
  /** Rule targets that name objects: `x.bpf.o`, `%.bpf.o`, `$(OUTPUT)/%.o` expanded. */
  objectTargets: string[];
}

const ASSIGN = /^\s*(?:export\s+|override\s+)*([A-Za-z_][\w.-]*)\s*(:{1,3}=|\+=|\?=|=)\s*(.*)$/;
const FLAG_VARS = /CFLAGS|CPPFLAGS|INCLUDES?$|_INC$|^INC$|INCS$/;
const MAX_DEPTH = 10;

export function parseMakefile(file: string, text: string): Makefile {
  const dir = dirname(file);
  const raw = new Map<string, string>();
  const recipes: string[] = [];
  const targets: string[] = [];
  const lines = text.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  for (const line of lines) {
    if (line.startsWith("\t")) {
      if (/\bclang\b|\$[({]CLANG[)}]|\$[({]CC[)}]|\$[({]BPF_CLANG[)}]/.test(line)) recipes.push(line.trim());
      continue;
    }
    const stripped = line.replace(/(^|[^\\])#.*$/, "$1");
    const a = ASSIGN.exec(stripped);
    if (a && !/^\s*[^=]*:[^=]/.test(stripped.slice(0, stripped.indexOf(a[2]!)))) {
      const [, name, op, value] = a;
      const prev = raw.get(name!);
      if (op === "+=") raw.set(name!, prev === undefined ? value!.trim() : `${prev} ${value!.trim()}`);
      else if (op === "?=") {
        if (prev === undefined) raw.set(name!, value!.trim());
      } else raw.set(name!, value!.trim());
      continue;
    }
    const rule = /^([^:=#\t][^:=#]*?)\s*:(?!=)/.exec(stripped);
    if (rule) for (const t of rule[1]!.split(/\s+/)) if (/\.o$/.test(t)) targets.push(t);
  }
  const expand = (s: string, depth: number): string =>
    depth > MAX_DEPTH
      ? s
      : s.replace(/\$(?:\(([^()$]*)\)|\{([^{}$]*)\})/g, (all, a: string | undefined, b: string | undefined) => {
          const ref = (a ?? b)!.trim();
          if (ref === "CURDIR") return dir;
          const fn = /^(abspath|realpath|strip|dir)\s+(.*)$/.exec(ref);
          if (fn?.[1] === "dir") return expand(fn[2]!, depth + 1).replace(/[^/]*$/, "") || "./";
          if (fn) return expand(fn[2]!, depth + 1);
          const v = raw.get(ref);
          // What a shell command prints is not known here: `$(ARCH)` stays a name the caller may know.
          return v === undefined || v.includes("$(shell") ? all : expand(v, depth + 1);
        });
  // References nested in functions expand from the inside out.
  const full = (s: string): string => {
    let prev = s;
    for (let i = 0; i < MAX_DEPTH; i++) {
      const next = expand(prev, 0);
      if (next === prev) break;
      prev = next;
    }
    return prev;
  };
  const words: string[] = [];
  for (const [name, value] of raw) if (FLAG_VARS.test(name)) words.push(...shellWords(full(value)));
  for (const r of recipes) words.push(...shellWords(full(r)));
  return {
    file,
    dir,
    variable: (name) => (raw.has(name) ? full(raw.get(name)!) : undefined),
    compilerWords: words,
    objectTargets: targets.map(full).filter((t) => !t.includes("$")),
  };
}
