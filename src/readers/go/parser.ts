import type { Tree } from "web-tree-sitter";
import { grammarParser } from "../tree-sitter.js";

// web-tree-sitter and the Go grammar load on first use only: commands that
// never read Go should not pay for a wasm runtime.

export async function parseGo(text: string): Promise<Tree> {
  const parser = await grammarParser("tree-sitter-go");
  const tree = parser.parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree for a Go file");
  return tree;
}
