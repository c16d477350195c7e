import type { Target } from "../../ir/targets.js";

// The macros clang defines before reading a file for each target, as far as
// headers test them to pick types: architecture, data model, byte order,
// compiler identity. test/readers/c/predefined.test.ts compares each value
// with `clang -dM -E` for the target.

const ARCH: Readonly<Record<Target["name"], Record<string, string>>> = {
  bpfel: { __bpf__: "1", __BPF__: "1" },
  bpfeb: { __bpf__: "1", __BPF__: "1" },
  x86_64: { __x86_64__: "1", __x86_64: "1", __amd64__: "1", __amd64: "1", __linux__: "1", __linux: "1", __unix__: "1", __gnu_linux__: "1" },
  aarch64: { __aarch64__: "1", __ARM_64BIT_STATE: "1", __linux__: "1", __linux: "1", __unix__: "1", __gnu_linux__: "1", __CHAR_UNSIGNED__: "1" },
  i386: { __i386__: "1", __i386: "1", i386: "1", __linux__: "1", __linux: "1", __unix__: "1", __gnu_linux__: "1", __ILP32__: "1" },
  armhf: { __arm__: "1", __ARM_EABI__: "1", __ARM_PCS_VFP: "1", __linux__: "1", __linux: "1", __unix__: "1", __gnu_linux__: "1", __CHAR_UNSIGNED__: "1", __ILP32__: "1" },
};

/** GNU spellings of keywords, which the C grammar knows only plainly: given to the preprocessor as macros. */
export const KEYWORD_SPELLINGS: Readonly<Record<string, string>> = {
  __signed__: "signed",
  __signed: "signed",
  __const: "const",
  __const__: "const",
  __volatile__: "volatile",
  __restrict: "restrict",
  __restrict__: "restrict",
  __inline: "inline",
  __inline__: "inline",
  __extension__: "",
};

export function predefinedMacros(target: Target): Record<string, string> {
  const s = target.scalars;
  const lp64 = s.long.size === 8;
  return {
    __STDC__: "1",
    __STDC_VERSION__: "201710L",
    __GNUC__: "4",
    __GNUC_MINOR__: "2",
    __clang__: "1",
    __clang_major__: "16",
    __CHAR_BIT__: "8",
    __ORDER_LITTLE_ENDIAN__: "1234",
    __ORDER_BIG_ENDIAN__: "4321",
    __BYTE_ORDER__: target.byteOrder === "little" ? "__ORDER_LITTLE_ENDIAN__" : "__ORDER_BIG_ENDIAN__",
    ...(target.byteOrder === "little" ? { __LITTLE_ENDIAN__: "1" } : { __BIG_ENDIAN__: "1" }),
    ...(lp64 ? { __LP64__: "1", _LP64: "1" } : {}),
    __SIZEOF_SHORT__: String(s.short.size),
    __SIZEOF_INT__: String(s.int.size),
    __SIZEOF_LONG__: String(s.long.size),
    __SIZEOF_LONG_LONG__: String(s.longlong.size),
    __SIZEOF_POINTER__: String(s.pointer.size),
    __SIZEOF_FLOAT__: String(s.float.size),
    __SIZEOF_DOUBLE__: String(s.double.size),
    __SIZEOF_LONG_DOUBLE__: String(s.longdouble.size),
    ...(s.float16 ? { __FLT16_MAX__: "6.5504e+4F16" } : {}),
    ...(s.int128 ? { __SIZEOF_INT128__: String(s.int128.size) } : {}),
    ...ARCH[target.name],
  };
}
