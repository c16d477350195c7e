// Build lines (a `//go:generate` comment, a Makefile recipe, a
// compile_commands.json `command`) split into words as a POSIX shell does
// for the cases builds write: blanks separate, quotes group, a backslash
// escapes. Variables are expanded by the caller, which knows where they come from.

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

/** The `-I`, `-isystem`, `-idirafter` directories and `-D` definitions among compiler words. */
export function compilerFlags(words: readonly string[]): { includes: string[]; defines: Record<string, string> } {
  const includes: string[] = [];
  const defines: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const dir = /^-(?:I|isystem|idirafter|iquote)(.*)$/.exec(w);
    if (dir) {
      const value = dir[1] || words[++i];
      if (value) includes.push(value);
      continue;
    }
    const def = /^-D(.*)$/.exec(w);
    if (def) {
      const value = def[1] || words[++i];
      if (!value) continue;
      const eq = value.indexOf("=");
      if (eq < 0) defines[value] = "1";
      else defines[value.slice(0, eq)] = value.slice(eq + 1);
    }
  }
  return { includes, defines };
}
