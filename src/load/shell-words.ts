// Compiler flags among the words of a build line.

import { shellWords } from "../ir/command-line.js";

export { shellWords };

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
