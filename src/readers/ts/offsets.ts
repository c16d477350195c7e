import { Node } from "ts-morph";

// Offsets as the code spells them: `4`, `off + 4`, `offset + HEADER + 2`,
// `b + 8 * 2`. One term may be the record's base (a parameter, a cursor);
// the rest must be numbers or `const`s bound to numbers. Anything else
// (`off + i * 4` in a loop) is not a constant offset and is left out.

const MAX_DEPTH = 32;

/** The constant part of an offset expression, or undefined when it has none that is fixed. */
export function constantOffset(node: Node): number | undefined {
  const r = evaluate(node, 0);
  return r && r.bases <= 1 ? r.value : undefined;
}

interface Value {
  value: number;
  /** Terms that are not constants: the base the offsets are relative to. */
  bases: number;
}

function evaluate(node: Node, depth: number): Value | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (Node.isNumericLiteral(node)) return { value: Number(node.getLiteralValue()), bases: 0 };
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node)) return evaluate(node.getExpression(), depth + 1);
  // `view.byteOffset + off + 34`: where the view starts in its buffer, not where the record is in the view.
  if (Node.isPropertyAccessExpression(node) && node.getName() === "byteOffset") return { value: 0, bases: 0 };
  if (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) {
    const c = constantValue(node, depth);
    return c !== undefined ? { value: c, bases: 0 } : { value: 0, bases: 1 };
  }
  if (Node.isBinaryExpression(node)) {
    const op = node.getOperatorToken().getText();
    const l = evaluate(node.getLeft(), depth + 1);
    const r = evaluate(node.getRight(), depth + 1);
    if (!l || !r) return undefined;
    switch (op) {
      case "+":
        return { value: l.value + r.value, bases: l.bases + r.bases };
      case "-":
        return r.bases ? undefined : { value: l.value - r.value, bases: l.bases };
      case "*":
        return l.bases || r.bases ? undefined : { value: l.value * r.value, bases: 0 };
      default:
        return undefined;
    }
  }
  return undefined;
}

/** The number a `const NAME = 4` (or `Obj.NAME` of a `const Obj = {NAME: 4}`) stands for. */
function constantValue(node: Node, depth: number): number | undefined {
  const symbol = node.getSymbol();
  for (const decl of symbol?.getDeclarations() ?? []) {
    if (Node.isVariableDeclaration(decl) && decl.getVariableStatement()?.getDeclarationKind() === "const") {
      const init = decl.getInitializer();
      if (init) {
        const v = evaluate(init, depth + 1);
        if (v && v.bases === 0) return v.value;
      }
    }
    if (Node.isPropertyAssignment(decl)) {
      const init = decl.getInitializer();
      if (init && Node.isNumericLiteral(init)) return Number(init.getLiteralValue());
    }
    if (Node.isEnumMember(decl)) {
      const v = decl.getValue();
      if (typeof v === "number") return v;
    }
  }
  return undefined;
}
