import { createRequire } from "node:module";
import type { Parser, Tree } from "web-tree-sitter";

// web-tree-sitter and the Python grammar load on first use only: commands
// that never read Python should not pay for a wasm runtime.

let ready: Promise<Parser> | undefined;

async function load(): Promise<Parser> {
  const ts = await import("web-tree-sitter");
  await ts.Parser.init();
  const wasm = createRequire(import.meta.url).resolve("tree-sitter-python/tree-sitter-python.wasm");
  const language = await ts.Language.load(wasm);
  const abi = language.abiVersion;
  if (abi < ts.MIN_COMPATIBLE_VERSION || abi > ts.LANGUAGE_VERSION) {
    throw new Error(`tree-sitter-python grammar ABI ${abi} is outside what web-tree-sitter supports (${ts.MIN_COMPATIBLE_VERSION}..${ts.LANGUAGE_VERSION})`);
  }
  const parser = new ts.Parser();
  parser.setLanguage(language);
  return parser;
}

export async function parsePython(text: string): Promise<Tree> {
  ready ??= load();
  const parser = await ready;
  const tree = parser.parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree for a Python file");
  return tree;
}
