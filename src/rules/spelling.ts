import type { Language, LayoutMode } from "../ir/bindings.js";

// The lines a fix asks the user to write, in the twin's own language.

/** A field of `bytes` bytes of padding. */
export function paddingField(language: Language, mode: LayoutMode, bytes: number): string {
  switch (language) {
    case "go":
      return `_ [${bytes}]byte`;
    case "python":
      return mode === "packed" ? `${bytes}x` : `("_pad", ctypes.c_uint8 * ${bytes})`;
    case "rust":
      return `_pad: [u8; ${bytes}],`;
    case "typescript":
      return `/* ${bytes} bytes of padding */`;
    case "c":
      return `__u8 __pad[${bytes}];`;
  }
}

/** A fixed-width integer type of `bytes` bytes. */
export function fixedInt(language: Language, bytes: number, signed: boolean): string {
  const bits = bytes * 8;
  switch (language) {
    case "go":
      return `${signed ? "int" : "uint"}${bits}`;
    case "python":
      return `ctypes.c_${signed ? "int" : "uint"}${bits}`;
    case "rust":
      return `${signed ? "i" : "u"}${bits}`;
    case "typescript":
      return bits === 64 ? "bigint" : "number";
    case "c":
      return `__${signed ? "s" : "u"}${bits}`;
  }
}
