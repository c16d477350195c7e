// The machines a shared struct is laid out for, as data. Every number here is
// checked against clang's own record layouts in test/ir/targets.test.ts
// (`clang -target <triple> -Xclang -fdump-record-layouts`), so a wrong entry
// fails a test rather than a user.

export type TargetName = "bpfel" | "bpfeb" | "x86_64" | "aarch64" | "i386" | "armhf";

export const TARGET_NAMES: readonly TargetName[] = ["bpfel", "bpfeb", "x86_64", "aarch64", "i386", "armhf"];

/** The C scalar kinds whose size or alignment differs between targets. */
export type ScalarKind =
  | "bool"
  | "char"
  | "short"
  | "int"
  | "long"
  | "longlong"
  | "int128"
  | "float"
  | "double"
  | "longdouble"
  | "pointer"
  /** `__fp16`, storage-only half precision, on every target. */
  | "half"
  /** `_Float16`, which clang offers only where the target has arithmetic for it. */
  | "float16";

export interface ScalarInfo {
  size: number;
  /** Alignment as a struct member (i386 gives 8-byte scalars 4). */
  align: number;
}

export interface Target {
  name: TargetName;
  /** What clang calls it (`-target`). */
  triple: string;
  /** What Go calls it (GOARCH), for the bpf targets none. */
  goArch?: "amd64" | "arm64" | "386" | "arm";
  byteOrder: "little" | "big";
  /** Whether plain `char` is signed. */
  charSigned: boolean;
  /** Scalars the target lacks (`__int128` on 32-bit machines, `_Float16` on BPF and i386) are absent. */
  scalars: Partial<Record<ScalarKind, ScalarInfo>> & Record<Exclude<ScalarKind, "int128" | "float16">, ScalarInfo>;
  /**
   * The widest `_Atomic` type, in bytes, whose size rounds up to a power of
   * two and whose alignment becomes that size (clang's max atomic promote
   * width): i386 aligns `_Atomic long long` to 8 where plain `long long` is 4.
   */
  atomicPromote: number;
  /** The most a `vector_size` vector is aligned to (its size up to this); 0 for no cap. */
  maxVectorAlign: number;
  /**
   * Whether an unnamed bitfield (`int : 3`, `long : 0`) raises the record's
   * alignment to its declared type's, as on ARM and AArch64 (clang's
   * useZeroLengthBitfieldAlignment). SysV x86 and BPF ignore their types.
   */
  unnamedBitfieldsAlign: boolean;
  /** What a bare `__attribute__((aligned))` means: the target's largest useful alignment. */
  maxAlign: number;
  /** `__builtin_va_list`: a pointer on BPF, i386 and ARM, a register save area on x86_64 and AArch64. */
  vaList: ScalarInfo;
}

const s = (size: number, align = size): ScalarInfo => ({ size, align });

const lp64 = {
  bool: s(1),
  char: s(1),
  short: s(2),
  int: s(4),
  long: s(8),
  longlong: s(8),
  int128: s(16),
  float: s(4),
  double: s(8),
  pointer: s(8),
  half: s(2),
};

export const TARGETS: Readonly<Record<TargetName, Target>> = {
  bpfel: {
    name: "bpfel",
    triple: "bpfel",
    byteOrder: "little",
    charSigned: true,
    scalars: { ...lp64, longdouble: s(8) },
    unnamedBitfieldsAlign: false,
    atomicPromote: 8,
    maxVectorAlign: 0,
    maxAlign: 16,
    vaList: s(8),
  },
  bpfeb: {
    name: "bpfeb",
    triple: "bpfeb",
    byteOrder: "big",
    charSigned: true,
    scalars: { ...lp64, longdouble: s(8) },
    unnamedBitfieldsAlign: false,
    atomicPromote: 8,
    maxVectorAlign: 0,
    maxAlign: 16,
    vaList: s(8),
  },
  x86_64: {
    name: "x86_64",
    triple: "x86_64-linux-gnu",
    goArch: "amd64",
    byteOrder: "little",
    charSigned: true,
    scalars: { ...lp64, longdouble: s(16), float16: s(2) },
    unnamedBitfieldsAlign: false,
    atomicPromote: 16,
    maxVectorAlign: 0,
    maxAlign: 16,
    vaList: s(24, 8),
  },
  aarch64: {
    name: "aarch64",
    triple: "aarch64-linux-gnu",
    goArch: "arm64",
    byteOrder: "little",
    charSigned: false,
    scalars: { ...lp64, longdouble: s(16), float16: s(2) },
    unnamedBitfieldsAlign: true,
    atomicPromote: 16,
    maxVectorAlign: 16,
    maxAlign: 16,
    vaList: s(32, 8),
  },
  i386: {
    name: "i386",
    triple: "i386-linux-gnu",
    goArch: "386",
    byteOrder: "little",
    charSigned: true,
    scalars: {
      bool: s(1),
      char: s(1),
      short: s(2),
      int: s(4),
      long: s(4),
      longlong: s(8, 4),
      float: s(4),
      double: s(8, 4),
      longdouble: s(12, 4),
      pointer: s(4),
      half: s(2),
    },
    unnamedBitfieldsAlign: false,
    atomicPromote: 8,
    maxVectorAlign: 0,
    maxAlign: 16,
    vaList: s(4),
  },
  armhf: {
    name: "armhf",
    triple: "armv7a-linux-gnueabihf",
    goArch: "arm",
    byteOrder: "little",
    charSigned: false,
    scalars: {
      bool: s(1),
      char: s(1),
      short: s(2),
      int: s(4),
      long: s(4),
      longlong: s(8),
      float: s(4),
      double: s(8),
      longdouble: s(8),
      pointer: s(4),
      half: s(2),
      float16: s(2),
    },
    unnamedBitfieldsAlign: true,
    atomicPromote: 8,
    maxVectorAlign: 8,
    maxAlign: 8,
    vaList: s(4),
  },
};

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}

/** Go's GOARCH names and ours (`amd64` is `x86_64`, ...), both accepted. */
export function parseTarget(name: string): Target | undefined {
  if (isTargetName(name)) return TARGETS[name];
  return TARGET_NAMES.map((n) => TARGETS[n]).find((t) => t.goArch === name);
}
