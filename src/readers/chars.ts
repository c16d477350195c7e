// Character codes the readers' hand-written scanners compare against: one
// table for the C declaration index, the plain-declaration reader and the
// Go top-level scan, inlined where they are used.

export const enum Ch {
  Tab = 9,
  Newline = 10,
  Cr = 13,
  Space = 32,
  Bang = 33,
  Quote = 34,
  Hash = 35,
  Apostrophe = 39,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Colon = 58,
  Semi = 59,
  Equals = 61,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  Backtick = 96,
  LBrace = 123,
  RBrace = 125,
  Tilde = 126,
}

/** C identifier characters, [A-Za-z0-9_$], by code below 128. */
export const C_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) C_WORD[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 ? 1 : 0;
