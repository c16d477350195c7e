// Whether the Go compiler builds a file for a platform, as go/build decides
// it: the `//go:build` line (or the older `// +build` lines) before the
// package clause, and a file name ending in `_GOOS`, `_GOARCH` or
// `_GOOS_GOARCH`. bpf2go writes one file per byte order behind such a line
// (`//go:build 386 || amd64 || arm64`), so a name two of them declare is
// the one declaration the build for a platform sees.

export interface Platform {
  goos: string;
  goarch: string;
}

const KNOWN_OS = new Set(["aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos"]);
const KNOWN_ARCH = new Set([
  "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le",
  "ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
]);
const UNIX = new Set(["aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "linux", "netbsd", "openbsd", "solaris"]);

/** Whether `file` (its base name and text) is built for `p`. Custom tags are off; cgo and every go1.N release tag are on. */
export function builtFor(file: string, text: string, p: Platform): boolean {
  return nameMatches(file, p) && constraintMatches(text, p);
}

function tagOn(tag: string, p: Platform): boolean {
  if (tag === p.goos || tag === p.goarch) return true;
  if (tag === "unix") return UNIX.has(p.goos);
  // android builds for linux, illumos for solaris, ios for darwin.
  if (tag === "linux" && p.goos === "android") return true;
  if (tag === "solaris" && p.goos === "illumos") return true;
  if (tag === "darwin" && p.goos === "ios") return true;
  return tag === "gc" || tag === "cgo" || /^go1\.\d+$/.test(tag);
}

function nameMatches(file: string, p: Platform): boolean {
  let name = file.slice(file.lastIndexOf("/") + 1);
  const dot = name.indexOf(".");
  if (dot >= 0) name = name.slice(0, dot);
  const i = name.indexOf("_");
  if (i < 0) return true;
  const parts = name.slice(i).split("_");
  if (parts.at(-1) === "test") parts.pop();
  const n = parts.length;
  const last = parts[n - 1] ?? "";
  const before = parts[n - 2] ?? "";
  if (n >= 2 && KNOWN_OS.has(before) && KNOWN_ARCH.has(last)) return tagOn(before, p) && tagOn(last, p);
  if (n >= 2 && (KNOWN_OS.has(last) || KNOWN_ARCH.has(last))) return tagOn(last, p);
  return true;
}

/** The constraint lines of the file's header: comments and blank lines before the package clause. */
function constraintMatches(text: string, p: Platform): boolean {
  const plus: string[] = [];
  let inBlock = false;
  for (const raw of text.split("\n", 400)) {
    const line = raw.trim();
    if (inBlock) {
      if (line.includes("*/")) inBlock = false;
      continue;
    }
    if (line === "") continue;
    if (line.startsWith("/*")) {
      inBlock = !line.includes("*/", 2);
      continue;
    }
    if (!line.startsWith("//")) break;
    const go = /^\/\/go:build(?:\s+(.*))?$/.exec(line);
    if (go) return evaluate(go[1] ?? "", p);
    const old = /^\/\/\s*\+build(?:\s+(.*))?$/.exec(line);
    if (old) plus.push(old[1] ?? "");
  }
  // `// +build a,b c`: lines are ANDed, space-separated options ORed, comma-separated terms ANDed.
  return plus.every((l) => l.split(/\s+/).filter(Boolean).some((opt) => opt.split(",").every((t) => (t.startsWith("!") ? !tagOn(t.slice(1), p) : tagOn(t, p)))));
}

/** A `//go:build` expression; one the compiler would reject builds nothing. */
function evaluate(expr: string, p: Platform): boolean {
  const tokens = expr.match(/[A-Za-z0-9_.]+|&&|\|\||[!()]|\S/g) ?? [];
  let i = 0;
  let bad = tokens.length === 0;
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === "||") {
      i++;
      const w = and();
      v = v || w;
    }
    return v;
  };
  const and = (): boolean => {
    let v = not();
    while (tokens[i] === "&&") {
      i++;
      const w = not();
      v = v && w;
    }
    return v;
  };
  const not = (): boolean => {
    const t = tokens[i++];
    if (t === "!") {
      // go/build/constraint refuses `!!x`.
      if (tokens[i] === "!") bad = true;
      return !not();
    }
    if (t === "(") {
      const v = or();
      if (tokens[i++] !== ")") bad = true;
      return v;
    }
    if (t === undefined || !/^[A-Za-z0-9_.]+$/.test(t)) {
      bad = true;
      return false;
    }
    return tagOn(t, p);
  };
  const v = or();
  return !bad && i === tokens.length && v;
}
