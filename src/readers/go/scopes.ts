import type { Node } from "web-tree-sitter";
import { Scope } from "./decls.js";

// The blocks of one Go function, each its own scope as the Go spec has
// them: the function (its parameters), every `{ ... }`, the implicit block
// of an `if`, `for`, `switch` or `select` (where `x := f(); cond` declares),
// and each case or comm clause. A name declared with `:=` in an inner block
// shadows the outer one there and nowhere else; two `case` arms each
// declaring `v` hold two variables, not one.
//
// Order within a block is not kept: Go allows no second `:=` of one name in
// one block, so a block's names are one set. (A use before an inner block's
// own declaration of a name would resolve to the inner one; code that
// shadows that way reads the same either way here.)

const BLOCKS = new Set([
  "function_declaration",
  "method_declaration",
  "func_literal",
  "block",
  "if_statement",
  "for_statement",
  "expression_switch_statement",
  "type_switch_statement",
  "select_statement",
  "expression_case",
  "type_case",
  "default_case",
  "communication_case",
]);

export class BlockScopes {
  private readonly byNode = new Map<number, Scope>();
  readonly root: Scope;

  constructor(fn: Node, parent: Scope) {
    this.root = new Scope(parent);
    this.byNode.set(fn.id, this.root);
    // Document order puts every block after the blocks that hold it.
    for (const n of fn.descendantsOfType([...BLOCKS])) {
      if (n.id === fn.id) continue;
      this.byNode.set(n.id, new Scope(this.outer(n)));
    }
  }

  /** The scope of the innermost block holding `node` (the node itself when it opens one); undefined outside the function. */
  at(node: Node): Scope | undefined {
    for (let n: Node | null = node; n; n = n.parent) {
      const s = this.byNode.get(n.id);
      if (s) return s;
    }
    return undefined;
  }

  /** The scope a declaration at `node` adds its names to. */
  declaring(node: Node): Scope {
    return (node.parent && this.at(node.parent)) ?? this.root;
  }

  /** A local variable visible at `node`, without reaching past the function into the file's names. */
  local(node: Node, name: string): ReturnType<Scope["lookup"]> {
    for (let s: Scope | undefined = this.declaring(node); s; s = s === this.root ? undefined : s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }

  private outer(n: Node): Scope {
    return (n.parent && this.at(n.parent)) ?? this.root;
  }
}
