// Globs as `.gitignore` users write them: `*` within a path segment, `**`
// across segments, `?` one character; a pattern without a slash matches a
// file name at any depth, and a directory pattern matches what is under it.

export function globToRegExp(pattern: string): RegExp {
  let p = pattern.replace(/^\.\//, "");
  const anchored = p.includes("/") && !p.endsWith("/") ? true : p.slice(0, -1).includes("/");
  p = p.replace(/\/$/, "/**");
  let re = "";
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === "*") {
      if (p[i + 1] === "*") {
        const slash = p[i + 2] === "/";
        re += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else {
        re += "[^/]*";
      }
    } else if (ch === "?") {
      re += "[^/]";
    } else {
      re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`${anchored ? "^" : "(?:^|/)"}${re}(?:/.*)?$`);
}

export function matchesAny(path: string, patterns: readonly RegExp[]): boolean {
  return patterns.some((r) => r.test(path));
}
