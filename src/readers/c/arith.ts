// Integer arithmetic of C constant expressions, shared by `#if` and by the
// array lengths, bitfield widths and enum values of declarations. Values
// carry their C type's width and signedness, since `-0x80000000` is
// positive and `~0U` is 4294967295. Division by zero and bad literals come
// back as undefined so the caller can say where.

/** A C integer constant with its type's width and signedness, which decide how it wraps. */
export interface CInt {
  v: bigint;
  unsigned: boolean;
  bits: number;
}

export const cint = (v: bigint, unsigned = false, bits = 32): CInt => ({ v: wrap(v, unsigned, bits), unsigned, bits });

function wrap(v: bigint, unsigned: boolean, bits: number): bigint {
  return unsigned ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
}

const SHORT_DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * An integer literal typed as C types it: the first of int, (unsigned int
 * for hex and octal), long, unsigned long, long long, ... that holds it,
 * from where the suffix starts. `longBits` is the target's; `#if` passes
 * 64, where every value is intmax_t or uintmax_t.
 */
export function parseIntLiteral(text: string, longBits = 64, minBits = 32): CInt | undefined {
  // Array lengths and enum values are nearly all a few decimal digits: an int, whatever the target.
  if (text.length <= 9 && SHORT_DECIMAL.test(text)) return cint(BigInt(text), false, Math.max(32, minBits));
  const m = /^([-+]?)(0[xX][0-9a-fA-F']+|0[bB][01']+|0[0-7']*|[1-9][0-9']*)([uUlL]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2]!.replace(/'/g, "");
  let v: bigint;
  try {
    v = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  } catch {
    return undefined;
  }
  const suffix = m[3]!.toLowerCase();
  const decimal = /^[1-9]/.test(digits) || digits === "0";
  const longs = (suffix.match(/l/g) ?? []).length;
  const u = suffix.includes("u");
  const ladder: [number, boolean][] = [];
  const widths = [Math.max(32, minBits), Math.max(longBits, minBits), 64];
  for (let rank = longs; rank < 3; rank++) {
    const bits = widths[rank]!;
    if (!u) ladder.push([bits, false]);
    if (u || !decimal) ladder.push([bits, true]);
  }
  const [bits, unsigned] = ladder.find(([b, un]) => (un ? v < 1n << BigInt(b) : v < 1n << BigInt(b - 1))) ?? [64, true];
  const out = cint(v, unsigned, bits);
  return m[1] === "-" ? unaryInt("-", out) : out;
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, "0": 0, a: 7, b: 8, f: 12, v: 11, "\\": 92, "'": 39, '"': 34, "?": 63 };

/** `'a'`, `'\n'`, `'\x41'`, `'\101'`: the value of a plain char literal, an int. */
export function parseCharLiteral(text: string): CInt | undefined {
  const m = /^[LuU]?'(.*)'$/s.exec(text);
  if (!m) return undefined;
  const body = m[1]!;
  if (body.length === 1) return cint(BigInt(body.charCodeAt(0)));
  if (body[0] !== "\\") return undefined;
  const rest = body.slice(1);
  if (/^x[0-9a-fA-F]+$/.test(rest)) return cint(BigInt(`0${rest}`));
  if (/^[0-7]{1,3}$/.test(rest)) return cint(BigInt(`0o${rest}`));
  const e = ESCAPES[rest];
  return e === undefined ? undefined : cint(BigInt(e));
}

const B = (b: boolean): CInt => cint(b ? 1n : 0n);

/** C's usual arithmetic conversions: the wider type, unsigned if the wider one is. */
function common(a: CInt, b: CInt): { unsigned: boolean; bits: number } {
  const bits = Math.max(a.bits, b.bits, 32);
  const unsigned = (a.bits === bits && a.unsigned) || (b.bits === bits && b.unsigned);
  return { unsigned, bits };
}

export function binaryInt(op: string, a: CInt, b: CInt): CInt | undefined {
  if (op === "<<" || op === ">>") {
    const bits = Math.max(a.bits, 32);
    const unsigned = a.unsigned && a.bits >= 32;
    if (b.v < 0n || b.v >= BigInt(bits)) return undefined;
    const x = wrap(a.v, unsigned, bits);
    return cint(op === "<<" ? x << b.v : x >> b.v, unsigned, bits);
  }
  if (op === "&&") return B(a.v !== 0n && b.v !== 0n);
  if (op === "||") return B(a.v !== 0n || b.v !== 0n);
  const t = common(a, b);
  const x = wrap(a.v, t.unsigned, t.bits);
  const y = wrap(b.v, t.unsigned, t.bits);
  const r = (v: bigint): CInt => cint(v, t.unsigned, t.bits);
  switch (op) {
    case "+":
      return r(x + y);
    case "-":
      return r(x - y);
    case "*":
      return r(x * y);
    case "/":
      return y === 0n ? undefined : r(x / y);
    case "%":
      return y === 0n ? undefined : r(x % y);
    case "&":
      return r(x & y);
    case "|":
      return r(x | y);
    case "^":
      return r(x ^ y);
    case "==":
      return B(x === y);
    case "!=":
      return B(x !== y);
    case "<":
      return B(x < y);
    case ">":
      return B(x > y);
    case "<=":
      return B(x <= y);
    case ">=":
      return B(x >= y);
    default:
      return undefined;
  }
}

export function unaryInt(op: string, a: CInt): CInt | undefined {
  const bits = Math.max(a.bits, 32);
  const unsigned = a.unsigned && a.bits >= 32;
  switch (op) {
    case "-":
      return cint(-a.v, unsigned, bits);
    case "+":
      return cint(a.v, unsigned, bits);
    case "~":
      return cint(~a.v, unsigned, bits);
    case "!":
      return B(a.v === 0n);
    default:
      return undefined;
  }
}

/** Binding strength of C's binary operators, for `#if` parsing. */
export const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  "||": 1,
  "&&": 2,
  "|": 3,
  "^": 4,
  "&": 5,
  "==": 6,
  "!=": 6,
  "<": 7,
  ">": 7,
  "<=": 7,
  ">=": 7,
  "<<": 8,
  ">>": 8,
  "+": 9,
  "-": 9,
  "*": 10,
  "/": 10,
  "%": 10,
};
