// Every identifier the generator writes passes through here, so a C name can
// never break the module it lands in: C identifiers are valid JavaScript,
// but some are reserved in TypeScript (`class`, `enum`), some change meaning
// in an object literal (`__proto__`), and camel-casing can make two C names
// one.

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with " +
    "implements interface let package private protected public static yield " +
    "any boolean bigint never number object string symbol undefined unknown " +
    "await async arguments eval type declare namespace module require abstract readonly keyof infer is asserts"
  ).split(" "),
);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A name safe as a type, function, variable or enum member: reserved words and invalid text get a trailing `_`. */
export function safeIdentifier(name: string): string {
  let out = name.replace(/[^A-Za-z0-9_$]/g, "_");
  if (out === "" || /^[0-9]/.test(out)) out = `_${out}`;
  // Enum members and globals must not shadow JavaScript's own numeric names.
  if (RESERVED.has(out) || out === "NaN" || out === "Infinity") out += "_";
  if (!IDENTIFIER.test(out)) throw new Error(`identifier still invalid after escaping: ${JSON.stringify(name)}`);
  return out;
}

/**
 * A name safe as a property of an interface and an object literal. Reserved
 * words are fine there (`v.class`); `__proto__` is not, it sets the prototype.
 */
export function safeProperty(name: string): string {
  let out = name.replace(/[^A-Za-z0-9_$]/g, "_");
  if (out === "" || /^[0-9]/.test(out)) out = `_${out}`;
  return out === "__proto__" ? "__proto___" : out;
}

/** `probe_event` → `ProbeEvent`; leading underscores and empty parts drop out. */
export function pascalCase(cName: string): string {
  const parts = cName.split("_").filter((p) => p !== "");
  const out = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join("");
  return safeIdentifier(out === "" ? "Anonymous" : out);
}

/** `ts_ns` → `tsNs`; a name with no underscore inside is left alone. */
export function camelCase(cName: string): string {
  const lead = /^_*/.exec(cName)![0];
  const rest = cName.slice(lead.length).replace(/_+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());
  return lead + rest;
}

/** `probe_event` → `PROBE_EVENT`; `ProbeEvent` → `PROBE_EVENT`. */
export function constantCase(name: string): string {
  return safeIdentifier(
    name
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/^_+/, "")
      .toUpperCase(),
  );
}
