import { describe, expect, it } from "vitest";
import { TARGETS, TARGET_NAMES, type ScalarKind } from "../../src/ir/targets.js";
import { clangAvailable, runClang, tempSource } from "../oracles/clang.js";

// Every figure of the target table against clang for that triple: the size
// and alignment of each scalar (alignment as a struct member, which is what
// layout uses: i386 gives 8-byte scalars 4), whether plain char is signed,
// what a bare `aligned` means, and __builtin_va_list.

const C_TYPES: Record<ScalarKind, string> = {
  bool: "_Bool",
  char: "char",
  short: "short",
  int: "int",
  long: "long",
  longlong: "long long",
  int128: "__int128",
  float: "float",
  double: "double",
  longdouble: "long double",
  pointer: "void *",
  half: "__fp16",
  float16: "_Float16",
};

/** Asks clang for each named figure as the length of a char array, read back from the AST dump. */
function clangFigures(triple: string, exprs: Record<string, string>): Record<string, number> {
  const src = Object.entries(exprs)
    .map(([name, e]) => `char fig_${name}[${e}];`)
    .join("\n");
  const out = runClang(["-target", triple, "-fsyntax-only", "-w", "-Xclang", "-ast-dump", tempSource(src)]);
  const figures: Record<string, number> = {};
  for (const m of out.matchAll(/VarDecl .* fig_(\w+) 'char\[(\d+)\]'/g)) figures[m[1]!] = Number(m[2]);
  return figures;
}

describe.skipIf(!clangAvailable)("target table agrees with clang", () => {
  for (const name of TARGET_NAMES) {
    it(name, () => {
      const t = TARGETS[name];
      const macros = runClang(["-target", t.triple, "-dM", "-E", "-x", "c", "/dev/null"]);
      const has128 = macros.includes("__SIZEOF_INT128__");
      const hasFloat16 = macros.includes("__FLT16_MAX__");
      const exprs: Record<string, string> = {
        char_signed: "(char)-1 < 0 ? 1 : 2",
        max_align: "_Alignof(struct { char c __attribute__((aligned)); })",
        va_size: "sizeof(__builtin_va_list)",
        va_align: "_Alignof(__builtin_va_list)",
        // The widest promoted _Atomic: a 16-byte struct is promoted where the width allows, else left at 4.
        atomic16_align: "_Alignof(_Atomic struct { int a[4]; })",
        atomic8_align: "_Alignof(_Atomic struct { int a[2]; })",
        vector_align: "_Alignof(char __attribute__((vector_size(64))))",
      };
      for (const [kind, c] of Object.entries(C_TYPES)) {
        if ((kind === "int128" && !has128) || (kind === "float16" && !hasFloat16)) continue;
        exprs[`${kind}_size`] = `sizeof(${c})`;
        exprs[`${kind}_align`] = `__builtin_offsetof(struct { char c; ${c} x; }, x)`;
      }
      const got = clangFigures(t.triple, exprs);
      expect(t.scalars.int128 !== undefined, "__int128").toBe(has128);
      expect(t.scalars.float16 !== undefined, "_Float16").toBe(hasFloat16);
      expect(t.atomicPromote).toBe(got.atomic16_align === 16 ? 16 : got.atomic8_align === 8 ? 8 : 0);
      expect(t.maxVectorAlign).toBe(got.vector_align === 64 ? 0 : got.vector_align);
      for (const kind of Object.keys(C_TYPES) as ScalarKind[]) {
        const info = t.scalars[kind];
        if (!info) continue;
        expect({ kind, size: info.size, align: info.align }).toEqual({ kind, size: got[`${kind}_size`], align: got[`${kind}_align`] });
      }
      expect(t.charSigned).toBe(got.char_signed === 1);
      expect(t.maxAlign).toBe(got.max_align);
      expect(t.vaList).toEqual({ size: got.va_size, align: got.va_align });
      expect(t.byteOrder).toBe(macros.includes("__BYTE_ORDER__ __ORDER_BIG_ENDIAN__") ? "big" : "little");
    });
  }
});
