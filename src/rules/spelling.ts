import type { Language, LayoutMode, UserspaceModule } from "../ir/bindings.js";

// The lines a fix asks the user to write, in the twin's own language.

/** A field of `bytes` bytes of padding. */
export function paddingField(u: Pick<UserspaceModule, "language" | "ctypesPrefix">, mode: LayoutMode, bytes: number): string {
  switch (u.language) {
    case "go":
      return `_ [${bytes}]byte`;
    case "python":
      return mode === "packed" ? `${bytes}x` : `("_pad", ${u.ctypesPrefix ?? "ctypes."}c_uint8 * ${bytes})`;
    case "rust":
      return `_pad: [u8; ${bytes}],`;
    case "typescript":
      return `/* ${bytes} bytes of padding */`;
    case "c":
      return `__u8 __pad[${bytes}];`;
  }
}

/** A fixed-width integer type of `bytes` bytes, spelled as `u` spells it (`ct.c_uint64` in a file that imports ctypes as ct). */
export function fixedInt(u: Pick<UserspaceModule, "language" | "ctypesPrefix">, bytes: number, signed: boolean): string {
  const bits = bytes * 8;
  switch (u.language) {
    case "go":
      return `${signed ? "int" : "uint"}${bits}`;
    case "python":
      return `${u.ctypesPrefix ?? "ctypes."}c_${signed ? "int" : "uint"}${bits}`;
    case "rust":
      return `${signed ? "i" : "u"}${bits}`;
    case "typescript":
      return bits === 64 ? "bigint" : "number";
    case "c":
      return `__${signed ? "s" : "u"}${bits}`;
  }
}

/** A member declaration: `Pid uint32` in Go, `("pid", ct.c_uint32)` in a ctypes `_fields_`. */
export function fieldLine(language: Language, name: string, type: string): string {
  switch (language) {
    case "python":
      return `("${name}", ${type})`;
    case "rust":
      return `${name}: ${type},`;
    case "c":
      return `${type} ${name};`;
    case "typescript":
      return `${name}: ${type}`;
    case "go":
      return `${name} ${type}`;
  }
}
