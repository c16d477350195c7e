import type { Node } from "web-tree-sitter";
import { Scope } from "./decls.js";
import { BLOCKS, type Searched } from "./syntax.js";

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

interface Block {
  start: number;
  end: number;
  scope: Scope;
}

// Blocks are found by byte range, not by walking `parent`: tree-sitter finds
// a node's parent by descending from the root, so a walk up from deep
// nesting costs the square of its depth.
export class BlockScopes {
  /** In document order: every block after the blocks that hold it. */
  private readonly blocks: Block[] = [];
  readonly root: Scope;

  constructor(fn: Node, parent: Scope, searched: Searched) {
    this.root = new Scope(parent);
    this.blocks.push({ start: fn.startIndex, end: fn.endIndex, scope: this.root });
    const open: Block[] = [this.blocks[0]!];
    searched.walk(fn, BLOCKS, (n) => {
      if (n.id === fn.id) return;
      const end = n.endIndex;
      while (open.length > 1 && open[open.length - 1]!.end < end) open.pop();
      const b = { start: n.startIndex, end, scope: new Scope(open[open.length - 1]!.scope) };
      this.blocks.push(b);
      open.push(b);
    });
  }

  /** The scope of the innermost block holding `node` (the node itself when it opens one); undefined outside the function. */
  at(node: Node): Scope | undefined {
    const { startIndex: s, endIndex: e } = node;
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const b = this.blocks[i]!;
      if (b.start <= s && e <= b.end) return b.scope;
    }
    return undefined;
  }

  /** A local variable visible at `node`, without reaching past the function into the file's names. */
  local(node: Node, name: string): ReturnType<Scope["lookup"]> {
    for (let s: Scope | undefined = this.at(node); s; s = s === this.root ? undefined : s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }
}
