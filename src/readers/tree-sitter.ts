import { createRequire } from "node:module";
import type { Parser } from "web-tree-sitter";

// The one place web-tree-sitter is started. `Parser.init()` replaces the
// library's single wasm module, so a second call strands every parser and
// tree made before it (a BCC tool's Python tree dies when its C is read):
// every grammar loads into the module started here, once.

let runtime: Promise<typeof import("web-tree-sitter")> | undefined;
const parsers = new Map<string, Promise<Parser>>();

/** A parser for the grammar whose wasm ships in npm package `pkg` (`tree-sitter-c`), loaded on first use. */
export function grammarParser(pkg: "tree-sitter-c" | "tree-sitter-go" | "tree-sitter-python"): Promise<Parser> {
  let p = parsers.get(pkg);
  if (!p) {
    p = (async () => {
      runtime ??= import("web-tree-sitter").then(async (ts) => {
        await ts.Parser.init();
        return ts;
      });
      const ts = await runtime;
      const wasm = createRequire(import.meta.url).resolve(`${pkg}/${pkg}.wasm`);
      const language = await ts.Language.load(wasm);
      const abi = language.abiVersion;
      if (abi < ts.MIN_COMPATIBLE_VERSION || abi > ts.LANGUAGE_VERSION) {
        throw new Error(`${pkg} grammar ABI ${abi} is outside what web-tree-sitter supports (${ts.MIN_COMPATIBLE_VERSION}..${ts.LANGUAGE_VERSION})`);
      }
      const parser = new ts.Parser();
      parser.setLanguage(language);
      return parser;
    })();
    parsers.set(pkg, p);
  }
  return p;
}
