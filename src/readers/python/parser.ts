import { createRequire } from "node:module";
import type { Parser, Tree } from "web-tree-sitter";

// web-tree-sitter and the Python grammar load on first use only: commands
// that never read Python should not pay for a wasm runtime.
//
// `Parser.init()` replaces web-tree-sitter's one wasm module, so a second
// call strands every parser and tree made before it (a BCC tool's Python
// tree dies when its C is read). The C reader's loader does the one init;
// Python loads its grammar into that same module.

let ready: Promise<Parser> | undefined;

async function load(): Promise<Parser> {
  const { cParser } = await import("../c/parser.js");
  await cParser();
  const ts = await import("web-tree-sitter");
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
