import type { Tree } from "web-tree-sitter";
import { grammarParser } from "../tree-sitter.js";

// web-tree-sitter and the Python grammar load on first use only: commands
// that never read Python should not pay for a wasm runtime.

export async function parsePython(text: string): Promise<Tree> {
  const parser = await grammarParser("tree-sitter-python");
  const tree = parser.parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree for a Python file");
  return tree;
}
