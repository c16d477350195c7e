import type { Node, Tree } from "web-tree-sitter";

// tree-sitter-c has no place for a GNU attribute written after a file-scope
// declarator, the way libbpf programs write `const struct event *unused
// __attribute__((unused));` (to keep a type in BTF) or `int x SEC(".data.x");`.
// It ends the declaration at the attribute with a MISSING ";", and the
// attribute lands on whatever follows. A compiler gives the attribute to the
// variable, as it would written before the declarator; so the text is
// rotated to say that (`const struct event __attribute__((unused)) *unused;`)
// and parsed again. The rotation keeps every other character where it was,
// so offsets, lines and columns outside the rotated span do not move, and
// the parser re-reads only the rotated spans.

const ATTRIBUTE = "__attribute__";

/** A rotated span: its offsets, and the line and column where it starts (it holds no newline). */
export interface RotatedSpan {
  start: number;
  end: number;
  row: number;
  column: number;
}

/** The text with each such attribute moved before its declarator, and the spans rotated; undefined when there is none. */
export function moveTrailingAttributes(tree: Tree, text: string): { text: string; spans: RotatedSpan[] } | undefined {
  if (!tree.rootNode.hasError || !text.includes(ATTRIBUTE)) return undefined;
  const spans: (RotatedSpan & { attr: number })[] = [];
  for (const node of tree.rootNode.namedChildren) {
    if (node?.type !== "declaration") continue;
    const last = node.child(node.childCount - 1);
    if (!last?.isMissing || last.type !== ";") continue;
    const declarators = node.childrenForFieldName("declarator").filter((d): d is Node => d !== null);
    const declarator = declarators[declarators.length - 1];
    if (!declarator) continue;
    const attr = skipSpace(text, declarator.endIndex);
    const end = attributesEnd(text, attr);
    if (end === undefined || text.slice(declarator.startIndex, end).includes("\n")) continue;
    spans.push({ start: declarator.startIndex, end, attr, row: declarator.startPosition.row, column: declarator.startPosition.column });
  }
  if (!spans.length) return undefined;
  let out = "";
  let at = 0;
  for (const s of spans) {
    const decl = text.slice(s.start, s.attr);
    const attrs = text.slice(s.attr, s.end);
    const bare = decl.trimEnd();
    const space = decl.length - bare.length;
    // `buf[3]__attribute__((x))` has no space to move; `)` ends a token anyway.
    out += text.slice(at, s.start) + attrs + (space ? " " + bare + " ".repeat(space - 1) : bare);
    at = s.end;
  }
  return { text: out + text.slice(at), spans };
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === " " || text[i] === "\t")) i++;
  return i;
}

/** The end of one or more `__attribute__((...))` starting at `i`, or undefined when none starts there. */
function attributesEnd(text: string, i: number): number | undefined {
  let end: number | undefined;
  while (text.startsWith(ATTRIBUTE, i)) {
    let j = skipSpace(text, i + ATTRIBUTE.length);
    if (text[j] !== "(") break;
    let depth = 0;
    for (; j < text.length; j++) {
      if (text[j] === "(") depth++;
      else if (text[j] === ")" && --depth === 0) break;
      else if (text[j] === "\n") return end;
    }
    if (depth !== 0) return end;
    end = j + 1;
    i = skipSpace(text, end);
  }
  return end;
}
