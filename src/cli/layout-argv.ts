import type { LayoutOptions } from "./commands/layout.js";

// `abidrift layout FILE`, with or without `--format`, is what scripts and
// benchmarks run most, and loading commander and every command's
// registration costs a third of node's own start. main.ts recognises that
// plain shape here and runs it without them; anything else, help and
// errors included, goes through commander (a test holds the two to the
// same options).

const FORMATS: readonly string[] = ["text", "json"];

/** The file and options of a plain `layout FILE [-f|--format text|json]` argv, else undefined. */
export function plainLayoutArgs(args: readonly string[]): { file: string; opts: LayoutOptions } | undefined {
  if (args[0] !== "layout") return undefined;
  let file: string | undefined;
  let format: string | undefined;
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if ((a === "-f" || a === "--format") && format === undefined && FORMATS.includes(args[i + 1] ?? "")) format = args[++i];
    else if (!a.startsWith("-") && file === undefined) file = a;
    else return undefined;
  }
  if (file === undefined) return undefined;
  return { file, opts: { format: format === "json" ? "json" : "text", include: [], define: [], cachelineSize: 64 } };
}
