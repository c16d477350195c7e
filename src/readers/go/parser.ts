import type { Parser, Tree } from "web-tree-sitter";
import { grammarParser } from "../tree-sitter.js";

// web-tree-sitter starts on the first parse of any grammar
// (../tree-sitter.ts): commands that read no source never pay for it.

export function goParser(): Promise<Parser> {
  return grammarParser("tree-sitter-go");
}

export async function parseGo(text: string): Promise<Tree> {
  const parser = await goParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree for a Go file");
  return tree;
}
