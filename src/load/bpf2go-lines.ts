import { basename, dirname, resolve } from "node:path";
import { BPF2GO_VALUED, BPF2GO_WORD } from "../ir/command-line.js";
import { compilerFlags, shellWords } from "./shell-words.js";

// What a `//go:generate ... bpf2go ...` line says about the program it
// builds: the C source, the identifier its Go output is named after, the
// targets, and the compiler flags (`-cflags` and everything after `--`).
// `go generate` runs the line in the Go file's directory, so paths are
// resolved from there.

export interface Bpf2goLine {
  /** The Go file that carries the line, and the line. */
  file: string;
  line: number;
  /** The directory the line runs in. */
  dir: string;
  ident: string;
  /** The C source, resolved from `dir`. */
  source: string;
  targets: string[];
  types: string[];
  includeDirs: string[];
  defines: Record<string, string>;
}

/**
 * A tree's bpf2go lines, read once per check and looked up by the C source
 * they compile and by the objects they write: a scan of every line per C
 * file and per object made a tree of many programs quadratic.
 */
export class Bpf2goIndex {
  private readonly bySource = new Map<string, Bpf2goLine[]>();
  private readonly bySourceDir = new Map<string, Bpf2goLine[]>();
  private readonly byDir = new Map<string, Bpf2goLine[]>();

  constructor(readonly lines: readonly Bpf2goLine[]) {
    for (const l of lines) {
      push(this.bySource, l.source, l);
      push(this.bySourceDir, dirname(l.source), l);
      push(this.byDir, l.dir, l);
    }
  }

  /** The lines that compile this C source (absolute). */
  compiling(source: string): readonly Bpf2goLine[] {
    return this.bySource.get(source) ?? [];
  }

  /** The lines that compile a C source of this directory (absolute). */
  compilingIn(dir: string): readonly Bpf2goLine[] {
    return this.bySourceDir.get(dir) ?? [];
  }

  /** The line whose output `object` is: `<ident>_bpfel.o`, `<ident>_x86_bpfel.o` or `<ident>_bpfel_x86.o` in the line's directory. */
  writing(object: string): Bpf2goLine | undefined {
    const abs = resolve(object);
    const name = basename(abs);
    return this.byDir.get(dirname(abs))?.find((l) => writes(l.ident, name));
  }
}

/**
 * The C file a bpf2go line compiles. A path rooted in a variable the tree
 * does not set (`$REPO_ROOT/bpf/x.c`, set by the developer's shell or CI) is
 * the file under it that `under` finds above the Go file.
 */
function sourceOf(dir: string, word: string, expanded: string, vars: (name: string) => string | undefined, under: (dir: string, rest: string) => string | undefined): string {
  const rooted = /^\$(?:\{(\w+)\}|(\w+))\/(.+)$/.exec(word);
  if (rooted && vars((rooted[1] ?? rooted[2])!) === undefined) return under(dir, rooted[3]!) ?? resolve(dir, rooted[3]!);
  return resolve(dir, expanded);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Whether `name` is an object file bpf2go writes for `ident`: the identifier lower-cased, then the target and byte order. */
function writes(ident: string, name: string): boolean {
  const prefix = `${ident.toLowerCase()}_`;
  return name.startsWith(prefix) && name.endsWith(".o") && /^(?:\w+_)?bpfe[lb](?:_\w+)?$/.test(name.slice(prefix.length, -2));
}

/**
 * Every bpf2go line of a Go file. `vars` expands `$NAME` and `${NAME}` (the
 * Makefile that runs `go generate` usually sets BPF_CFLAGS); a word that
 * still names an unknown variable is dropped, as an empty variable would be.
 */
export function bpf2goLines(
  file: string,
  text: string,
  vars: (name: string) => string | undefined = () => undefined,
  under: (dir: string, rest: string) => string | undefined = () => undefined,
): Bpf2goLine[] {
  if (!/bpf2go/i.test(text)) return [];
  const out: Bpf2goLine[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^\/\/go:generate\s+(.*)$/.exec(lines[i]!.trimEnd());
    if (!m || !/bpf2go/i.test(m[1]!)) continue;
    const words = shellWords(m[1]!);
    // `bpf2go`, `go run github.com/cilium/ebpf/cmd/bpf2go@v0.16`, or a variable the Makefile sets (`$BPF2GO`).
    const at = words.findIndex((w) => BPF2GO_WORD.test(w));
    if (at < 0) continue;
    const expand = (w: string): string[] => {
      let unknown = false;
      const s = w.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_, a: string | undefined, b: string | undefined) => {
        const v = vars((a ?? b)!);
        if (v === undefined) unknown = true;
        return v ?? "";
      });
      if (unknown && s.trim() === "") return [];
      return s === w ? [w] : shellWords(s);
    };
    const positional: string[] = [];
    const raw: string[] = [];
    const cflags: string[] = [];
    const targets: string[] = [];
    const types: string[] = [];
    const rest = words.slice(at + 1);
    let k = 0;
    for (; k < rest.length && rest[k] !== "--"; k++) {
      const w = rest[k]!;
      const flag = /^--?([\w-]+)(?:=(.*))?$/.exec(w);
      if (!flag) {
        positional.push(...expand(w));
        raw.push(w);
        continue;
      }
      const name = flag[1]!;
      if (!BPF2GO_VALUED.has(name)) continue;
      const value = flag[2] ?? rest[++k] ?? "";
      const values = expand(value);
      if (name === "cflags") cflags.push(...values.flatMap((v) => shellWords(v)));
      else if (name === "target") targets.push(...values.flatMap((v) => v.split(",")));
      else if (name === "type") types.push(...values);
    }
    // bpf2go's -cflags defaults to $BPF2GO_CFLAGS.
    if (!rest.some((w) => /^--?cflags\b/.test(w))) cflags.push(...shellWords(vars("BPF2GO_CFLAGS") ?? ""));
    for (const w of rest.slice(k + 1)) cflags.push(...expand(w));
    if (positional.length < 2) continue;
    const dir = dirname(file);
    const flags = compilerFlags(cflags);
    out.push({
      file,
      line: i + 1,
      dir,
      ident: positional[0]!,
      source: sourceOf(dir, raw[1] ?? "", positional[1]!, vars, under),
      targets: targets.length ? targets : ["bpfel", "bpfeb"],
      types,
      includeDirs: flags.includes.map((d) => resolve(dir, d)),
      defines: flags.defines,
    });
  }
  return out;
}
