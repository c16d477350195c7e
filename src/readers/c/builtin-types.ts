// The kernel's fixed-width integer typedefs (include/uapi/asm-generic/int-ll64.h,
// include/uapi/linux/types.h, include/linux/types.h) and the C library's, for
// source that uses them without including where they live. A definition in
// the source always wins; these only fill in names nothing declared.
// test/readers/c/builtin-types.test.ts checks each against the kernel's BTF.

export type Builtin = { alias: string } | { words: string[] };

const w = (s: string): Builtin => ({ words: s.split(" ") });
const a = (alias: string): Builtin => ({ alias });

const BUILTINS: Readonly<Record<string, Builtin>> = {
  __u8: w("unsigned char"),
  __s8: w("signed char"),
  __u16: w("unsigned short"),
  __s16: w("short"),
  __u32: w("unsigned int"),
  __s32: w("int"),
  __u64: w("unsigned long long"),
  __s64: w("long long"),
  __be16: a("__u16"),
  __le16: a("__u16"),
  __be32: a("__u32"),
  __le32: a("__u32"),
  __be64: a("__u64"),
  __le64: a("__u64"),
  __sum16: a("__u16"),
  __wsum: a("__u32"),
  __poll_t: a("unsigned"),
  u8: a("__u8"),
  s8: a("__s8"),
  u16: a("__u16"),
  s16: a("__s16"),
  u32: a("__u32"),
  s32: a("__s32"),
  u64: a("__u64"),
  s64: a("__s64"),
  uint8_t: w("unsigned char"),
  int8_t: w("signed char"),
  uint16_t: w("unsigned short"),
  int16_t: w("short"),
  uint32_t: w("unsigned int"),
  int32_t: w("int"),
  uint64_t: w("unsigned long"),
  int64_t: w("long"),
  size_t: w("unsigned long"),
  ssize_t: w("long"),
  uintptr_t: w("unsigned long"),
  intptr_t: w("long"),
  ptrdiff_t: w("long"),
};

// glibc's <stdint.h> gives 64-bit types as `long` on LP64 and `long long` elsewhere.
const ILP32: Readonly<Record<string, Builtin>> = {
  uint64_t: w("unsigned long long"),
  int64_t: w("long long"),
  size_t: w("unsigned int"),
  ssize_t: w("int"),
  uintptr_t: w("unsigned int"),
  intptr_t: w("int"),
  ptrdiff_t: w("int"),
};

export function builtinTypedef(name: string, lp64: boolean): Builtin | undefined {
  if (!Object.hasOwn(BUILTINS, name)) return undefined;
  return (!lp64 && Object.hasOwn(ILP32, name) ? ILP32[name] : BUILTINS[name])!;
}
