import { createRequire } from "node:module";
import type { Parser as TSParser } from "web-tree-sitter";

// web-tree-sitter and the C grammar load on first use only: commands that
// never read C never pay for the wasm.

let parser: Promise<TSParser> | undefined;

export function cParser(): Promise<TSParser> {
  parser ??= (async () => {
    const { Parser, Language } = await import("web-tree-sitter");
    await Parser.init();
    const require = createRequire(import.meta.url);
    const lang = await Language.load(require.resolve("tree-sitter-c/tree-sitter-c.wasm"));
    const p = new Parser();
    p.setLanguage(lang);
    return p;
  })();
  return parser;
}
