import type { Parser } from "web-tree-sitter";
import { grammarParser } from "../tree-sitter.js";

/** The C parser; the grammar loads on first use, so commands that never read C never pay for it. */
export function cParser(): Promise<Parser> {
  return grammarParser("tree-sitter-c");
}
