import type { Node } from "web-tree-sitter";
import type { Suppression } from "../../ir/bindings.js";
import { ignoreIn, mirrorsIn, suppressing } from "../../ir/directives.js";
import type { SourceLoc } from "../../ir/types.js";
import { locOf, type Searched } from "./syntax.js";

// The comments of a Go file that speak to abidrift (src/ir/directives.ts),
// and the lines that hold only comment.

export interface Mirror {
  name: string;
  loc: SourceLoc;
  /** The line of the comment; it binds the declaration on this line or the next. */
  line: number;
}

export interface CommentClaims {
  mirrors: Mirror[];
  suppressions: Suppression[];
  /** Lines that hold nothing but comment, to walk up from a declaration through its doc comment. */
  lines: Set<number>;
}

const COMMENT = new Set(["comment"]);


export function readComments(file: string, text: string, root: Node, searched: Searched): CommentClaims {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const claims: CommentClaims = { mirrors: [], suppressions: [], lines: new Set() };
  searched.walk(root, COMMENT, (n) => {
    const start = lineStarts[n.startPosition.row] ?? 0;
    // A comment after code on its line belongs to that line only.
    if (text.slice(start, n.startIndex).trim() === "") {
      for (let r = n.startPosition.row; r <= n.endPosition.row; r++) claims.lines.add(r + 1);
    }
    const line = n.startPosition.row + 1;
    const mirror = mirrorsIn(n.text);
    if (mirror) claims.mirrors.push({ name: mirror.name, loc: locOf(file, n), line });
    const ignore = ignoreIn(n.text);
    if (ignore) claims.suppressions.push(...suppressing(n.endPosition.row + 2, ignore.rules));
  });
  return claims;
}

/**
 * The mirror claim of a declaration at `line`: a comment on the line just
 * above (with only comments between), or at the end of the same line.
 */
export function mirrorFor(mirrors: readonly Mirror[], line: number, commentLines: ReadonlySet<number>): Mirror | undefined {
  const same = mirrors.find((m) => m.line === line);
  if (same) return same;
  for (let l = line - 1; l > 0 && commentLines.has(l); l--) {
    const m = mirrors.find((x) => x.line === l);
    if (m) return m;
  }
  return undefined;
}
