// Naming conventions between C and userspace: `struct dns_key` is `DnsKey`
// in Go and Python, `bpfDnsKey` in bpf2go's output (its prefix is the name
// given to `bpf2go`, lower case, before the first capital), `dns_key_t` as a
// C typedef. A name's key is what is left when case, underscores and those
// affixes are dropped.

/** The key of a C type name: `struct dns_key` and `dns_key_t` both give `dnskey`. */
export function cNameKey(name: string): string {
  const bare = name.replace(/^(struct|union|enum)\s+/, "").replace(/_t$/, "");
  return bare.replace(/_/g, "").toLowerCase();
}

/** Keys a userspace type name may stand for: `bpfDnsKey` gives `bpfdnskey` and `dnskey`. */
export function twinNameKeys(name: string): string[] {
  const keys = [name.replace(/_/g, "").toLowerCase()];
  const prefixed = /^[a-z][a-z0-9]*(?=[A-Z])/.exec(name);
  if (prefixed) keys.push(name.slice(prefixed[0].length).replace(/_/g, "").toLowerCase());
  return keys;
}

/** The C spelling `struct dns_key` from what a user writes: `dns_key`, `struct dns_key`. */
export function splitCName(name: string): { tag?: "struct" | "union" | "enum"; name: string } {
  const m = /^(struct|union|enum)\s+(\S+)$/.exec(name.trim());
  if (m) return { tag: m[1] as "struct" | "union" | "enum", name: m[2]! };
  return { name: name.trim() };
}

/** Levenshtein distance, for "did you mean" on map names (short strings only). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
