// Build lines (a `//go:generate` comment, a Makefile recipe, a
// compile_commands.json `command`) split into words as a POSIX shell does
// for the cases builds write: blanks separate, quotes group, a backslash
// escapes. Variables are expanded by the caller, which knows where they come
// from. Here, below the readers, because the Go reader and the include-path
// finder read the same bpf2go lines.

export function shellWords(line: string): string[] {
  const out: string[] = [];
  let word = "";
  let started = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
      started = true;
    } else if (c === " " || c === "\t") {
      if (started) out.push(word);
      word = "";
      started = false;
    } else {
      word += c;
      started = true;
    }
  }
  if (started) out.push(word);
  return out;
}

/** The word that runs bpf2go: `bpf2go`, `go run github.com/cilium/ebpf/cmd/bpf2go@v0.16`, or `$BPF2GO` a Makefile sets. */
export const BPF2GO_WORD = /(^|\/)bpf2go(@\S*)?$|^\$\{?BPF2GO\}?$/;

/** bpf2go's flags that take a value, so the value is not taken for the identifier. */
export const BPF2GO_VALUED = new Set(["cc", "cflags", "target", "type", "go-package", "output-dir", "output-stem", "output-suffix", "tags", "strip", "makebase"]);
