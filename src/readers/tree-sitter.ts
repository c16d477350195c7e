import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Parser } from "web-tree-sitter";

// The one place web-tree-sitter is started. `Parser.init()` replaces the
// library's single wasm module, and loading a grammar while a tree is alive
// corrupts that tree (a BCC tool's Python tree died when its embedded C
// loaded the C grammar). So the runtime starts once and every grammar loads
// with it, before any file is parsed.

type Grammar = "tree-sitter-c" | "tree-sitter-go" | "tree-sitter-python";
const GRAMMARS: readonly Grammar[] = ["tree-sitter-c", "tree-sitter-go", "tree-sitter-python"];

let parsers: Promise<Map<Grammar, Parser>> | undefined;

async function start(): Promise<Map<Grammar, Parser>> {
  const ts = await import("web-tree-sitter");
  await ts.Parser.init();
  const require = createRequire(import.meta.url);
  const out = new Map<Grammar, Parser>();
  for (const pkg of GRAMMARS) {
    const language = await ts.Language.load(wasmOf(pkg, require));
    const abi = language.abiVersion;
    if (abi < ts.MIN_COMPATIBLE_VERSION || abi > ts.LANGUAGE_VERSION) {
      throw new Error(`${pkg} grammar ABI ${abi} is outside what web-tree-sitter supports (${ts.MIN_COMPATIBLE_VERSION}..${ts.LANGUAGE_VERSION})`);
    }
    const parser = new ts.Parser();
    parser.setLanguage(language);
    out.set(pkg, parser);
  }
  return out;
}

/**
 * The grammar's wasm: the copy the package ships in grammars/ (the build
 * puts it there; the grammar packages, native code and all, are only
 * development dependencies), else the grammar package's own.
 */
function wasmOf(pkg: Grammar, require: NodeJS.Require): string {
  const shipped = fileURLToPath(new URL(`../../grammars/${pkg}.wasm`, import.meta.url));
  return existsSync(shipped) ? shipped : require.resolve(`${pkg}/${pkg}.wasm`);
}

/** The parser for a grammar; the first call starts web-tree-sitter with all of them. */
export async function grammarParser(pkg: Grammar): Promise<Parser> {
  parsers ??= start();
  return (await parsers).get(pkg)!;
}
